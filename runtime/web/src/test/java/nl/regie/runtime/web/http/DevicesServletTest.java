package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import nl.regie.runtime.devices.mqtt.BridgeSettings;
import nl.regie.runtime.devices.mqtt.DeviceBridge;
import nl.regie.runtime.spi.devices.DeviceDirectory;
import nl.regie.runtime.spi.devices.DeviceSnapshot;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.Logger;

import com.fasterxml.jackson.databind.JsonNode;

class DevicesServletTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    private static Logger quietLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> method.getName().startsWith("is") ? Boolean.FALSE : null);
    }

    private final DeviceBridge bridge = new DeviceBridge(BridgeSettings.defaults("demo"), (p, r) -> { },
            Clock.fixed(T0, ZoneOffset.UTC), quietLogger());

    private ServletFakes.Response get(DeviceDirectory directory, String pathInfo) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        new DevicesServlet(directory, SamePartyPolicy.INSTANCE).service(ServletFakes.request("GET", "/api/devices", pathInfo, null, null),
                response.servlet);
        return response;
    }

    private void send(String topic, String payload) {
        bridge.onMessage("regie/v1/demo/dev/" + topic, ServletFakes.utf8(payload));
    }

    @Test
    void oneDeviceWithItsCountsAndLastRejection() throws Exception {
        send("bin-001/state", "{\"online\": true, \"type\": \"WasteContainer\", \"entities\": "
                + "[\"urn:ngsi-ld:WasteContainer:bin-001\"], \"location\": [4.9, 52.37], \"interval\": 60}");
        send("bin-001/tele", "[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-001:fillingLevel\",\"u\":\"/\",\"v\":0.5}]");
        send("bin-001/tele", "[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-002:fillingLevel\",\"v\":0.5}]");

        ServletFakes.Response response = get(bridge, "/bin-001");
        assertEquals(200, response.status);
        assertEquals("application/json", response.contentType);
        JsonNode json = response.json();
        assertEquals("bin-001", json.get("id").textValue());
        assertEquals("urn:ngsi-ld:Device:bin-001", json.get("entity").textValue());
        assertEquals("online", json.get("state").textValue());
        assertTrue(json.get("online").booleanValue());
        assertEquals(T0.toString(), json.get("lastSeen").textValue());
        assertEquals("WasteContainer", json.get("type").textValue());
        assertEquals("urn:ngsi-ld:WasteContainer:bin-001", json.get("entities").get(0).textValue());
        assertEquals(4.9, json.get("location").get("coordinates").get(0).doubleValue());
        assertEquals(60, json.get("intervalSeconds").intValue());
        JsonNode counts = json.get("counts");
        assertEquals(1, counts.get("telemetryAccepted").intValue());
        assertEquals(1, counts.get("telemetryRejected").intValue());
        assertEquals(2, counts.get("readingsPublished").intValue());
        JsonNode rejection = json.get("lastRejection");
        assertTrue(rejection.get("reason").textValue().contains("may not report on urn:ngsi-ld:WasteContainer:bin-002"));
        assertTrue(rejection.get("payload").textValue().contains("bin-002:fillingLevel"));
        assertEquals("regie/v1/demo/dev/bin-001/tele", rejection.get("topic").textValue());
        assertFalse(rejection.get("truncated").booleanValue());
    }

    @Test
    void theListShowsTheBridgeAndEveryDevice() throws Exception {
        send("b/tele", "[");
        send("a/state", "{\"online\": false}");
        JsonNode json = get(bridge, null).json();
        assertTrue(json.get("bridge").get("enabled").booleanValue());
        assertEquals("demo", json.get("bridge").get("site").textValue());
        assertEquals(2, json.get("bridge").get("messagesReceived").intValue());
        assertEquals("a", json.get("devices").get(0).get("id").textValue());
        assertEquals("offline", json.get("devices").get(0).get("state").textValue());
        assertEquals("b", json.get("devices").get(1).get("id").textValue());
    }

    @Test
    void anUnknownDeviceIs404AndAMalformedId400() throws Exception {
        ServletFakes.Response unknown = get(bridge, "/nobody");
        assertEquals(404, unknown.status);
        assertEquals("application/problem+json", unknown.contentType);
        assertEquals("no device nobody is known", unknown.json().get("detail").textValue());

        ServletFakes.Response malformed = get(bridge, "/bad id");
        assertEquals(400, malformed.status);
        assertTrue(malformed.json().get("detail").textValue().contains("device id 'bad id' must be"));
        assertEquals(400, get(bridge, "/a/b").status);
    }

    @Test
    void withTheBridgeOffTheAnswerSaysSo() throws Exception {
        DeviceDirectory off = new DeviceDirectory() {
            @Override
            public BridgeInfo bridge() {
                return BridgeInfo.off();
            }

            @Override
            public List<DeviceSnapshot> devices() {
                return List.of();
            }

            @Override
            public Optional<DeviceSnapshot> device(String deviceId) {
                return Optional.empty();
            }
        };
        ServletFakes.Response response = get(off, "/bin-001");
        assertEquals(404, response.status);
        assertTrue(response.json().get("detail").textValue().contains("the device bridge is off"));
        JsonNode list = get(off, "/").json();
        assertFalse(list.get("bridge").get("enabled").booleanValue());
        assertEquals(0, list.get("devices").size());
    }
}
