package nl.regie.runtime.ngsild.subscription;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.sovereignty.policy.PolicyEngine;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.Mosquitto;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;

import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * The subscriptions API end to end, without a framework: the servlet on the real bus engine, city state and policy
 * engine, notifying a webhook receiver on a free loopback port (allowed by the configuration) over real HTTP and a
 * Debian Mosquitto over real MQTT; another party's subscription receives nothing of the contractor's bins; a forbidden
 * endpoint is refused; the subscriptions survive a restart of the servlet.
 */
class SubscriptionsServletTest {

    private static final Owner RUNTIME = new Owner("nl.regie.runtime.ngsild", "1.0.0", 1);
    private static final Http.Caller CONTRACTOR = new Http.Caller("bins-app", "contractor", Set.of("WasteContainer"));
    private static final Http.Caller WATERBOARD = new Http.Caller("wb-app", "waterboard", Set.of("WasteContainer"));
    private static final Http.Caller NO_BINS = new Http.Caller("lamps-app", "city", Set.of("Streetlight"));

    /** Regie's own context, so that names are Regie's short ones (without it they are the IRIs). */
    private static final String REGIE_LINK = "<http://localhost:8080/ngsi-ld/v1/jsonldContexts/regie-context.jsonld>;"
            + " rel=\"http://www.w3.org/ns/json-ld#context\"";

    @TempDir
    Path dir;
    private final ObjectMapper mapper = new ObjectMapper();
    private final BusEngine bus = new BusEngine(new BusSettings(10_000, Duration.ofSeconds(30), 10),
            new RecordingLogger().logger());
    private final CityStateComponent city = new CityStateComponent(bus, new Owner("nl.regie.runtime.core", "1", 2));
    private final PolicyEngine policy = new PolicyEngine(new RecordingAuditLog());
    private final List<String> hooks = new CopyOnWriteArrayList<>();
    /** The grants of the tokens configured now, as the access filter would answer; every caller's, to begin with. */
    private final Set<String> standing = new java.util.concurrent.CopyOnWriteArraySet<>(Set.of(CONTRACTOR.grant(),
            WATERBOARD.grant(), NO_BINS.grant()));
    private HttpServer webhook;
    private SubscriptionsServlet servlet;
    private Mosquitto broker;

    @AfterEach
    void stop() {
        if (servlet != null) {
            servlet.deactivate();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
        if (broker != null) {
            broker.close();
        }
        bus.close();
    }

    static SubscriptionsServlet.Config config(Map<String, Object> values) {
        return (SubscriptionsServlet.Config) Proxy.newProxyInstance(SubscriptionsServletTest.class.getClassLoader(),
                new Class<?>[] {SubscriptionsServlet.Config.class}, (proxy, m, args) -> values.containsKey(
                        m.getName()) ? values.get(m.getName()) : m.getDefaultValue());
    }

    private SubscriptionsServlet start() throws Exception {
        // The bins belong to the contractor, everything else to the city; no grants.
        policy.apply(Map.of("defaultParty", "city", "devices", "bin-*=contractor"));
        return new SubscriptionsServlet(bus, RUNTIME, city, policy, (name, grant) -> standing.contains(grant),
                config(Map.of("allowedEndpoints",
                new String[] {"127.0.0.1"}, "backoffMillis", 10)), dir.resolve("subscriptions"),
                new RecordingLogger().logger(), Clock.systemUTC());
    }

    private void startWebhook() throws Exception {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            hooks.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("Content-Type")
                    + " " + body);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/fail") ? 500 : 204, -1);
            exchange.close();
        });
        webhook.start();
    }

    private String hook(String path) {
        return "http://127.0.0.1:" + webhook.getAddress().getPort() + path;
    }

    private Http.Response call(String method, String pathInfo, Http.Caller caller, String body) throws Exception {
        Http.Response response = new Http.Response();
        servlet.service(Http.request(SubscriptionsServlet.BASE, method, pathInfo, caller, body == null ? null : "application/json",
                body == null ? null : body.replace('\'', '"'), Map.of("Link", REGIE_LINK), Map.of()), response.servlet);
        return response;
    }

    private static String subscription(String id, String uri, String extra) {
        return "{'id': '" + id + "', 'type': 'Subscription', 'entities': [{'type': 'WasteContainer'}]" + extra
                + ", 'notification': {'format': 'keyValues', 'endpoint': {'uri': '" + uri + "'}}}";
    }

    private void publishBin(String id, double level) {
        bus.publish("nl.regie.runtime.devices", new Reading(EntityId.of("WasteContainer", id), "fillingLevel",
                Value.of(level), "%", java.time.Instant.now(), java.time.Instant.now(), id, Location.of(4.9, 52.37)));
    }

    @Test
    void notificationsReachAWebhookAndAnMqttBrokerAndOnlyTheSubscribersParty() throws Exception {
        startWebhook();
        broker = Mosquitto.start(dir);
        servlet = start();
        MqttClient mqtt = new MqttClient(broker.url(), "test-sub", new MemoryPersistence());
        List<String> mqttMessages = new CopyOnWriteArrayList<>();
        mqtt.connect();
        // Paho 1.2.5's subscribe(topic, qos, listener) calls itself without end; the array form works.
        mqtt.subscribe(new MqttSubscription[] {new MqttSubscription("city/bins", 1)}, new IMqttMessageListener[] {
            (topic, message) -> mqttMessages.add(new String(message.getPayload(), StandardCharsets.UTF_8) + " qos="
                    + message.getQos())});

        assertEquals(201, call("POST", null, CONTRACTOR, subscription("urn:s:http", hook("/contractor"), "")).status);
        Http.Response made = call("POST", null, CONTRACTOR, "{'id': 'urn:s:mqtt', 'type': 'Subscription',"
                + " 'entities': [{'type': 'WasteContainer'}], 'notification': {'endpoint': {'uri': 'mqtt://127.0.0.1:"
                + broker.port() + "/city/bins', 'notifierInfo': [{'key': 'MQTT-QoS', 'value': '1'}]}}}");
        assertEquals(201, made.status, made.text());
        assertEquals("/ngsi-ld/v1/subscriptions/urn:s:mqtt", made.headers.get("Location"));
        assertEquals(201, call("POST", null, WATERBOARD, subscription("urn:s:wb", hook("/waterboard"), "")).status);

        publishBin("bin-001", 81);

        await().atMost(Duration.ofSeconds(10)).until(() -> hooks.size() == 1 && mqttMessages.size() == 1);
        String http = hooks.get(0);
        assertTrue(http.startsWith("/contractor application/json {"), http);
        JsonNode notification = mapper.readTree(http.substring(http.indexOf('{')));
        assertEquals("Notification", notification.get("type").asText());
        assertEquals("urn:s:http", notification.get("subscriptionId").asText());
        assertEquals(81.0, notification.get("data").get(0).get("fillingLevel").asDouble());

        String message = mqttMessages.get(0);
        assertTrue(message.endsWith(" qos=1"), message);
        JsonNode payload = mapper.readTree(message.substring(0, message.lastIndexOf(" qos=")));
        assertEquals("application/json", payload.get("metadata").get("Content-Type").asText());
        assertEquals("urn:s:mqtt", payload.get("body").get("subscriptionId").asText());
        assertEquals("Property", payload.get("body").get("data").get(0).get("fillingLevel").get("type").asText());

        // The status counts what was sent; the waterboard's subscription was never notified of the contractor's bin.
        await().atMost(Duration.ofSeconds(5)).until(() -> mapper.readTree(call("GET", "/urn:s:http", CONTRACTOR, null)
                .text()).get("notification").get("timesSent").asInt() == 1);
        JsonNode status = mapper.readTree(call("GET", "/urn:s:http", CONTRACTOR, null).text());
        assertEquals("ok", status.get("notification").get("status").asText());
        assertTrue(status.get("notification").has("lastSuccess"));
        assertEquals("active", status.get("status").asText());
        JsonNode wb = mapper.readTree(call("GET", "/urn:s:wb", WATERBOARD, null).text());
        assertEquals(0, wb.get("notification").get("timesSent").asInt(), wb.toString());
        assertTrue(hooks.stream().noneMatch(h -> h.startsWith("/waterboard")));
        // Each party sees its own subscriptions only.
        assertEquals(404, call("GET", "/urn:s:http", WATERBOARD, null).status);
        assertEquals(1, mapper.readTree(call("GET", null, WATERBOARD, null).text()).size());
        assertEquals(2, mapper.readTree(call("GET", null, CONTRACTOR, null).text()).size());
        mqtt.disconnect();
        mqtt.close();

        // Stopped, it leaves no thread of its own behind (sender threads, Paho's client threads).
        servlet.deactivate();
        servlet = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().contains("regie-ngsild-")));
    }

    @Test
    void aRevokedTokensSubscriptionNotifiesNothingUntilANewTokenOfItsPartyTakesItOver() throws Exception {
        startWebhook();
        servlet = start();
        assertEquals(201, call("POST", null, CONTRACTOR, subscription("urn:s:r", hook("/r"), "")).status);
        publishBin("bin-001", 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> hooks.size() == 1);

        // The operator removes the token from the configuration (or gives it a new secret): nothing more goes out.
        standing.remove(CONTRACTOR.grant());
        publishBin("bin-001", 20);
        await().atMost(Duration.ofSeconds(10)).until(() -> mapper.readTree(call("GET", "/urn:s:r", CONTRACTOR, null)
                .text()).get("notification").get("timesFailed").asInt() == 1);
        JsonNode status = mapper.readTree(call("GET", "/urn:s:r", CONTRACTOR, null).text()).get("notification");
        assertTrue(status.get("regie:lastError").asText().contains("token 'bins-app'"), status.toString());

        // A new token of the contractor takes the subscription over with a PATCH; the next change goes out again.
        Http.Caller renewed = new Http.Caller("bins-app-2", "contractor", Set.of("WasteContainer"));
        standing.add(renewed.grant());
        assertEquals(204, call("PATCH", "/urn:s:r", renewed, "{'isActive': true}").status);
        publishBin("bin-001", 30);
        await().atMost(Duration.ofSeconds(10)).until(() -> hooks.size() == 2);
        assertTrue(hooks.get(1).contains("\"fillingLevel\":30"), hooks.get(1));
        // The value only: the notification's time (":20" in 05:20:09) or id may contain the same digits.
        assertFalse(hooks.stream().anyMatch(h -> h.contains("\"fillingLevel\":20")), hooks.toString());

        // The taken-over subscription survives a restart with its new owner.
        servlet.deactivate();
        servlet = start();
        publishBin("bin-001", 40);
        await().atMost(Duration.ofSeconds(10)).until(() -> hooks.size() == 3);
    }

    @Test
    void aFailingEndpointIsCountedInTheStatus() throws Exception {
        startWebhook();
        servlet = start();
        assertEquals(201, call("POST", null, CONTRACTOR, subscription("urn:s:f", hook("/fail"), "")).status);
        publishBin("bin-001", 50);
        await().atMost(Duration.ofSeconds(10)).until(() -> mapper.readTree(call("GET", "/urn:s:f", CONTRACTOR, null)
                .text()).get("notification").get("timesFailed").asInt() == 1);
        JsonNode status = mapper.readTree(call("GET", "/urn:s:f", CONTRACTOR, null).text()).get("notification");
        assertEquals("failed", status.get("status").asText());
        assertTrue(status.has("lastFailure"));
        assertEquals(3, hooks.size(), "three attempts");
    }

    @Test
    void forbiddenEndpointsBadBodiesAndUnreadableTypesAreRefusedWithTheStandardsErrors() throws Exception {
        servlet = start();
        for (String uri : List.of("http://10.1.2.3/n", "http://169.254.169.254/latest/meta-data", "http://[::1]:80/n",
                "mqtt://192.168.0.10/t")) {
            Http.Response refused = call("POST", null, CONTRACTOR, subscription("urn:s:x", uri, ""));
            assertEquals(400, refused.status, uri);
            JsonNode problem = mapper.readTree(refused.text());
            assertEquals("https://uri.etsi.org/ngsi-ld/errors/BadRequestData", problem.get("type").asText());
            assertTrue(problem.get("detail").asText().contains("internal address"), problem.toString());
        }
        Http.Response bad = call("POST", null, CONTRACTOR, "{'type': 'Subscription'}");
        assertEquals(400, bad.status);
        assertEquals("application/json", bad.contentType);
        Http.Response notJson = call("POST", null, CONTRACTOR, "{not json");
        assertEquals("https://uri.etsi.org/ngsi-ld/errors/InvalidRequest", mapper.readTree(notJson.text())
                .get("type").asText());
        Http.Response forbidden = call("POST", null, NO_BINS, subscription("urn:s:y", "http://127.0.0.1/n", ""));
        assertEquals(403, forbidden.status);
        assertTrue(forbidden.text().contains("read:WasteContainer"), forbidden.text());
        assertEquals(404, call("GET", "/urn:s:none", CONTRACTOR, null).status);
        assertEquals(405, call("PUT", null, CONTRACTOR, "{}").status);
        assertEquals(0, servlet.subscriptions().size(), "nothing was kept");
    }

    @Test
    void patchDeleteAndARestart() throws Exception {
        startWebhook();
        servlet = start();
        assertEquals(201, call("POST", null, CONTRACTOR, subscription("urn:s:a", hook("/a"), "")).status);
        assertEquals(201, call("POST", null, CONTRACTOR, subscription("urn:s:b", hook("/b"), "")).status);
        assertEquals(409, call("POST", null, CONTRACTOR, subscription("urn:s:b", hook("/b"), "")).status);
        assertEquals(204, call("PATCH", "/urn:s:a", CONTRACTOR, "{'isActive': false, 'throttling': 30}").status);
        assertEquals(400, call("PATCH", "/urn:s:a", CONTRACTOR, "{'notification': {'endpoint': {'uri':"
                + " 'http://10.0.0.1/'}}}").status);
        assertEquals(404, call("PATCH", "/urn:s:a", WATERBOARD, "{'isActive': true}").status);
        assertEquals(204, call("DELETE", "/urn:s:b", CONTRACTOR, null).status);
        assertEquals(404, call("GET", "/urn:s:b", CONTRACTOR, null).status);

        servlet.deactivate();
        servlet = start();
        JsonNode back = mapper.readTree(call("GET", null, CONTRACTOR, null).text());
        assertEquals(1, back.size(), back.toString());
        assertEquals("WasteContainer", back.get(0).get("entities").get(0).get("type").asText());
        assertEquals("urn:s:a", back.get(0).get("id").asText());
        assertEquals(false, back.get(0).get("isActive").asBoolean());
        assertEquals(30, back.get(0).get("throttling").asInt());
        assertEquals("paused", back.get(0).get("status").asText());
        // A probe that is active: once it has the reading, the paused subscription has passed it by.
        assertEquals(201, call("POST", null, CONTRACTOR, subscription("urn:s:probe", hook("/probe"), "")).status);
        publishBin("bin-001", 50);
        await().atMost(Duration.ofSeconds(10)).until(() -> hooks.size() == 1);
        assertTrue(hooks.get(0).startsWith("/probe "), hooks.get(0));
        assertEquals(204, call("PATCH", "/urn:s:a", CONTRACTOR, "{'isActive': true}").status);
        publishBin("bin-001", 60);
        await().atMost(Duration.ofSeconds(10)).until(() -> hooks.size() == 3);
        assertTrue(hooks.stream().anyMatch(h -> h.startsWith("/a ") && h.contains("\"fillingLevel\":60.0")), hooks
                .toString());
        assertTrue(hooks.stream().noneMatch(h -> h.startsWith("/a ") && h.contains("\"fillingLevel\":50.0")));
    }

    @Test
    void theServletTakesReadingsFromTheBusOnlyWhileThereIsASubscription() throws Exception {
        startWebhook();
        servlet = start();
        assertFalse(servlet.onBus(), "no subscription: nothing queued for it on the bus");
        assertEquals(201, call("POST", null, CONTRACTOR, subscription("urn:s:a", hook("/a"), "")).status);
        assertTrue(servlet.onBus());
        assertEquals(204, call("DELETE", "/urn:s:a", CONTRACTOR, null).status);
        assertFalse(servlet.onBus(), "the last one deleted");

        // Subscribed again, it is notified again; and one kept across a restart subscribes at the start.
        assertEquals(201, call("POST", null, CONTRACTOR, subscription("urn:s:b", hook("/b"), "")).status);
        publishBin("bin-001", 40);
        await().atMost(Duration.ofSeconds(10)).until(() -> hooks.size() == 1);
        servlet.deactivate();
        servlet = start();
        assertTrue(servlet.onBus(), "the kept subscription");
        publishBin("bin-001", 45);
        await().atMost(Duration.ofSeconds(10)).until(() -> hooks.size() == 2);
    }
}
