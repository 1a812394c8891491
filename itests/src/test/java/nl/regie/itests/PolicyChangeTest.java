package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A policy change takes effect on a running system: a plugin of party {@code beta}, subscribed within its declared
 * scope to topics of party {@code alpha}, receives nothing of them until the operator's policy, changed through
 * ConfigAdmin while both plugins run, grants them; then they arrive through the grant's transforms (counts summed
 * per zone, locations coarsened, the personal attribute withheld). The change and the denials are in the audit log,
 * read over HTTP.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PolicyChangeTest extends RegieTestSupport {

    /** The owner plugin's symbolic name: its readings name it as their source (test classes cannot load plugin classes). */
    private static final String OWNER = "nl.regie.itests.owner";
    /** Where the owner's lamp is: Dam square. */
    private static final String LAMP_AT = "@4.892400,52.373100";
    private static final String READER = "nl.regie.itests.reader";
    /** The owner is signed with the contractor's demo key, the reader with the water board's: parties alpha and beta. */
    private static final String KEYS = "keys = " + TestKeys.CONTRACTOR.trustedFor("alpha") + ", "
            + TestKeys.WATERBOARD.trustedFor("beta") + "\n";
    private static final String CANARY_GRANT = "alpha>beta WeatherObserved/#";

    @Inject
    private ConfigurationAdmin configAdmin;

    private final HttpClient http = HttpClient.newHttpClient();

    @Configuration
    public Option[] config() {
        Path folder = RegieFramework.workDirectory().toPath().resolve("policy-config-" + System.nanoTime());
        List<Option> options = new ArrayList<>(List.of(RegieFramework.options()));
        options.add(frameworkProperty("regie.config.dir").value(folder.toString()));
        options.add(frameworkProperty("regie.config.poll.millis").value("100"));
        return options.toArray(new Option[0]);
    }

    @After
    public void deletePolicy() throws Exception {
        if (Files.deleteIfExists(policyFile())) {
            await("the config folder forgot the policy file", () -> !configStates().contains(POLICY_PID),
                    this::configStates);
        }
        configAdmin.getConfiguration(POLICY_PID, "?").delete();
        await("no policy configuration", () -> servedGrants().isEmpty(), this::servedGrants);
    }

    @Test
    public void aGrantAddedWhileThePluginsRunTakesEffectAtOnceThroughItsTransforms() throws Exception {
        // The audit log is kept across runs in the framework's state folder: look at this run's events only.
        String since = "&since=" + Instant.now();
        // Only the weather canary is shared: it tells when everything published before it has been delivered.
        applyPolicy(CANARY_GRANT);
        Bundle owner = installPlugin(OWNER, "1.0.0", "nl.regie.itests.plugin.policyowner", TestKeys.CONTRACTOR);
        Bundle reader = installPlugin(READER, "1.0.0", "nl.regie.itests.plugin.policyreader", TestKeys.WATERBOARD);
        awaitSubscription(reader, "1.0.0");

        publishRound(owner, 1);
        awaitReceived(reader, "WeatherObserved/w-1/temperature=1.0@-");
        assertEquals("before the grant only the canary of round 1 arrives",
                List.of("WeatherObserved/w-1/temperature=1.0@-"), received(reader));
        // Each denied topic pattern audited once for the reader's view, with its party and the owner's.
        String denials = awaitAudit(http, "kind=read&actor=" + READER + since,
                "\"target\":\"CrowdFlowObserved/+/peopleCount\"", "\"target\":\"Streetlight/+/illuminanceLevel\"", "\"target\":\"Resident/+/address\"",
                "\"target\":\"Resident/+/age\"");
        assertEquals(denials, 4, denials.split("\"kind\":\"read\"", -1).length - 1);
        assertTrue(denials, denials.contains("\"party\":\"beta\"") && denials.contains("owned by alpha"));

        applyPolicy(CANARY_GRANT, "alpha>beta CrowdFlowObserved/+/peopleCount aggregate=250 minSources=2",
                "alpha>beta Streetlight/# grid=1000", "alpha>beta Resident/+/+");
        awaitAudit(http, "kind=policy&limit=1" + since, "\"outcome\":\"applied\"", "grants added [alpha>beta"
                + " CrowdFlowObserved/+/peopleCount aggregate=250 minSources=2, alpha>beta Streetlight/# grid=1000,"
                + " alpha>beta Resident/+/+]");

        publishRound(owner, 2);
        awaitReceived(reader, "WeatherObserved/w-1/temperature=2.0@-");
        List<String> round2 = received(reader).subList(1, received(reader).size());
        // Counts: never a single counter, and never a sum of one source: the owner plugin's two counters are one
        // source, fewer than the grant's minSources=2, so the zone's sum is withheld (PolicyEngineTest has the sums).
        assertTrue(round2.toString(), round2.stream().noneMatch(line -> line.startsWith("CrowdFlowObserved/")));
        // The lamp's location moved to the centre of its 1 km cell.
        String lamp = round2.stream().filter(line -> line.startsWith("Streetlight/lamp-a1/")).findFirst().orElse(null);
        assertNotNull(round2.toString(), lamp);
        assertFalse(lamp, lamp.endsWith(LAMP_AT));
        // Resident: the age is shared, the address is personal and the grant does not say personal.
        assertTrue(round2.toString(), round2.contains("Resident/r-1/age=42.0@-"));
        assertFalse(round2.toString(), round2.stream().anyMatch(line -> line.startsWith("Resident/r-1/address")));
        assertEquals(round2.toString(), 3, round2.size());
    }

    @Test
    public void thePolicyFileIsValidatedByTheConfigFolderAndABadOneIsRefusedWhole() throws Exception {
        String since = "&since=" + Instant.now();
        Bundle owner = installPlugin(OWNER, "1.0.0", "nl.regie.itests.plugin.policyowner", TestKeys.CONTRACTOR);
        Bundle reader = installPlugin(READER, "1.0.0", "nl.regie.itests.plugin.policyreader", TestKeys.WATERBOARD);
        awaitSubscription(reader, "1.0.0");
        String parties = KEYS;

        dropPolicy(parties + "grants = " + CANARY_GRANT + "\n");
        await("the policy file applied", () -> List.of(CANARY_GRANT).equals(servedGrants()),
                () -> servedGrants() + " / " + configStates());
        publishRound(owner, 1);
        awaitReceived(reader, "WeatherObserved/w-1/temperature=1.0@-");

        // The metatype refuses what is not a policy key; the policy itself refuses a bad grant, naming it.
        dropPolicy(parties + "grant = " + CANARY_GRANT + "\n");
        await("the misspelt key refused", () -> configStates().contains("unknown key grant"), this::configStates);
        dropPolicy(parties + "grants = alpha>beta Streetlight/# grid=0\n");
        awaitAudit(http, "kind=policy&limit=1" + since, "\"outcome\":\"refused\"",
                "policy grants: 'alpha>beta Streetlight/#" + " grid=0': grid=0 must be a whole number of metres from 1 to 100000", "stays in force");

        // The policy in force is still the one with the canary grant (the refused one has none).
        publishRound(owner, 2);
        awaitReceived(reader, "WeatherObserved/w-1/temperature=2.0@-");
        assertEquals(List.of("WeatherObserved/w-1/temperature=1.0@-", "WeatherObserved/w-1/temperature=2.0@-"),
                received(reader));
    }

    /** Writes the policy file the way an operator should: to another name, then renamed into place. */
    private void dropPolicy(String text) throws Exception {
        Path file = policyFile();
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(POLICY_PID + ".cfg.tmp");
        Files.writeString(temporary, text);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The policy file in the config folder this framework watches. */
    private Path policyFile() {
        return Path.of(context.getProperty("regie.config.dir")).resolve(POLICY_PID + ".cfg");
    }

    /** {@code GET /api/config}: the config folder's files and their states. */
    private String configStates() {
        HttpResponse<String> response = get(http, URI.create(httpEndpoint()).resolve("/api/config"));
        return response == null ? "" : response.body();
    }

    /**
     * Applies a policy the one way the runtime lets anyone: its file in the config folder (a configuration of the
     * policy set through ConfigurationAdmin would be deleted by the folder, which owns it).
     */
    private void applyPolicy(String... grants) throws Exception {
        dropPolicy(KEYS + "personal = Resident/+/address\ngrants = "
                + String.join(", ", grants) + "\n");
        // The component's service carries the configuration once it has been handed the new one.
        List<String> expected = List.of(grants);
        await("the policy with grants " + expected + " in force", () -> expected.equals(servedGrants()),
                () -> servedGrants() + " / " + configStates());
    }

    private List<String> servedGrants() {
        ServiceReference<?> policy = context.getServiceReference("nl.regie.runtime.spi.policy.AccessPolicy");
        Object grants = policy == null ? null : policy.getProperty("grants");
        return grants instanceof String[] array ? List.of(array) : List.of();
    }

    private void publishRound(Bundle owner, int round) {
        ServiceReference<?>[] services = owner.getRegisteredServices();
        assertNotNull("the owner plugin offers its publisher", services);
        for (ServiceReference<?> reference : services) {
            if ("policy-owner".equals(reference.getProperty("regie.itests.role"))) {
                IntConsumer publisher = (IntConsumer) context.getService(reference);
                try {
                    publisher.accept(round);
                } finally {
                    context.ungetService(reference);
                }
                return;
            }
        }
        throw new AssertionError("the owner plugin offers no publisher");
    }

    @SuppressWarnings("unchecked")
    private List<String> received(Bundle reader) {
        ServiceReference<?>[] services = reader.getRegisteredServices();
        if (services != null) {
            for (ServiceReference<?> reference : services) {
                if ("policy-reader".equals(reference.getProperty("regie.itests.role"))) {
                    Supplier<List<String>> seen = (Supplier<List<String>>) context.getService(reference);
                    try {
                        return seen == null ? List.of() : seen.get();
                    } finally {
                        context.ungetService(reference);
                    }
                }
            }
        }
        return List.of();
    }

    private void awaitReceived(Bundle reader, String line) {
        await(READER + " received " + line, () -> received(reader).contains(line), () -> received(reader));
    }
}
