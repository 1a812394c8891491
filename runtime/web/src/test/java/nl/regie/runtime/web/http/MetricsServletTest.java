package nl.regie.runtime.web.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import nl.regie.api.actuation.Command;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.alert.AlertService;
import nl.regie.runtime.core.alert.AlertStore;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusMetrics;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.scope.DeclaredScope;
import nl.regie.runtime.core.scope.ScopeGuard;
import nl.regie.runtime.core.scope.ScopeGuards;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.devices.mqtt.BridgeSettings;
import nl.regie.runtime.devices.mqtt.DeviceBridge;
import nl.regie.runtime.devices.mqtt.IngestMetrics;
import nl.regie.runtime.sovereignty.policy.PolicyComponent;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.TestPolicy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

class MetricsServletTest {

    private final BusEngine bus = new BusEngine(new BusSettings(64, Duration.ofSeconds(5), 10), new RecordingLogger().logger());
    private long serviceIds;

    @AfterEach
    void close() {
        bus.close();
    }

    /** A servlet with these sources registered, in this order. */
    private MetricsServlet servlet(MetricSource... sources) {
        MetricsServlet servlet = new MetricsServlet();
        for (int i = 0; i < sources.length; i++) {
            servlet.addSource(sources[i], Map.of(Constants.SERVICE_ID, ++serviceIds, MetricSource.ORDER, i * 10));
        }
        return servlet;
    }

    private ServletFakes.Response get(MetricsServlet servlet) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        servlet.service(ServletFakes.request("GET", "/metrics", null, null, null), response.servlet);
        return response;
    }

    @Test
    void busCityAndJvmMetricsInTheTextFormat() throws Exception {
        CityStateComponent city = new CityStateComponent(bus, new Owner("nl.regie.runtime.core", "1.0.0", 1));
        bus.subscribe(new Owner("nl.regie.waste", "1.0.0", 12), List.of("#"), r -> { });
        bus.publish("nl.regie.simulator", Reading.of(EntityId.of("WasteContainer", "bin-1"), "fillingLevel",
                Value.of(0.5), "", "test"));
        await().atMost(Duration.ofSeconds(5)).until(() -> city.size() == 1);

        ServletFakes.Response response = get(servlet(new BusMetrics(bus), city));
        String text = response.text();

        assertEquals(200, response.status);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.contentType);
        assertTrue(text.contains("# TYPE regie_bus_published_total counter\n"), text);
        assertTrue(text.contains("regie_bus_published_total{publisher=\"nl.regie.simulator\"} 1\n"), text);
        assertTrue(text.contains("regie_bus_subscribers 2\n"), text);
        assertTrue(text.matches("(?s).*regie_bus_subscriber_queue_capacity\\{plugin=\"nl.regie.waste\",subscription=\"\\d+\"} 64\n.*"),
                text);
        assertTrue(text.matches("(?s).*regie_bus_subscriber_state\\{plugin=\"nl.regie.waste\",subscription=\"\\d+\",state=\"ACTIVE\"} 1\n.*"),
                text);
        assertTrue(text.contains("# TYPE regie_entities gauge\nregie_entities 1\n"), text);
        assertTrue(text.contains("regie_city_state_clock_steps_total 0\n"), text);
        assertTrue(text.contains("regie_jvm_heap_used_bytes "), text);
        assertTrue(text.contains("regie_jvm_threads "), text);
        assertTrue(text.contains("regie_uptime_seconds "), text);
        assertFalse(text.contains("regie_ingest_"), "no bridge, no ingest metrics");
        assertFalse(text.contains("regie_commands_"), "no actuation, no command metrics");
        assertFalse(text.contains("regie_stream_"), "no stream servlet, no stream metrics");
        assertFalse(text.contains("regie_scope_") || text.contains("regie_policy_") || text.contains("regie_audit_"),
                "no scope guards, policy or audit log, no data sovereignty metrics");
        assertEquals(1, text.split("# TYPE regie_bus_subscriber_delivered_total ", -1).length - 1);
        assertTrue(text.indexOf("regie_bus_published_total") < text.indexOf("regie_entities"), "in the sources' order");
    }

    /**
     * 10,000 devices of five types, each with a birth and a pack, through a real bridge and bus: the page has as many
     * series as with 100 devices (no label per device), and the ingest and delivery latencies as histograms.
     */
    @Test
    void tenThousandDevicesGiveABoundedNumberOfSeries() throws Exception {
        BusEngine bus = new BusEngine(BusSettings.defaults(), new RecordingLogger().logger());
        bus.subscribe(new Owner("nl.regie.waste", "1.0.0", 12), List.of("#"), r -> { });
        DeviceBridge bridge = new DeviceBridge(BridgeSettings.defaults("demo"), bus::publish, Clock.systemUTC(),
                new RecordingLogger().logger());
        String[] types = {"WasteContainer", "Streetlight", "CrowdFlowObserved", "TrafficFlowObserved", "WaterObserved"};
        java.util.function.IntConsumer device = i -> {
            String id = "dev-" + i;
            bridge.onMessage("regie/v1/demo/dev/" + id + "/state", ServletFakes.utf8("{\"online\": true, \"type\": \""
                    + types[i % types.length] + "\"}"));
            bridge.onMessage("regie/v1/demo/dev/" + id + "/tele", ServletFakes.utf8("[{\"n\":\"urn:ngsi-ld:Device:" + id
                    + ":batteryLevel\",\"u\":\"/\",\"v\":0.5}]"));
        };
        MetricsServlet servlet = servlet(new BusMetrics(bus), new IngestMetrics(bridge));
        for (int i = 0; i < 100; i++) {
            device.accept(i);
        }
        String hundred = get(servlet).text();
        for (int i = 100; i < 10_000; i++) {
            device.accept(i);
        }
        bridge.onMessage("regie/v1/demo/dev/rogue/tele", ServletFakes.utf8("["));
        await().atMost(Duration.ofSeconds(30)).until(() -> bus.subscribers().get(0).delivered()
                + bus.subscribers().get(0).dropped() == 20_000);
        String text = get(servlet).text();
        bus.close();

        List<String> series = text.lines().filter(line -> !line.startsWith("#")).toList();
        assertEquals(series(hundred).size(), series.size(), "the same series for 100 and for 10,000 devices: " + text);
        assertTrue(series.size() < 150, series.size() + " series");
        assertTrue(series.stream().noneMatch(line -> line.contains("dev-")), "no device in a label");
        assertTrue(text.contains("regie_bus_published_total{publisher=\"mqtt\"} 20000\n"), text);
        assertTrue(text.contains("regie_ingest_readings_published_total{device_type=\"Streetlight\"} 4000\n"), text);
        assertTrue(text.contains("regie_ingest_unknown_messages_total 1\n"), text);
        assertTrue(text.contains("# TYPE regie_ingest_latency_seconds histogram\n"), text);
        assertTrue(text.contains("regie_ingest_latency_seconds_bucket{le=\"+Inf\"} 10000\n"), text);
        assertTrue(text.contains("regie_ingest_latency_seconds_count 10000\n"), text);
        assertTrue(text.contains("# TYPE regie_bus_delivery_latency_seconds histogram\n"), text);
        long sampled = Long.parseLong(series.stream()
                .filter(line -> line.startsWith("regie_bus_delivery_latency_seconds_count{plugin=\"nl.regie.waste\"}"))
                .findFirst().orElseThrow().replaceAll(".* ", ""));
        assertTrue(sampled >= 1 && sampled <= 20_000, "sampled deliveries: " + sampled);
        assertTrue(series.stream().anyMatch(line -> line.matches(
                "regie_bus_delivery_latency_seconds_bucket\\{plugin=\"nl.regie.waste\",le=\"[0-9.E-]+\"} \\d+")), text);
        long previous = -1;
        for (String bucket : series.stream().filter(line -> line.startsWith("regie_ingest_latency_seconds_bucket")).toList()) {
            long count = Long.parseLong(bucket.replaceAll(".* ", ""));
            assertTrue(count >= previous, "cumulative buckets: " + bucket);
            previous = count;
        }
    }

    private static List<String> series(String page) {
        return page.lines().filter(line -> !line.startsWith("#")).toList();
    }

    @Test
    void sourcesComeInTheirOrderAndGoWhenUnregistered() throws Exception {
        MetricsServlet servlet = new MetricsServlet();
        MetricSource late = out -> out.gauge("regie_test_late", "Registered first, ordered last.").sample(1);
        MetricSource early = out -> out.gauge("regie_test_early", "Registered last, ordered first.").sample(2);
        Map<String, Object> lateProperties = Map.of(Constants.SERVICE_ID, 1L, MetricSource.ORDER, 50);
        servlet.addSource(late, lateProperties);
        servlet.addSource(early, Map.of(Constants.SERVICE_ID, 2L, MetricSource.ORDER, 5));

        String text = get(servlet).text();
        assertTrue(text.indexOf("regie_test_early 2") < text.indexOf("regie_test_late 1"), text);

        servlet.removeSource(late, lateProperties);
        assertFalse(get(servlet).text().contains("regie_test_late"), "an unregistered source's families are gone");
    }

    @Test
    void aFailingSourceIsNamedAndTheRestOfThePageStays() throws Exception {
        MetricSource broken = out -> {
            throw new IllegalStateException("counters unavailable");
        };
        String text = get(servlet(broken, new BusMetrics(bus))).text();

        assertTrue(text.contains("regie_bus_subscribers 0\n"), text);
        assertTrue(text.contains("regie_jvm_threads "), text);
        assertTrue(text.contains("# a metric source failed: ") && text.contains("counters unavailable"), text);
    }

    @Test
    void theDeviceBridgeAndAlertsAddTheirFamilies() throws Exception {
        DeviceBridge bridge = new DeviceBridge(BridgeSettings.defaults("demo"), (p, r) -> { },
                Clock.fixed(Instant.parse("2026-06-01T10:00:00Z"), ZoneOffset.UTC), new RecordingLogger().logger());
        bridge.onMessage("regie/v1/demo/dev/bin-001/state", ServletFakes.utf8("{\"online\": true, \"type\": "
                + "\"WasteContainer\", \"entities\": [\"urn:ngsi-ld:WasteContainer:bin-001\"], \"interval\": 60}"));
        bridge.onMessage("regie/v1/demo/dev/bin-001/tele",
                ServletFakes.utf8("[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-001:fillingLevel\",\"u\":\"/\",\"v\":0.5}]"));
        bridge.onMessage("regie/v1/demo/dev/bin-001/tele", ServletFakes.utf8("["));
        CityStateComponent city = new CityStateComponent(bus, new Owner("nl.regie.runtime.core", "1.0.0", 1));
        AlertService alerts = new AlertService(new AlertStore(), bus, city, Clock.systemUTC(),
                new RecordingLogger().logger());
        try {
            alerts.raise("nl.regie.waste", new AlertRequest("fire-1", "security", "fire", AlertSeverity.HIGH, "Burning",
                    null, null, Instant.parse("2026-06-01T10:00:00Z")));

            String text = get(servlet(new IngestMetrics(bridge), alerts)).text();

            assertTrue(text.contains("regie_ingest_packs_accepted_total{device_type=\"WasteContainer\"} 1\n"), text);
            assertTrue(text.contains("regie_ingest_packs_rejected_total{device_type=\"WasteContainer\"} 1\n"), text);
            assertTrue(text.contains("regie_ingest_readings_published_total{device_type=\"WasteContainer\"} 2\n"), text);
            assertTrue(text.contains("regie_ingest_devices{state=\"online\"} 1\n"), text);
            assertTrue(text.contains("# TYPE regie_alerts_active gauge\nregie_alerts_active{category=\"security\"} 1\n"),
                    text);
        } finally {
            bus.close();
        }
    }

    @Test
    void dataSovereigntyFiguresFromTheScopeGuardsAndThePolicy(@TempDir Path state) throws Exception {
        RecordingAuditLog audit = new RecordingAuditLog();
        ScopeGuards scopes = new ScopeGuards(new TestPolicy(), audit, new RecordingLogger().logger(), 1,
                Clock.systemUTC());
        ScopeGuard bins = scopes.forPlugin(new Owner("nl.example.bins", "1.0.0", 17),
                DeclaredScope.of(List.of(), List.of("WasteContainer/+/full"), List.of()));
        for (int i = 0; i < 3; i++) {
            Reading outside = Reading.of(EntityId.of("WasteContainer", "bin-" + i), "fillingLevel", Value.of(1), "",
                    "nl.example.bins");
            assertThrows(SecurityException.class, () -> bins.checkPublish(outside));
        }
        assertThrows(SecurityException.class, () -> bins.checkSubscribe(List.of("Streetlight/#")));
        assertNotNull(bins.commandRefusal(Command.of(EntityId.of("Streetlight", "lamp-1"), "dim", Map.of(),
                Instant.now().plusSeconds(60))));
        BundleContext context = (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> method.getName().equals("getProperty") ? state.toString() : null);
        PolicyComponent policy = new PolicyComponent(context, Map.of(), audit, new RecordingLogger().logger());
        ReadView police = policy.readView("police", "police-token");
        for (int i = 0; i < 2; i++) {
            assertNull(police.apply(Reading.of(EntityId.of("WasteContainer", "bin-1"), "fillingLevel", Value.of(i),
                    "", "bin-1")), "nothing is shared with police");
        }
        String text = get(servlet(scopes, policy)).text();

        assertTrue(text.contains("# TYPE regie_scope_refusals_total counter\n"
                + "regie_scope_refusals_total{plugin=\"nl.example.bins\",kind=\"actuate\"} 1\n"
                + "regie_scope_refusals_total{plugin=\"nl.example.bins\",kind=\"publish\"} 3\n"
                + "regie_scope_refusals_total{plugin=\"nl.example.bins\",kind=\"subscribe\"} 1\n"), text);
        assertTrue(text.contains("# HELP regie_scope_refusals_total Actions of a plugin refused"), text);
        assertTrue(text.contains("# TYPE regie_policy_version gauge\nregie_policy_version 1\n"), text);
        assertTrue(text.contains("# TYPE regie_policy_denied_reads_total counter\n"
                + "regie_policy_denied_reads_total{reader=\"police-token\"} 2\n"), text);
        assertEquals(3, audit.ofKind(AuditEvent.SCOPE).size(),
                "one each for publish, subscribe and actuate: the three publishes share one");
    }

    @Test
    void theStreamServletAddsItsFamilies() throws Exception {
        CityStateComponent city = new CityStateComponent(bus, new Owner("nl.regie.runtime.core", "1.0.0", 1));
        StreamServlet stream = new StreamServlet(bus, new Owner("nl.regie.runtime.web", "1.0.0", 2), city,
                SamePartyPolicy.INSTANCE, 2, 60);
        try {
            String text = get(servlet(stream)).text();

            assertTrue(text.contains("# TYPE regie_stream_clients gauge\nregie_stream_clients 0\n"), text);
            assertTrue(text.contains("# TYPE regie_stream_events_sent_total counter\nregie_stream_events_sent_total 0\n"),
                    text);
            assertTrue(text.contains("regie_stream_resyncs_total 0\n"), text);
            assertTrue(text.contains("regie_stream_clients_dropped_total 0\n"), text);
            assertTrue(text.contains("regie_stream_queued_events 0\n"), text);
        } finally {
            stream.deactivate();
        }
    }

    @Test
    void streamMetricsCountEventsResyncsAndDropsOfClientsConnectedAndGone() {
        // Writers run at once on the publishing thread; queues of 4 events; dropped at the second overflow in a row.
        StreamHub hub = new StreamHub(10, 4, 1, id -> null, Runnable::run);
        StreamHubTest.RecordingSink keepsUp = new StreamHubTest.RecordingSink();
        StreamHubTest.RecordingSink stuck = new StreamHubTest.RecordingSink();
        stuck.ready = false;
        StreamClient reader = hub.register(StreamFilter.ALL, keepsUp);
        hub.start(reader);
        hub.start(hub.register(StreamFilter.ALL, stuck));

        for (int i = 0; i < 5; i++) {
            hub.publish(Reading.of(EntityId.of("WasteContainer", "bin-1"), "fillingLevel", Value.of(i), "", "test"));
        }
        String afterOneOverflow = streamText(hub);
        assertTrue(afterOneOverflow.contains("regie_stream_clients 2\n"), afterOneOverflow);
        assertTrue(afterOneOverflow.contains("regie_stream_events_sent_total 5\n"), afterOneOverflow);
        assertTrue(afterOneOverflow.contains("regie_stream_resyncs_total 1\n"), afterOneOverflow);
        assertTrue(afterOneOverflow.contains("regie_stream_queued_events 1\n"), "the stuck client's queue restarted: "
                + afterOneOverflow);
        assertTrue(afterOneOverflow.contains("regie_stream_clients_dropped_total 0\n"), afterOneOverflow);

        for (int i = 0; i < 4; i++) {
            hub.publish(Reading.of(EntityId.of("WasteContainer", "bin-1"), "fillingLevel", Value.of(i), "", "test"));
        }
        hub.remove(reader);
        String text = streamText(hub);

        assertTrue(stuck.closed, "the stuck client was dropped");
        assertEquals(9, keepsUp.text().split("event: change", -1).length - 1, keepsUp.text());
        assertTrue(text.contains("regie_stream_clients 0\n"), text);
        assertTrue(text.contains("regie_stream_events_sent_total 9\n"), "gone clients still count: " + text);
        assertTrue(text.contains("regie_stream_resyncs_total 2\n"), text);
        assertTrue(text.contains("regie_stream_clients_dropped_total 1\n"), text);
        assertTrue(text.contains("regie_stream_queued_events 0\n"), text);
    }

    private static String streamText(StreamHub hub) {
        PrometheusWriter out = new PrometheusWriter();
        StreamServlet.write(out, hub);
        return out.text();
    }
}
