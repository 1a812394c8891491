package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import javax.inject.Inject;

import nl.regie.itests.plugin.rewriter.Rewriter;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A plugin rewriting the runtime's configuration through ConfigurationAdmin, behind the config folder's back: the
 * policy, the HTTP tokens, the limits and the policy's binding. Each change is put back as the file says (or, with no
 * file, deleted), audited, raised as an alert of the runtime's, and what the plugin tried has no lasting effect: its
 * token opens nothing, the policy in force is the file's.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigTamperTest extends RegieTestSupport {

    private static final String POLICY = "nl.regie.runtime.policy";
    private static final String ACCESS = "nl.regie.runtime.access";
    private static final String LIMITS = "nl.regie.runtime.limits";
    private static final String OPS_TOKEN = "ops-token";
    private static final String OPS_DIGEST = "d9310c002af91822beb0b3487d8b04f85bf6bf1f8a5496bff7d35fc7c5a29def";
    private static final String GRANTS = "city>police WasteContainer/+/fillingLevel";

    @Inject
    private ConfigurationAdmin configAdmin;

    private final HttpClient http = HttpClient.newHttpClient();

    @Configuration
    public Option[] configuration() {
        Path folder = RegieFramework.workDirectory().toPath().resolve("tamper-config-" + System.nanoTime());
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(POLICY + ".cfg"), "keys = " + String.join(", ", TestKeys.demoPolicyKeys())
                    + "\ngrants = " + GRANTS + "\n");
            Files.writeString(folder.resolve(ACCESS + ".cfg"), "tokens = ops city operator sha256:" + OPS_DIGEST + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Option> options = new ArrayList<>(List.of(RegieFramework.options()));
        options.add(frameworkProperty("regie.config.dir").value(folder.toString()));
        options.add(frameworkProperty("regie.config.poll.millis").value("100"));
        return options.toArray(new Option[0]);
    }

    @Test
    public void configurationChangedBehindTheFoldersBackIsPutBackAuditedAndAlerted() throws Exception {
        String since = Instant.now().toString();
        await("the policy and the tokens applied from their files", () -> apiConfig().contains(applied(POLICY))
                && apiConfig().contains(applied(ACCESS)), this::apiConfig);
        await("the file's token opens the API", () -> status("/api/entities", OPS_TOKEN) == 200,
                () -> status("/api/entities", OPS_TOKEN));
        Bundle rewriter = installPlugin(Rewriter.NAME, "1.0.0", TestBundles.REWRITER_PACKAGE);
        Function<String, String> attempts = roleService(rewriter, "rewriter");

        // An HTTP token of its own: gone again, and it never opens anything once put back.
        assertEquals("done", attempts.apply("access"));
        await("the file's tokens back", () -> tokens().equals(List.of("ops city operator sha256:" + OPS_DIGEST)),
                () -> tokens());
        await("the intruder's token refused and the file's opening the API", () -> status("/api/entities",
                Rewriter.TOKEN) == 401 && status("/api/entities", OPS_TOKEN) == 200,
                () -> status("/api/entities", Rewriter.TOKEN));

        // Its party made the default and granted everything: the file's policy is back in force.
        assertEquals("done", attempts.apply("policy"));
        await("the file's policy back in ConfigAdmin", () -> configuration(POLICY).get("defaultParty") == null
                && GRANTS.equals(first(configuration(POLICY).get("grants"))), () -> configuration(POLICY));
        await("the file's policy in force", () -> List.of(GRANTS).equals(servedPolicy("grants"))
                && servedPolicy("defaultParty").isEmpty(), () -> servedPolicy("grants"));

        // Bound to itself, so the policy component would lose it: bound to every bundle again.
        assertEquals("done", attempts.apply("bind-policy"));
        await("the policy bound to every bundle again, and put back whole", () -> "?".equals(location(POLICY))
                && putBack(POLICY) == 2, () -> location(POLICY) + " " + putBack(POLICY));

        // Deleted: back from the file.
        assertEquals("done", attempts.apply("delete-policy"));
        await("the policy back after its deletion", () -> GRANTS.equals(first(configuration(POLICY).get("grants")))
                && putBack(POLICY) == 3, () -> configuration(POLICY) + " " + putBack(POLICY));

        // The limits, which have no file here: only a file may set them, so they are deleted.
        assertEquals("done", attempts.apply("limits"));
        await("the limits set without a file deleted", () -> configurationOrNull(LIMITS) == null,
                () -> configurationOrNull(LIMITS));

        await("the status says applied, put back", () -> apiConfig().contains("after a change through"
                + " ConfigurationAdmin"), this::apiConfig);
        // Audited once per PID a minute (the policy's later rebinding and deletion are counted, reported with the
        // next report), naming the keys changed, never their values, and who holds ConfigurationAdmin.
        String audit = awaitAudit(http, "kind=config&since=" + since, "\"target\":\"" + ACCESS + "\"",
                "\"target\":\"" + POLICY + "\"", "\"target\":\"" + LIMITS + "\"", "\"outcome\":\"put back\"",
                "(tokens changed)", "(grants changed, defaultParty added, keys removed",
                "only a file of the config folder may set it", Rewriter.NAME + " 1.0.0");
        assertEquals(audit, 3, audit.split("\"kind\":\"config\"", -1).length - 1);
        assertTrue(audit, !audit.contains(Rewriter.TOKEN_DIGEST));
        String alerts = get(http, endpoint("/api/alerts")).body();
        for (String pid : List.of(ACCESS, POLICY, LIMITS)) {
            assertTrue(alerts, alerts.contains("config-changed-" + pid));
        }
        assertEquals(1, putBack(ACCESS));
        assertEquals(3, putBack(POLICY));
        assertEquals(1, putBack(LIMITS));
    }

    /** How many changes of a PID were put back, as {@code /metrics} says. */
    private long putBack(String pid) {
        String prefix = "regie_config_put_back_total{pid=\"" + pid + "\"} ";
        return get(http, endpoint("/metrics")).body().lines().filter(line -> line.startsWith(prefix))
                .mapToLong(line -> Long.parseLong(line.substring(prefix.length()))).findFirst().orElse(0);
    }

    private static String applied(String pid) {
        return "\"pid\":\"" + pid + "\",\"file\":\"" + pid + ".cfg\",\"state\":\"applied\"";
    }

    private String apiConfig() {
        HttpResponse<String> response = get(http, endpoint("/api/config"));
        return response == null ? "" : response.body().replaceAll("\"file\":\"[^\"]*/", "\"file\":\"");
    }

    private int status(String path, String token) {
        try {
            return http.send(HttpRequest.newBuilder(endpoint(path)).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private List<String> tokens() {
        Object tokens = configuration(ACCESS).get("tokens");
        return tokens instanceof String[] array ? List.of(array) : List.of(String.valueOf(tokens));
    }

    private List<String> servedPolicy(String key) {
        ServiceReference<?> policy = context.getServiceReference("nl.regie.runtime.spi.policy.AccessPolicy");
        Object value = policy == null ? null : policy.getProperty(key);
        return value instanceof String[] array ? List.of(array) : value == null ? List.of() : List.of(value.toString());
    }

    private static String first(Object value) {
        return value instanceof String[] array && array.length > 0 ? array[0] : String.valueOf(value);
    }

    private java.util.Dictionary<String, Object> configuration(String pid) {
        java.util.Dictionary<String, Object> properties = configurationOrNull(pid);
        return properties == null ? new java.util.Hashtable<>() : properties;
    }

    private java.util.Dictionary<String, Object> configurationOrNull(String pid) {
        org.osgi.service.cm.Configuration found = existing(pid);
        return found == null ? null : found.getProperties();
    }

    private String location(String pid) {
        org.osgi.service.cm.Configuration found = existing(pid);
        return found == null ? null : found.getBundleLocation();
    }

    private org.osgi.service.cm.Configuration existing(String pid) {
        try {
            org.osgi.service.cm.Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            return found == null ? null : found[0];
        } catch (IOException | InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private URI endpoint(String path) {
        return URI.create(httpEndpoint()).resolve(path);
    }
}
