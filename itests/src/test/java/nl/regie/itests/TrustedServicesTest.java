package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.inject.Inject;

import nl.regie.api.actuation.Actuation;
import nl.regie.api.actuation.ActuationDriver;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;
import nl.regie.itests.plugin.granted.DashboardServlet;
import nl.regie.itests.plugin.granted.GrantedPlugin;
import nl.regie.itests.plugin.trespass.BackdoorServlet;
import nl.regie.itests.plugin.trespass.Trespasser;

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
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The services others trust, on a running framework: a hostile plugin registers a top-ranked driver for streetlights,
 * a notifier, a filter in front of every request and a servlet in a context of its own; none of them is used, each
 * refusal is audited and counted, and a plugin whose services are declared and granted works next to it. The policy
 * is set through ConfigurationAdmin (this framework has no config folder).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrustedServicesTest extends RegieTestSupport {

    private static final String TRESPASSER = Trespasser.NAME;
    private static final String GRANTED = GrantedPlugin.NAME;

    @Inject
    private ConfigurationAdmin configAdmin;

    /** The probe's own actuation: it declares every type. */
    @Inject
    private Actuation actuation;

    private final HttpClient http = HttpClient.newHttpClient();
    private ServiceRegistration<ActuationDriver> lamps;

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options();
    }

    @After
    public void removePolicyAndDriver() throws Exception {
        if (lamps != null) {
            lamps.unregister();
        }
        configAdmin.getConfiguration(POLICY_PID, "?").delete();
    }

    @Test
    public void servicesOthersTrustAreUsedOnlyWhenDeclaredAndGranted() throws Exception {
        // The audit log is kept across runs in the framework's state folder: look at this run's events only.
        String since = "&since=" + Instant.now();
        applyPolicy("services", new String[] {GRANTED + " drives FloodGate", GRANTED + " notifies city",
            GRANTED + " serves /acme"});
        // The runtime's own driver of streetlights (the probe is trusted like a runtime bundle).
        lamps = context.registerService(ActuationDriver.class,
                command -> CompletableFuture.completedFuture(CommandResult.completed(command.id())),
                new Hashtable<>(Map.of(ActuationDriver.ENTITY_TYPES, "Streetlight")));
        // The trespasser first: its services are older, so were they used they would be used before the others'.
        Bundle trespasser = installPlugin(TRESPASSER, "1.0.0", TestBundles.TRESPASS_PACKAGE);
        Bundle granted = installPlugin(GRANTED, "1.0.0", TestBundles.GRANTED_PACKAGE);
        Function<String, String> trespass = roleService(trespasser, "trespass");
        Function<String, String> grantedSeen = roleService(granted, "granted");

        // A top-ranked driver of the trespasser's gets no streetlight command; the granted plugin drives its gates.
        assertEquals(CommandState.COMPLETED, send("Streetlight", "lamp-1").state());
        assertEquals(CommandState.COMPLETED, send("FloodGate", "gate-1").state());
        await("the granted plugin drove gate-1", () -> grantedSeen.apply("seen")
                .contains("command close urn:ngsi-ld:FloodGate:gate-1"), () -> grantedSeen.apply("seen"));

        // A resident warning of a city plugin (the granted plugin itself, signed with the city's key) reaches the granted
        // gateway (notifies city), never the trespasser's notifier.
        assertEquals("sent", grantedSeen.apply("warn"));
        await("the granted gateway delivered the warning", () -> grantedSeen.apply("seen")
                .contains("notification Flood warning"), () -> grantedSeen.apply("seen"));

        // The operator's requests go through; the trespasser's filter never sees one, nor its token.
        HttpResponse<String> entities = get(http, endpoint("/api/entities?type=WasteContainer"));
        assertEquals(200, entities.statusCode());
        // Its own context serves nothing: the path falls to the runtime's servlets, behind the access filter.
        HttpResponse<String> backdoor = anonymous("/backdoor/state");
        assertNotEquals(backdoor.body(), 200, backdoor.statusCode());
        assertFalse(backdoor.body(), backdoor.body().contains(BackdoorServlet.MARK));
        HttpResponse<String> asOperator = get(http, endpoint("/backdoor/state"));
        assertFalse(asOperator.body(), asOperator.body().contains(BackdoorServlet.MARK));
        assertEquals("hidden", trespass.apply("http-service"));

        // The granted dashboard serves its own path, behind the access filter like every Regie servlet.
        await("the granted dashboard answers", () -> {
            HttpResponse<String> dashboard = get(http, endpoint("/acme/status"));
            return dashboard != null && dashboard.statusCode() == 200 && dashboard.body().equals(DashboardServlet.GREETING);
        }, () -> get(http, endpoint("/acme/status")).statusCode());
        assertEquals(401, anonymous("/acme/status").statusCode());

        assertEquals("the trespasser saw nothing at all", "", trespass.apply("seen"));

        // One record per plugin version, kind and value: the HTTP Service, which needs serves / like the filter,
        // shares the filter's.
        String audit = awaitAudit(http, "kind=service&actor=" + TRESPASSER + since, "ActuationDriver service",
                "Notifier service", "HTTP whiteboard service", "filter.pattern [/*]", "servlet context " + TRESPASSER + " at /backdoor",
                "in the plugin's own context " + TRESPASSER, "the policy does not grant it drives Streetlight",
                "serves / is not in its declared scope (serves [/backdoor])");
        assertEquals(audit, 5, audit.split("\"kind\":\"service\"", -1).length - 1);
        assertTrue(audit, audit.contains("\"outcome\":\"denied\""));
        assertFalse(audit, audit.contains("\"actor\":\"" + GRANTED + "\""));
        String metrics = get(http, endpoint("/metrics")).body();
        for (String kind : List.of("drives", "notifies", "serves")) {
            assertTrue(metrics, metrics.contains("regie_scope_refusals_total{plugin=\"" + TRESPASSER + "\",kind=\""
                    + kind + "\"}"));
        }
        assertFalse(metrics, metrics.contains("regie_scope_refusals_total{plugin=\"" + GRANTED + "\""));
    }

    private CommandResult send(String type, String localId) throws Exception {
        return actuation.send(Command.of(EntityId.of(type, localId), type.equals("FloodGate") ? "close" : "dim",
                Map.of("level", Value.of(0.3)), Instant.now().plusSeconds(10))).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private void applyPolicy(String key, String[] values) throws IOException {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("keys", TestKeys.demoPolicyKeys());
        properties.put(key, values);
        configAdmin.getConfiguration(POLICY_PID, "?").update(properties);
        await("the policy with " + key + " " + List.of(values) + " in force", () -> {
            ServiceReference<?> policy = context.getServiceReference("nl.regie.runtime.spi.policy.AccessPolicy");
            return policy != null && policy.getProperty(key) instanceof String[] served
                    && List.of(served).equals(List.of(values));
        }, () -> "");
    }

    private URI endpoint(String path) {
        return URI.create(httpEndpoint()).resolve(path);
    }

    private HttpResponse<String> anonymous(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(endpoint(path)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
