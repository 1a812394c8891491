package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;

import nl.regie.runtime.spi.monitor.SubscriberInfo;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogReaderService;

/**
 * Issue 17's findings on a running runtime: it starts and serves its plugins without an error in the log (SCR once
 * logged one for {@code BundleBusView}'s constructor on every start), and {@code GET /api/plugins} and
 * {@code GET /health} agree on a plugin whose subscription is quarantined.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeHealthTest extends RegieTestSupport {

    @Inject
    private LogReaderService logReader;

    @Configuration
    public Option[] configuration() {
        // Keep the whole log, so that what was logged while the framework started is still there to read.
        return OptionUtils.combine(RegieFramework.options(),
                frameworkProperty("org.apache.felix.log.maxSize").value("-1"),
                frameworkProperty("org.osgi.service.log.admin.loglevel").value("INFO"));
    }

    @Test
    public void theRuntimeStartsAndServesPluginsWithoutAnErrorInTheLog() throws Exception {
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        logReader.addLogListener(entry -> {
            if (entry.getLogLevel() == LogLevel.ERROR) {
                errors.add(describe(entry));
            }
        });
        // Each plugin gets its own bus view, city state, alerts: activating them is where SCR found fault.
        Bundle probe = installProbe("nl.regie.itests.probe.health", "1.0.0");
        await("the probe subscribed", () -> !subscriptionsOf(probe).isEmpty(), () -> subscriptionsOf(probe));
        installPlugin("nl.regie.itests.alerting.health", "1.0.0", TestBundles.ALERTING_PACKAGE);

        List<String> logged = new ArrayList<>();
        for (LogEntry entry : Collections.list(logReader.getLog())) {
            if (entry.getLogLevel() == LogLevel.ERROR) {
                logged.add(describe(entry));
            }
        }
        assertEquals("errors logged since the framework started", List.of(), logged);
        assertEquals("errors logged while plugins started", List.of(), errors);
    }

    @Test
    public void aQuarantinedSubscriptionMakesThePluginUnhealthyInPluginsAndHealthAlike() throws Exception {
        String name = "nl.regie.itests.failing";
        Bundle failing = installPlugin(name, "1.0.0", TestBundles.FAILING_PACKAGE);
        await("the failing plugin subscribed", () -> !subscriptionsOf(failing).isEmpty(), () -> subscriptionsOf(failing));
        for (int i = 0; i < 12; i++) {
            bus.publish(temperature("itest-quarantine", 20 + i));
        }
        await("its subscription is quarantined", () -> subscriptionsOf(failing).stream()
                .anyMatch(s -> s.state() == SubscriberInfo.State.QUARANTINED), () -> subscriptionsOf(failing));

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String plugin = answer(client, "/api/plugins/" + name);
        String health = answer(client, "/health");
        assertTrue("/api/plugins says the plugin is unhealthy: " + plugin, plugin.contains("\"healthy\":false"));
        assertTrue("/health is DEGRADED: " + health, health.contains("\"status\":\"DEGRADED\""));
        assertTrue("/health names the quarantined subscription: " + health,
                health.contains(name + " subscription [WasteContainer/+/temperature] is quarantined"));
    }

    private String answer(HttpClient client, String path) {
        URI uri = URI.create(httpEndpoint()).resolve(path);
        AtomicReference<HttpResponse<String>> response = new AtomicReference<>();
        await("GET " + uri + " answers 200", () -> {
            response.set(get(client, uri));
            return response.get() != null && response.get().statusCode() == 200;
        }, () -> response.get() == null ? "no response" : response.get().statusCode() + " " + response.get().body());
        return response.get().body();
    }

    private static String describe(LogEntry entry) {
        return "[" + (entry.getBundle() == null ? "?" : entry.getBundle().getSymbolicName()) + "] " + entry.getMessage()
                + (entry.getException() == null ? "" : ": " + entry.getException());
    }
}
