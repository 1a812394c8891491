package nl.regie.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import nl.regie.api.actuation.CommandState;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.state.CityState;
import nl.regie.runtime.alert.AlertService;
import nl.regie.runtime.alert.AlertStore;
import nl.regie.runtime.bus.BusEngine;
import nl.regie.runtime.bus.BusSettings;
import nl.regie.runtime.bus.Owner;
import nl.regie.runtime.mqtt.BridgeSettings;
import nl.regie.runtime.mqtt.DeviceBridge;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsServletTest {

    private final BusEngine bus = new BusEngine(new BusSettings(64, Duration.ofSeconds(5), 10), new RecordingLogger().logger());
    private final CityState cityState = (CityState) Proxy.newProxyInstance(CityState.class.getClassLoader(),
            new Class<?>[] {CityState.class}, (proxy, method, args) -> method.getName().equals("size") ? 7 : null);

    @AfterEach
    void close() {
        bus.close();
    }

    private ServletFakes.Response get(MetricsServlet servlet) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        servlet.service(ServletFakes.request("GET", "/metrics", null, null, null), response.servlet);
        return response;
    }

    @Test
    void busCityAndJvmMetricsInTheTextFormat() throws Exception {
        bus.subscribe(new Owner("nl.regie.waste", "1.0.0", 12), List.of("#"), r -> { });
        bus.publish("nl.regie.simulator", Reading.of(EntityId.of("WasteContainer", "bin-1"), "fillingLevel",
                Value.of(0.5), "", "test"));

        ServletFakes.Response response = get(new MetricsServlet(bus, cityState));
        String text = response.text();
        System.out.println(text);

        assertEquals(200, response.status);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.contentType);
        assertTrue(text.contains("# TYPE regie_bus_published_total counter\n"), text);
        assertTrue(text.contains("regie_bus_published_total{publisher=\"nl.regie.simulator\"} 1\n"), text);
        assertTrue(text.contains("regie_bus_subscribers 1\n"), text);
        assertTrue(text.matches("(?s).*regie_bus_subscriber_queue_capacity\\{plugin=\"nl.regie.waste\",subscription=\"\\d+\"} 64\n.*"),
                text);
        assertTrue(text.matches("(?s).*regie_bus_subscriber_state\\{plugin=\"nl.regie.waste\",subscription=\"\\d+\",state=\"ACTIVE\"} 1\n.*"),
                text);
        assertTrue(text.contains("# TYPE regie_entities gauge\nregie_entities 7\n"), text);
        assertTrue(text.contains("regie_jvm_heap_used_bytes "), text);
        assertTrue(text.contains("regie_jvm_threads "), text);
        assertTrue(text.contains("regie_uptime_seconds "), text);
        assertFalse(text.contains("regie_ingest_"), "no bridge, no ingest metrics");
        assertFalse(text.contains("regie_commands_"), "no actuation, no command metrics");
        assertEquals(1, text.split("# TYPE regie_bus_subscriber_delivered_total ", -1).length - 1);
    }

    @Test
    void optionalServicesAddTheirFamilies() throws Exception {
        DeviceBridge bridge = new DeviceBridge(BridgeSettings.defaults("demo"), (p, r) -> { },
                Clock.fixed(Instant.parse("2026-06-01T10:00:00Z"), ZoneOffset.UTC), new RecordingLogger().logger());
        bridge.onMessage("regie/v1/demo/dev/bin-001/state", ServletFakes.utf8("{\"online\": true, \"type\": "
                + "\"WasteContainer\", \"entities\": [\"urn:ngsi-ld:WasteContainer:bin-001\"], \"interval\": 60}"));
        bridge.onMessage("regie/v1/demo/dev/bin-001/tele",
                ServletFakes.utf8("[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-001:fillingLevel\",\"u\":\"/\",\"v\":0.5}]"));
        bridge.onMessage("regie/v1/demo/dev/bin-001/tele", ServletFakes.utf8("["));
        MetricsServlet servlet = new MetricsServlet(bus, cityState);
        servlet.devices = bridge;
        Map<CommandState, Long> counts = new EnumMap<>(CommandState.class);
        counts.put(CommandState.ACCEPTED, 2L);
        counts.put(CommandState.COMPLETED, 5L);
        servlet.commands = () -> counts;
        AlertService alerts = new AlertService(new AlertStore(), bus, cityState, Clock.systemUTC(),
                new RecordingLogger().logger());
        alerts.raise("nl.regie.waste", new AlertRequest("fire-1", "security", "fire", AlertSeverity.HIGH, "Burning",
                null, null, Instant.parse("2026-06-01T10:00:00Z")));
        servlet.alerts = alerts;

        String text = get(servlet).text();
        System.out.println(text);

        assertTrue(text.contains("regie_ingest_packs_accepted_total{device_type=\"WasteContainer\"} 1\n"), text);
        assertTrue(text.contains("regie_ingest_packs_rejected_total{device_type=\"WasteContainer\"} 1\n"), text);
        assertTrue(text.contains("regie_ingest_readings_published_total{device_type=\"WasteContainer\"} 2\n"), text);
        assertTrue(text.contains("regie_ingest_devices{state=\"online\"} 1\n"), text);
        assertTrue(text.contains("regie_commands_in_progress 2\n"), text);
        assertTrue(text.contains("regie_commands_total{outcome=\"COMPLETED\"} 5\n"), text);
        assertTrue(text.contains("regie_commands_total{outcome=\"EXPIRED\"} 0\n"), text);
        assertTrue(text.contains("# TYPE regie_alerts_active gauge\nregie_alerts_active{category=\"security\"} 1\n"), text);
    }
}
