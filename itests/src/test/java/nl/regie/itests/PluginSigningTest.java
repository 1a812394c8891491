package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import javax.inject.Inject;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditQuery;
import nl.regie.runtime.spi.audit.AuditReader;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.policy.AccessPolicy;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Plugins are signed, and the key decides the party, tried as an attacker would through the real lifecycle: an
 * unsigned jar, a signed jar with a class changed or one added, and a jar signed by a key the policy does not list
 * are refused, audited, and change nothing; a plugin named like the contractor's waste plugin but signed with the
 * city's key acts for the city, and one named like a city plugin but signed with the contractor's key reads no city
 * data. The policy trusts the three demo keys, each for its own party ({@link RegieTestSupport#trustDemoKeys}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginSigningTest extends LifecycleTestSupport {

    private static final String PLUGIN = "nl.regie.itests.signed";

    @Inject
    private AccessPolicy policy;

    @Inject
    private AuditReader auditReader;

    @Configuration
    public Option[] configuration() {
        return options();
    }

    @Test
    public void unsignedTamperedAndStrangersJarsAreRefusedAndChangeNothing() throws Exception {
        Instant since = Instant.now();
        byte[] signed = bytes(TestBundles.plugin(PLUGIN, "1.0.0", TestBundles.PROBE_PACKAGE));
        byte[] unsigned = bytes(TestBundles.signedPlugin(PLUGIN, "1.0.0", TestBundles.PROBE_PACKAGE, null));
        byte[] changed = rewrite(signed, "nl/regie/itests/plugin/probe/ProbeListener.class", new byte[] {(byte) 0xCA});
        byte[] grown = rewrite(signed, "nl/regie/itests/plugin/probe/Backdoor.class", new byte[] {(byte) 0xCA});
        byte[] stranger = bytes(TestBundles.signedPlugin(PLUGIN, "1.0.0", TestBundles.PROBE_PACKAGE, TestKeys.STRANGER));
        int bundlesBefore = context.getBundles().length;

        assertRefused(Reason.UNSIGNED, unsigned, "is not signed; sign it with jarsigner");
        assertRefused(Reason.BAD_SIGNATURE, changed, "entry nl/regie/itests/plugin/probe/ProbeListener.class was"
                + " changed after signing");
        assertRefused(Reason.BAD_SIGNATURE, grown, "it is only partly signed: entry"
                + " nl/regie/itests/plugin/probe/Backdoor.class not covered by its signature");
        assertRefused(Reason.UNTRUSTED_KEY, stranger, TestKeys.STRANGER.fingerprint() + ", which the policy does not"
                + " list");

        assertEquals("nothing was installed", bundlesBefore, context.getBundles().length);
        assertFalse(lifecycle.status(PLUGIN).isPresent());
        // The audit log is written on its own thread: wait for the four refusals.
        await("four refusals audited", () -> auditReader.read(new AuditQuery(AuditEvent.PLUGIN, "operator", null, since,
                10)).stream().filter(e -> e.outcome().equals("REFUSED")).count() == 4, () -> "");
        List<AuditEvent> refusals = auditReader.read(new AuditQuery(AuditEvent.PLUGIN, "operator", null, since, 10));
        assertTrue(refusals.toString(), refusals.stream().anyMatch(e -> e.detail().startsWith("UNTRUSTED_KEY: ")
                && e.detail().contains(TestKeys.STRANGER.fingerprint())));

        // The same plugin, signed whole by a key the policy lists, goes in, and the audit log names the key.
        removeAfterTest(PLUGIN);
        Outcome outcome = lifecycle.install(jar(PLUGIN, new ByteArrayInputStream(signed)), ORIGIN);
        assertEquals(Outcome.Result.INSTALLED, outcome.result());
        AuditEvent installed = awaitAudited(since, "INSTALLED");
        assertEquals("city", installed.party());
        assertEquals("key " + TestKeys.CITY.fingerprint(), installed.detail());
    }

    @Test
    public void theKeyDecidesThePartyNotTheSymbolicName() throws Exception {
        // Named like the contractor's waste plugin, signed with the city's key: it acts for the city, and reads the
        // city's readings (the probe publishes as the city).
        removeAfterTest("nl.regie.waste");
        Outcome impostor = lifecycle.install(jar("waste-by-city", TestBundles.signedPlugin("nl.regie.waste", "9.0.0",
                TestBundles.PROBE_PACKAGE, TestKeys.CITY)), ORIGIN);
        assertEquals(Outcome.Result.INSTALLED, impostor.result());
        assertEquals("city", policy.partyOfPlugin("nl.regie.waste"));
        assertEquals(TestKeys.CITY.fingerprint(), policy.keyOfPlugin("nl.regie.waste").orElseThrow());
        Bundle waste = bundleNamed("nl.regie.waste");
        awaitSubscription(waste, "9.0.0");
        bus.publish(fillingLevel("bin-city-1", 0.5));
        awaitProbeReceived(waste, "WasteContainer/bin-city-1/fillingLevel");

        // Named like the city's lighting plugin, signed with the contractor's key: the contractor's, and the city's
        // readings never reach it.
        Instant since = Instant.now();
        removeAfterTest("nl.regie.lighting");
        lifecycle.install(jar("lighting-by-contractor", TestBundles.signedPlugin("nl.regie.lighting", "9.0.0",
                TestBundles.PROBE_PACKAGE, TestKeys.CONTRACTOR)), ORIGIN);
        assertEquals("contractor", policy.partyOfPlugin("nl.regie.lighting"));
        Bundle lighting = bundleNamed("nl.regie.lighting");
        awaitSubscription(lighting, "9.0.0");
        bus.publish(fillingLevel("bin-city-2", 0.6));
        await("the city's reading denied to the contractor-signed plugin", () -> auditReader.read(
                new AuditQuery(AuditEvent.READ, "nl.regie.lighting", "contractor", since, 10)).stream()
                .anyMatch(e -> e.detail().contains("owned by city")), () -> "");
        awaitProbeReceived(waste, "WasteContainer/bin-city-2/fillingLevel");
        assertEquals(List.of(), receivedByProbe(lighting));
    }

    /** Waits for the plugin audit entry with this outcome since then (the log is written on its own thread). */
    private AuditEvent awaitAudited(Instant since, String outcome) {
        await("a plugin entry " + outcome + " in the audit log", () -> audited(since, outcome).isPresent(), () -> "");
        return audited(since, outcome).orElseThrow();
    }

    private Optional<AuditEvent> audited(Instant since, String outcome) {
        return auditReader.read(new AuditQuery(AuditEvent.PLUGIN, "operator", null, since, 20)).stream()
                .filter(e -> e.outcome().equals(outcome)).findFirst();
    }

    private void assertRefused(Reason reason, byte[] jar, String why) {
        Path file = jar(PLUGIN + "-" + reason, new ByteArrayInputStream(jar));
        LifecycleException refused = assertThrows(LifecycleException.class, () -> lifecycle.install(file, ORIGIN));
        assertEquals(refused.getMessage(), reason, refused.reason());
        assertTrue(refused.getMessage(), refused.getMessage().contains(why));
    }

    private static byte[] bytes(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar with one entry replaced, or added at the end when it has none of that name. */
    private static byte[] rewrite(byte[] jar, String name, byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean replaced = false;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar));
                ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                boolean target = entry.getName().equals(name);
                out.write(target ? content : in.readAllBytes());
                replaced |= target;
                out.closeEntry();
            }
            if (!replaced) {
                out.putNextEntry(new ZipEntry(name));
                out.write(content);
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
