package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import nl.regie.mqtt.access.AccessRules;
import nl.regie.mqtt.access.PasswordFile;
import nl.regie.runtime.devices.credentials.CredentialStore;
import nl.regie.runtime.devices.mqtt.BridgeSettings;
import nl.regie.runtime.devices.mqtt.DeviceBridge;
import nl.regie.runtime.spi.devices.DeviceCredentials;
import nl.regie.runtime.web.access.Caller;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.log.Logger;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code POST /api/devices} and {@code /api/devices/{id}/credentials}, over the runtime's real credential store. */
class DeviceCredentialsServletTest {

    @TempDir
    Path tmp;

    private CredentialStore store;
    private DevicesServlet servlet;
    private final DeviceBridge bridge = new DeviceBridge(BridgeSettings.defaults("demo"), (p, r) -> { },
            Clock.fixed(Instant.parse("2026-06-01T10:00:00Z"), ZoneOffset.UTC), quietLogger());

    private static Logger quietLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> method.getName().startsWith("is") ? Boolean.FALSE : null);
    }

    /** The store as the runtime's component offers it (without its audit log, which its own test covers). */
    private static DeviceCredentials service(CredentialStore store) {
        return new DeviceCredentials() {
            @Override
            public List<Issued> provision(List<String> ids, String actor, String party) throws CredentialsException {
                return store.provision(ids);
            }

            @Override
            public Issued renew(String id, String actor, String party) throws CredentialsException {
                return store.renew(id);
            }

            @Override
            public void revoke(String id, String actor, String party) throws CredentialsException {
                store.revoke(id);
            }

            @Override
            public boolean has(String id) {
                return store.has(id);
            }

            @Override
            public Store store() {
                return store.store();
            }
        };
    }

    @BeforeEach
    void setUp() throws Exception {
        store = new CredentialStore(tmp.resolve("broker"), AccessRules.forSite("demo"), Set.of(), new SecureRandom());
        store.prepare();
        servlet = new DevicesServlet(bridge, SamePartyPolicy.INSTANCE, service(store));
    }

    private ServletFakes.Response call(String method, String pathInfo, String contentType, String body) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        servlet.service(ServletFakes.request(method, "/api/devices", pathInfo, contentType,
                body == null ? null : ServletFakes.utf8(body)), response.servlet);
        return response;
    }

    private String passwd() throws Exception {
        return Files.readString(store.passwordFile());
    }

    @Test
    void oneDeviceGetsItsCredentialsOnceWithWhereToUseThem() throws Exception {
        ServletFakes.Response response = call("POST", null, "application/json", "{\"id\": \"bin-900\"}");
        assertEquals(201, response.status, response.text());
        assertEquals("/api/devices/bin-900", response.headers.get("Location"));
        assertEquals("no-store", response.headers.get("Cache-Control"), "the password must not be cached anywhere");
        JsonNode json = response.json();
        assertEquals("bin-900", json.get("id").textValue());
        assertEquals("bin-900", json.get("username").textValue());
        assertEquals("bin-900", json.get("clientId").textValue());
        String password = json.get("password").textValue();
        assertTrue(PasswordFile.read(store.passwordFile()).hash("bin-900").orElseThrow().matches(password));
        assertFalse(passwd().contains(password));
        assertEquals("regie/v1/demo/dev/bin-900/tele", json.get("topics").get("telemetry").textValue());
        assertEquals("regie/v1/demo/dev/bin-900/state", json.get("topics").get("state").textValue());
        assertEquals("regie/v1/demo/dev/bin-900/ack/{commandId}", json.get("topics").get("acknowledgements").textValue());
        assertEquals("regie/v1/demo/dev/bin-900/cmd/+", json.get("topics").get("commands").textValue());

        ServletFakes.Response missing = call("GET", "/bin-900", null, null);
        assertEquals(404, missing.status);
        assertEquals("no device bin-900 is known (it has MQTT credentials, but has sent nothing yet)",
                missing.json().get("detail").textValue());
    }

    @Test
    void manyDevicesAtOnceFromJsonOrAPlainFileOfIds() throws Exception {
        ServletFakes.Response json = call("POST", "/", "application/json", "{\"ids\": [\"lamp-1\", \"lamp-2\"]}");
        assertEquals(201, json.status, json.text());
        assertEquals(2, json.json().get("devices").size());
        assertEquals("lamp-2", json.json().get("devices").get(1).get("id").textValue());
        assertNull(json.headers.get("Location"));

        ServletFakes.Response text = call("POST", null, "text/plain; charset=utf-8",
                "# gauges along the Amstel\ngauge-1\n\n  gauge-2  \r\ngauge-3\n");
        assertEquals(201, text.status, text.text());
        assertEquals(List.of("gauge-1", "gauge-2", "gauge-3"), ids(text.json().get("devices")));
        assertEquals(5, store.store().devices());
    }

    @Test
    void aRefusedRequestSaysWhyAndChangesNothing() throws Exception {
        call("POST", null, "application/json", "{\"id\": \"bin-1\"}");
        String before = passwd();
        assertProblem(call("POST", null, "application/json", "{\"ids\": [\"bin-2\", \"bin-1\"]}"), 409,
                "device 'bin-1' has credentials already; renew them for a new password, or revoke them first");
        assertProblem(call("POST", null, "application/json", "{\"id\": \"regie-bridge\"}"), 400,
                "device id 'regie-bridge' begins with 'regie-', which is kept for Regie's own MQTT clients (the bridge,"
                        + " the simulator)");
        assertProblem(call("POST", null, "application/json", "{\"id\": \"a:b\"}"), 400,
                "device id 'a:b' cannot have MQTT credentials: its ':' would end the user name in the password file;"
                        + " give the device an id without ':'");
        assertProblem(call("POST", null, "application/json", "{\"id\": \"bin-3\", \"secret\": \"x\"}"), 400,
                "unknown field(s) [secret]; known are [id, ids]");
        assertProblem(call("POST", null, "application/json", "{\"id\": \"bin-3\", \"ids\": []}"), 400,
                "give either 'id' (one device) or 'ids' (a list of devices)");
        assertProblem(call("POST", null, "application/json", "{\"ids\": [\"bin-3\", 4]}"), 400,
                "'ids' element 1 must be a text");
        assertProblem(call("POST", null, "application/json", "{\"ids\": []}"), 400, "no device ids given");
        assertProblem(call("POST", null, "application/json", "{\"id\": \"bin-3\""), 400, null);
        assertProblem(call("POST", null, "text/plain", "bin-3\nbin-4 secret\n"), 400,
                "line 2 holds more than a device id: 'bin-4 secret'");
        assertProblem(call("POST", null, "application/xml", "<id>bin-3</id>"), 415, null);
        assertProblem(call("POST", null, "text/plain", "x".repeat(DevicesServlet.MAX_BODY_BYTES + 1)), 413, null);
        assertEquals(before, passwd());
    }

    @Test
    void credentialsAreRenewedAndRevoked() throws Exception {
        String first = call("POST", null, "application/json", "{\"id\": \"gauge-7\"}").json().get("password").textValue();
        ServletFakes.Response renewed = call("POST", "/gauge-7/credentials", null, null);
        assertEquals(200, renewed.status, renewed.text());
        String second = renewed.json().get("password").textValue();
        assertFalse(first.equals(second));
        assertTrue(PasswordFile.read(store.passwordFile()).hash("gauge-7").orElseThrow().matches(second));

        ServletFakes.Response revoked = call("DELETE", "/gauge-7/credentials", null, null);
        assertEquals(204, revoked.status);
        assertEquals(0, revoked.body.size());
        assertFalse(store.has("gauge-7"));
        assertProblem(call("DELETE", "/gauge-7/credentials", null, null), 404, "device 'gauge-7' has no credentials");
        assertProblem(call("POST", "/gauge-8/credentials", null, null), 404, "device 'gauge-8' has no credentials");
        assertProblem(call("DELETE", "/a:b/credentials", null, null), 400, null);
    }

    @Test
    void theOperatorSeesTheFilesAndWhichDevicesHaveCredentials() throws Exception {
        call("POST", null, "application/json", "{\"id\": \"bin-001\"}");
        bridge.onMessage("regie/v1/demo/dev/bin-001/state", ServletFakes.utf8("{\"online\": true}"));
        bridge.onMessage("regie/v1/demo/dev/bin-002/state", ServletFakes.utf8("{\"online\": true}"));
        JsonNode list = call("GET", null, null, null).json();
        assertEquals(store.passwordFile().toString(), list.get("credentials").get("passwordFile").textValue());
        assertEquals(store.aclFile().toString(), list.get("credentials").get("aclFile").textValue());
        assertEquals(1, list.get("credentials").get("devices").intValue());
        assertEquals(0, list.get("credentials").get("problems").size());
        assertTrue(list.get("devices").get(0).get("credentials").booleanValue());
        assertFalse(list.get("devices").get(1).get("credentials").booleanValue());
        assertTrue(call("GET", "/bin-001", null, null).json().get("credentials").booleanValue());

        ServletFakes.Response asReader = new ServletFakes.Response();
        servlet.service(ServletFakes.as(new Caller("app", "", Set.of("read:*")),
                ServletFakes.request("GET", "/api/devices", null, null, null)), asReader.servlet);
        assertFalse(asReader.json().has("credentials"), "only the operator sees where the files are");
    }

    @Test
    void methodsEachPathDoesNotTakeAre405() throws Exception {
        ServletFakes.Response get = call("GET", "/bin-1/credentials", null, null);
        assertEquals(405, get.status);
        assertEquals("POST, DELETE", get.headers.get("Allow"));
        assertEquals("GET, HEAD, POST", call("DELETE", null, null, null).headers.get("Allow"));
        assertEquals("GET, HEAD", call("POST", "/bin-1", "application/json", "{}").headers.get("Allow"));
        assertEquals(405, call("PUT", "/bin-1", null, null).status);
    }

    @Test
    void withoutTheCredentialStoreProvisioningIs503() throws Exception {
        servlet = new DevicesServlet(bridge, SamePartyPolicy.INSTANCE, null);
        assertProblem(call("POST", null, "application/json", "{\"id\": \"bin-1\"}"), 503,
                "device credentials are not available: the devices part of the runtime does not run");
        assertFalse(call("GET", null, null, null).json().has("credentials"));
    }

    private static List<String> ids(JsonNode devices) {
        List<String> ids = new java.util.ArrayList<>();
        devices.forEach(d -> ids.add(d.get("id").textValue()));
        return ids;
    }

    private static void assertProblem(ServletFakes.Response response, int status, String detail) throws Exception {
        assertEquals(status, response.status, response.text());
        assertEquals("application/problem+json", response.contentType);
        if (detail != null) {
            assertEquals(detail, response.json().get("detail").textValue());
        }
    }
}
