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
    void theListShowsTheBridgeTheUnknownIdsAndEveryDevice() throws Exception {
        send("b/tele", "[{\"n\":\"urn:ngsi-ld:Device:b:batteryLevel\",\"u\":\"/\",\"v\":0.5}]");
        send("a/state", "{\"online\": true}");
        send("a/state", "{\"online\": false}");
        send("rogue/tele", "[");
        JsonNode json = get(bridge, null).json();
        assertTrue(json.get("bridge").get("enabled").booleanValue());
        assertEquals("demo", json.get("bridge").get("site").textValue());
        assertEquals(4, json.get("bridge").get("messagesReceived").intValue());
        assertEquals(2, json.get("total").intValue());
        assertEquals(100, json.get("limit").intValue());
        assertFalse(json.has("next"), "one page holds them all");
        assertEquals(2, json.get("devices").size(), "the rogue id is no device");
        assertEquals("a", json.get("devices").get(0).get("id").textValue());
        assertEquals("offline", json.get("devices").get(0).get("state").textValue());
        assertEquals("b", json.get("devices").get(1).get("id").textValue());
        JsonNode unknown = json.get("unknownDevices");
        assertEquals(1, unknown.get("tracked").intValue());
        assertEquals(10_000, unknown.get("capacity").intValue());
        assertEquals(1, unknown.get("ids").intValue());
        assertEquals(1, unknown.get("messages").intValue());
        assertEquals(0, unknown.get("forgotten").intValue());
    }

    @Test
    void theListIsPagedByIdWithANextLinkUntilTheLastPage() throws Exception {
        for (int i = 0; i < 25; i++) {
            send(String.format("dev-%03d/state", i), "{\"online\": true}");
        }
        List<String> seen = new java.util.ArrayList<>();
        String after = null;
        int pages = 0;
        while (true) {
            JsonNode json = list(after == null ? new String[] {"limit", "10"} : new String[] {"limit", "10", "after", after});
            pages++;
            assertEquals(25, json.get("total").intValue());
            assertEquals(10, json.get("limit").intValue());
            json.get("devices").forEach(d -> seen.add(d.get("id").textValue()));
            if (!json.has("next")) {
                break;
            }
            String next = json.get("next").textValue();
            assertEquals("/api/devices?after=" + seen.get(seen.size() - 1) + "&limit=10", next);
            after = seen.get(seen.size() - 1);
        }
        assertEquals(3, pages);
        assertEquals(java.util.stream.IntStream.range(0, 25).mapToObj(i -> String.format("dev-%03d", i)).toList(), seen);
        assertEquals(1, list("limit", "1").get("devices").size());
        assertEquals(0, list("after", "zzz").get("devices").size());
        assertEquals(100, list().get("limit").intValue());
    }

    @Test
    void badPagingValuesAre400NamingTheParameter() throws Exception {
        assertBad("parameter 'limit' must be between 1 and 1000, was 0", "limit", "0");
        assertBad("parameter 'limit' must be between 1 and 1000, was 1001", "limit", "1001");
        assertBad("parameter 'limit' must be a whole number, was 'ten'", "limit", "ten");
        assertBad("parameter 'limit' must be a whole number, was '99999999999'", "limit", "99999999999");
        assertBad("parameter 'limit' must be given once, with a value", "limit", "1", "limit", "2");
        assertBad("parameter 'after': device id 'a b' must be 1 to 128 letters", "after", "a b");
        assertBad("unknown query parameter 'offset'; known are [limit, after]", "offset", "5");
    }

    private JsonNode list(String... query) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        new DevicesServlet(bridge, SamePartyPolicy.INSTANCE).service(ServletFakes.get("/api/devices", null, query),
                response.servlet);
        assertEquals(200, response.status);
        return response.json();
    }

    private void assertBad(String detail, String... query) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        new DevicesServlet(bridge, SamePartyPolicy.INSTANCE).service(ServletFakes.get("/api/devices", null, query),
                response.servlet);
        assertEquals(400, response.status);
        assertEquals("application/problem+json", response.contentType);
        assertTrue(response.json().get("detail").textValue().startsWith(detail), response.json().toString());
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
