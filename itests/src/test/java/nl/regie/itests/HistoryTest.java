package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;

import nl.regie.api.model.EntityId;
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
 * {@code GET /api/entities/{id}/history}; stopping the history makes the endpoints 404 and leaves no writer thread.
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
     * as nobody holds its service, and its state with it. The history did that once: after a restart of its bundle,
     * the page's servlet held an instance that was disposed while a new one recorded the readings.
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
