package nl.regie.runtime.web.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.http.HttpServletRequest;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The servlet on a real bus engine and city state, with a small fake of the async request. */
class StreamServletTest {

    private static final Owner RUNTIME = new Owner("nl.regie.runtime", "1.0.0", 1);

    private final BusEngine bus = new BusEngine(new BusSettings(10_000, Duration.ofSeconds(30), 10),
            new RecordingLogger().logger());
    private final CityStateComponent city = new CityStateComponent(bus, RUNTIME);
    private final StreamServlet servlet = new StreamServlet(bus, RUNTIME, city, SamePartyPolicy.INSTANCE, 2, 1);

    @AfterEach
    void close() {
        servlet.deactivate();
        bus.close();
    }

    /** An async request: startAsync answers a context that records completion and tells its listeners. */
    static final class AsyncRequest {
        final List<AsyncListener> listeners = new CopyOnWriteArrayList<>();
        final AtomicBoolean started = new AtomicBoolean();
        final AtomicBoolean completed = new AtomicBoolean();
        final HttpServletRequest servlet;
        final java.util.Map<String, String> headers = new java.util.HashMap<>();

        AsyncRequest(String... query) {
            HttpServletRequest plain = ServletFakes.get("/api/stream", null, query);
            AsyncContext context = (AsyncContext) Proxy.newProxyInstance(AsyncContext.class.getClassLoader(),
                    new Class<?>[] {AsyncContext.class}, (proxy, m, args) -> switch (m.getName()) {
                        case "setTimeout" -> null;
                        case "addListener" -> {
                            listeners.add((AsyncListener) args[0]);
                            yield null;
                        }
                        case "complete" -> {
                            if (completed.compareAndSet(false, true)) {
                                for (AsyncListener listener : listeners) {
                                    listener.onComplete(new AsyncEvent((AsyncContext) proxy));
                                }
                            }
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
            servlet = (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                        case "startAsync" -> {
                            started.set(true);
                            yield context;
                        }
                        case "isAsyncSupported" -> true;
                        case "getHeader" -> headers.get((String) args[0]);
                        default -> m.invoke(plain, args);
                    });
        }

        void error() throws Exception {
            for (AsyncListener listener : listeners) {
                listener.onError(new AsyncEvent(null, new java.io.IOException("reset")));
            }
        }
    }

    private void publish(String type, String id, double value, Location location) {
        bus.publish("test", Reading.of(EntityId.of(type, id), "level", Value.of(value), "%", "test")
                .withLocation(location));
    }

    @Test
    void streamsMatchingChangesAndAlerts() throws Exception {
        AsyncRequest request = new AsyncRequest("type", "Bin,Alert", "bbox", "4.8,52.3,5.0,52.4");
        ServletFakes.Response response = new ServletFakes.Response();
        servlet.doGet(request.servlet, response.servlet);

        assertTrue(request.started.get());
        assertEquals(200, response.status);
        assertEquals("text/event-stream", response.contentType);
        await().atMost(Duration.ofSeconds(5)).until(() -> response.text().contains(": connected"));
        assertTrue(response.text().startsWith("retry: 3000\n\n: connected\n\n"), response.text());

        publish("Bin", "in", 80, Location.of(4.9, 52.37));
        publish("Bin", "out", 80, Location.of(5.5, 52.0));
        publish("Lamp", "l1", 1, Location.of(4.9, 52.37));
        publish("Alert", "a1", 1, Location.of(4.9, 52.37));

        await().atMost(Duration.ofSeconds(5)).until(() -> response.text().contains("event: alert"));
        String text = response.text();
        assertTrue(text.contains("event: change\ndata: {\"id\":\"urn:ngsi-ld:Bin:in\""), text);
        assertTrue(!text.contains("Bin:out") && !text.contains("Lamp:l1"), text);
        await().atMost(Duration.ofSeconds(5)).until(() -> response.text().contains(": heartbeat\n\n"));
    }

    @Test
    void aClientThatReconnectsWithLastEventIdGetsWhatItMissed() throws Exception {
        AsyncRequest first = new AsyncRequest();
        ServletFakes.Response before = new ServletFakes.Response();
        servlet.doGet(first.servlet, before.servlet);
        publish("Bin", "b1", 1, Location.of(4.9, 52.37));
        await().atMost(Duration.ofSeconds(5)).until(() -> before.text().contains("id: 1-1\n"));
        first.error(); // the connection drops
        publish("Bin", "b2", 2, Location.of(4.9, 52.37));
        publish("Bin", "b3", 3, Location.of(4.9, 52.37));
        await().atMost(Duration.ofSeconds(5)).until(() -> servlet.hub().lastEventId().equals("1-3"));

        AsyncRequest again = new AsyncRequest();
        again.headers.put("Last-Event-ID", "1-1");
        ServletFakes.Response after = new ServletFakes.Response();
        servlet.doGet(again.servlet, after.servlet);

        await().atMost(Duration.ofSeconds(5)).until(() -> after.text().contains("id: 1-3\n"));
        String text = after.text();
        assertTrue(text.indexOf("id: 1-2\n") < text.indexOf("id: 1-3\n") && !text.contains("id: 1-1\n")
                && text.contains("Bin:b2") && !text.contains("Bin:b1"), text);
    }

    @Test
    void aLastEventIdThatIsNoIdOfThisStreamIs400() throws Exception {
        for (String bad : java.util.List.of("garbage", "1", "x".repeat(10_000), "1-2; DROP")) {
            AsyncRequest request = new AsyncRequest();
            request.headers.put("Last-Event-ID", bad);
            ServletFakes.Response response = new ServletFakes.Response();
            servlet.doGet(request.servlet, response.servlet);
            assertEquals(400, response.status, bad);
            assertTrue(response.json().get("detail").asText().startsWith("Last-Event-ID '"), response.text());
            assertEquals("Last-Event-ID", response.json().get("header").asText());
            assertTrue(!request.started.get());
        }
    }

    @Test
    void badParametersGetTheEntityListsProblems() throws Exception {
        AsyncRequest request = new AsyncRequest("near", "4.89,abc,10");
        ServletFakes.Response response = new ServletFakes.Response();
        servlet.doGet(request.servlet, response.servlet);
        assertEquals(400, response.status);
        assertEquals("parameter 'near' must be lon,lat,metres; 'abc' is not a number",
                response.json().get("detail").asText());
        assertTrue(!request.started.get());
    }

    @Test
    void beyondTheCapIs503AndAGoneClientFreesItsPlace() throws Exception {
        AsyncRequest first = new AsyncRequest();
        AsyncRequest second = new AsyncRequest();
        servlet.doGet(first.servlet, new ServletFakes.Response().servlet);
        servlet.doGet(second.servlet, new ServletFakes.Response().servlet);

        ServletFakes.Response refused = new ServletFakes.Response();
        servlet.doGet(new AsyncRequest().servlet, refused.servlet);
        assertEquals(503, refused.status);
        assertEquals("30", refused.headers.get("Retry-After"));

        first.error();
        await().atMost(Duration.ofSeconds(5)).until(first.completed::get);
        assertEquals(1, servlet.hub().size());
        ServletFakes.Response accepted = new ServletFakes.Response();
        servlet.doGet(new AsyncRequest().servlet, accepted.servlet);
        assertEquals(200, accepted.status);
    }

    @Test
    void deactivateEndsEveryStream() throws Exception {
        AsyncRequest request = new AsyncRequest();
        servlet.doGet(request.servlet, new ServletFakes.Response().servlet);
        servlet.deactivate();
        assertTrue(request.completed.get());
        assertEquals(0, servlet.hub().size());
    }
}
