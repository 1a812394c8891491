package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;

import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.alert.RuntimeAlerts;
import nl.regie.runtime.spi.history.History;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The history bundle in the framework, with DuckDB as its own bundle: readings published on the bus come back through
 * {@code GET /api/entities/{id}/history}, and as the city at a time through {@code GET /api/history/at} with the
 * alerts open then; stopping the history makes the endpoints 404 and leaves no writer thread.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HistoryTest extends RegieTestSupport {

    @Inject
    private ServiceComponentRuntime scr;

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options(List.of("duckdb", "runtime.history"));
    }

    @Test
    public void readingsOnTheBusComeBackThroughTheHistoryEndpoint() {
        EntityId bin = EntityId.of("WasteContainer", "itest-history-1");
        for (double level : new double[] {0.1, 0.2, 0.3}) {
            bus.publish(fillingLevel(bin.localId(), level));
        }
        URI uri = URI.create(httpEndpoint()).resolve("/api/entities/" + bin + "/history?attrs=fillingLevel");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        AtomicReference<HttpResponse<String>> response = new AtomicReference<>();
        // The writer commits at least once a second; the servlets register on the whiteboard asynchronously.
        await("GET " + uri + " gives the three readings", () -> {
            response.set(get(client, uri));
            return response.get() != null && response.get().statusCode() == 200
                    && response.get().body().contains(",0.3]");
        }, () -> (response.get() == null ? "no response" : response.get().statusCode() + " " + response.get().body())
                + "; the history: " + history().status());

        String body = response.get().body();
        int first = body.indexOf(",0.1]");
        int second = body.indexOf(",0.2]");
        int third = body.indexOf(",0.3]");
        assertTrue("the three readings in time order: " + body, first > 0 && first < second && second < third);
        assertEquals(body, 3, body.split("\\],\\[|\\[\\[", -1).length - 1);

        URI temporal = URI.create(httpEndpoint()).resolve("/api/history?type=WasteContainer&attrs=fillingLevel"
                + "&options=temporal");
        HttpResponse<String> area = get(client, temporal);
        assertEquals(area.body(), 200, area.statusCode());
        assertTrue(area.body(), area.body().contains("\"id\":\"" + bin + "\"") && area.body().contains("Property"));
        assertEquals(400, get(client, URI.create(httpEndpoint()).resolve("/api/entities/" + bin
                + "/history?bucket=1s")).statusCode());
    }

    /**
     * The parts that keep state or threads of their own are immediate: a delayed component is disposed by SCR as soon
     * as nobody holds its service, and its state with it; the history must record the bus whether or not anyone asks.
     */
    @Test
    public void thePartsThatKeepStateAreImmediateAndActive() {
        Map<String, String> parts = Map.of(
                "nl.regie.runtime.history.HistoryComponent", "nl.regie.runtime.history",
                "nl.regie.runtime.core.actuation.ActuationComponent", "nl.regie.runtime.core",
                "nl.regie.runtime.core.limits.PluginLimits", "nl.regie.runtime.core",
                "nl.regie.runtime.core.scope.ScopeGuards", "nl.regie.runtime.core",
                "nl.regie.runtime.lifecycle.LifecycleComponent", "nl.regie.runtime.lifecycle");
        parts.forEach((name, bundle) -> {
            ComponentDescriptionDTO description = scr.getComponentDescriptionDTO(bundleNamed(bundle), name);
            assertTrue(name + " is described", description != null);
            assertTrue(name + " is immediate", description.immediate);
            await(name + " is active", () -> scr.getComponentConfigurationDTOs(description).stream()
                    .anyMatch(c -> c.state == ComponentConfigurationDTO.ACTIVE),
                    () -> scr.getComponentConfigurationDTOs(description).stream().map(c -> c.state).toList());
        });
    }

    @Test
    public void theCityAtATimeComesFromTheStoreWithTheAlertsOpenThen() throws Exception {
        // Fixed times, far from today: what the answer holds depends on them alone.
        Instant t = Instant.parse("2030-01-01T10:00:00Z");
        EntityId bin = EntityId.of("WasteContainer", "itest-at-1");
        Location here = Location.of(4.9, 52.37);
        for (Object[] r : new Object[][] {{-20, 0.1}, {-10, 0.2}, {10, 0.3}}) {
            Instant at = t.plus(Duration.ofMinutes((Integer) r[0]));
            bus.publish(new Reading(bin, "fillingLevel", Value.of((Double) r[1]), "/", at, at, SOURCE, here));
        }
        RuntimeAlerts alerts = context.getService(context.getServiceReference(RuntimeAlerts.class));
        alerts.raise(new AlertRequest("itest-at-alert", "environment", "test", AlertSeverity.MEDIUM, "open at 10:00",
                bin, here, t.minus(Duration.ofMinutes(5))));
        alerts.resolve("itest-at-alert", t.plus(Duration.ofMinutes(5)));

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI atTen = URI.create(httpEndpoint()).resolve("/api/history/at?type=WasteContainer&time=" + t);
        AtomicReference<HttpResponse<String>> response = new AtomicReference<>();
        await("GET " + atTen + " gives the bin as it was at 10:00", () -> {
            response.set(get(client, atTen));
            return response.get() != null && response.get().statusCode() == 200
                    && response.get().body().contains("\"observedAt\":\"2030-01-01T09:50:00Z\"");
        }, () -> (response.get() == null ? "no response" : response.get().statusCode() + " " + response.get().body())
                + "; the history: " + history().status());
        String body = response.get().body();
        assertTrue(body, body.contains("\"id\":\"" + bin + "\"") && body.contains("\"value\":0.2"));
        assertTrue(body, body.contains("\"key\":\"itest-at-alert\""));
        assertTrue(body, body.contains("\"lookBack\":\"PT1H\""));

        String later = get(client, URI.create(httpEndpoint()).resolve("/api/history/at?type=WasteContainer&time="
                + t.plus(Duration.ofMinutes(20)))).body();
        assertTrue(later, later.contains("\"value\":0.3") && !later.contains("itest-at-alert"));
        String before = get(client, URI.create(httpEndpoint()).resolve("/api/history/at?type=WasteContainer&time="
                + t.minus(Duration.ofMinutes(30)))).body();
        assertFalse(before, before.contains(bin.toString()));
        HttpResponse<String> bad = get(client, URI.create(httpEndpoint()).resolve("/api/history/at?time=" + t));
        assertEquals(bad.body(), 400, bad.statusCode());
        assertTrue(bad.body(), bad.body().contains("'type' is required"));
    }

    private History history() {
        return context.getService(context.getServiceReference(History.class));
    }

    @Test
    public void withoutTheHistoryBundleTheEndpointsAre404AndItsWriterIsGone() throws Exception {
        Bundle history = bundleNamed("nl.regie.runtime.history");
        await("the history service", () -> context.getServiceReference(History.class) != null, () -> "none");
        assertEquals(1, liveThreadsNamed("regie-history-writer").size());
        history.stop();
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            URI area = URI.create(httpEndpoint()).resolve("/api/history?type=WasteContainer");
            URI one = URI.create(httpEndpoint()).resolve("/api/entities/urn:ngsi-ld:WasteContainer:x/history");
            AtomicReference<HttpResponse<String>> response = new AtomicReference<>();
            await("GET /api/history answers 404", () -> {
                response.set(get(client, area));
                return response.get() != null && response.get().statusCode() == 404;
            }, () -> response.get() == null ? "no response" : response.get().statusCode() + " " + response.get().body());
            assertEquals(404, get(client, one).statusCode());
            await("the writer thread ends", () -> liveThreadsNamed("regie-history-writer").isEmpty(),
                    () -> liveThreadsNamed("regie-history-writer"));
        } finally {
            history.start();
        }
    }
}
