package nl.regie.launcher;

import static nl.regie.launcher.HttpApi.await;
import static nl.regie.launcher.HttpApi.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Level;

import nl.regie.mqtt.access.FederationAccess;

import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The seed scenario of issue 15 with two launchers, sites {@code roeselare} and {@code gent}, and Debian's Mosquitto as
 * the shared broker with the credentials the generator writes from the two policies. A water gauge in Roeselare (a
 * device with its own credentials at Roeselare's embedded broker) rises above Gent's flood level; Roeselare's policy
 * exports its level (not its personal attribute) to Gent; Gent's policy imports it, owned by roeselare:waterboard, and
 * grants it to Gent's city; the same flood plugin jar with Gent's own configuration raises the alert in Gent and names
 * Gent's nearest sandbag point. The shared broker is stopped and started again in the middle: nothing is lost, nothing
 * arrives twice. A third runtime, the water board's, on its own credentials, gets only what Roeselare exports to it.
 *
 * <p>Then the bad input of the issue against the running sites: hostile messages on the wire in Roeselare's own
 * namespace (outside the grant, malformed, too many hops, a duplicate) and bad policy files in Gent's config folder
 * (an unknown site, a bad filter), each refused, counted and audited while the link keeps carrying the gauge; and Gent's
 * web page in a real browser marks the gauge as Roeselare's and shows the link with its refusals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FederationIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Three launchers start at once, on a machine others share: more than one start-up's worth of time. */
    private static final Duration START = Duration.ofSeconds(180);
    private static final String GAUGE = "gauge-mandel";

    private Path dir;
    private SharedBroker broker;
    private LauncherProcess roeselare;
    private LauncherProcess gent;
    private LauncherProcess waterboard;
    private HttpApi waterboardApi;
    private HttpApi roeselareApi;
    private HttpApi gentApi;
    private String roeselareMqtt;
    private int roeselareHttp;
    private int gentHttp;
    private ProvisionedDevice gauge;

    @BeforeAll
    void startTwoSites() throws Exception {
        SharedBroker.assumeInstalled();
        dir = TempFolders.create("regie-federation");
        Path access = dir.resolve("shared-broker");
        FederationAccess.of(Map.of("roeselare", Set.of("gent", "waterboard"), "gent", Set.of("roeselare"),
                "waterboard", Set.of("roeselare")))
                .write(access, new SecureRandom());
        broker = new SharedBroker(dir, access);
        broker.start();

        Path roeselareConfig = TestJars.trustDemoKeys(dir.resolve("roeselare/config"));
        Files.writeString(roeselareConfig.resolve("nl.regie.runtime.policy.cfg"), String.join("\n",
                "devices = gauge-*=waterboard",
                "personal = WaterObserved/+/reportedBy",
                "sites = gent, waterboard",
                "exports = waterboard>gent WaterObserved/#, waterboard>waterboard WaterObserved/+/waterLevel",
                ""), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        federation(roeselareConfig, access.resolve("roeselare.credentials"));

        Path gentConfig = TestJars.trustDemoKeys(dir.resolve("gent/config"));
        Files.writeString(gentConfig.resolve("nl.regie.runtime.policy.cfg"), String.join("\n",
                "sites = roeselare",
                "imports = roeselare:waterboard WaterObserved/#",
                "grants = roeselare:waterboard>city WaterObserved/+/waterLevel",
                ""), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        federation(gentConfig, access.resolve("gent.credentials"));
        // Gent's own flood configuration: its level, its sandbag points, the gauge upstream by its name.
        Files.writeString(gentConfig.resolve("nl.dijkwacht.flood.cfg"), String.join("\n",
                "flood.level = 2.0",
                "critical.level = 3.0",
                "alert.radius.metres = 50000",
                "sandbag.points = korenmarkt|Korenmarkt|3.7215|51.0545, sint-pieters|Sint-Pieters|3.7105|51.0360",
                "gauge.names = " + GAUGE + "=Mandel in Roeselare",
                ""), StandardCharsets.UTF_8);
        Path gentPlugins = Files.createDirectories(dir.resolve("gent/plugins"));
        Files.copy(Path.of(System.getProperty("regie.test.plugins")).resolve("nl.dijkwacht.flood.jar"),
                gentPlugins.resolve("nl.dijkwacht.flood.jar"));

        // The water board runs its own runtime, on its own credentials, fed only what Roeselare exports to it.
        Path waterboardConfig = TestJars.trustDemoKeys(dir.resolve("waterboard/config"));
        Files.writeString(waterboardConfig.resolve("nl.regie.runtime.policy.cfg"), String.join("\n",
                "sites = roeselare",
                "imports = roeselare:waterboard WaterObserved/#",
                ""), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        federation(waterboardConfig, access.resolve("waterboard.credentials"));

        roeselareHttp = freePort();
        int roeselareMqttPort = freePort();
        roeselareMqtt = "tcp://127.0.0.1:" + roeselareMqttPort;
        roeselare = LauncherProcess.start(dir.resolve("roeselare"), "--site", "roeselare", "--no-simulator",
                "--http-port", Integer.toString(roeselareHttp), "--mqtt-port", Integer.toString(roeselareMqttPort),
                "--config-dir", roeselareConfig.toString(), "--plugins",
                Files.createDirectories(dir.resolve("roeselare/plugins")).toString(),
                "--state-dir", dir.resolve("roeselare/state").toString());
        gentHttp = freePort();
        gent = LauncherProcess.start(dir.resolve("gent"), "--site", "gent", "--no-simulator",
                "--http-port", Integer.toString(gentHttp), "--mqtt-port", Integer.toString(freePort()),
                "--config-dir", gentConfig.toString(), "--plugins", gentPlugins.toString(),
                "--state-dir", dir.resolve("gent/state").toString());
        int waterboardHttp = freePort();
        waterboard = LauncherProcess.start(dir.resolve("waterboard"), "--site", "waterboard", "--no-simulator",
                "--without", "devices", "--http-port", Integer.toString(waterboardHttp),
                "--config-dir", waterboardConfig.toString(), "--plugins",
                Files.createDirectories(dir.resolve("waterboard/plugins")).toString(),
                "--state-dir", dir.resolve("waterboard/state").toString());
        roeselare.awaitStdout(line -> line.startsWith("Regie ready"), START);
        gent.awaitStdout(line -> line.startsWith("Regie ready"), START);
        waterboard.awaitStdout(line -> line.startsWith("Regie ready"), START);
        waterboardApi = new HttpApi(waterboardHttp, waterboard.operatorToken());
        roeselareApi = new HttpApi(roeselareHttp, roeselare.operatorToken());
        gentApi = new HttpApi(gentHttp, gent.operatorToken());
    }

    private void federation(Path config, Path credentials) throws IOException {
        Files.writeString(config.resolve("nl.regie.runtime.federation.cfg"), "broker = " + broker.url()
                + "\ncredentialsFile = " + credentials + "\nreconnectMaxSeconds = 2\n", StandardCharsets.UTF_8);
    }

    @AfterAll
    void stopAll() {
        for (LauncherProcess launcher : new LauncherProcess[] {roeselare, gent, waterboard}) {
            if (launcher != null) {
                launcher.close();
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void aGaugeInRoeselareRaisesTheFloodAlertInGentThroughACutLink() throws Exception {
        await("the three links connected", WAIT, () -> connected(roeselareApi) && connected(gentApi)
                && connected(waterboardApi) ? Optional.of(true) : Optional.empty());
        gauge = provision(roeselareApi, GAUGE);
        MqttTraffic.Client device = gauge.connect(roeselareMqtt, true);
        device.publish(gauge.prefix() + "state", "{\"online\": true, \"type\": \"WaterObserved\", \"entities\":"
                + " [\"urn:ngsi-ld:WaterObserved:" + GAUGE + "\"], \"location\": [3.1250, 50.9470], \"interval\": 60}",
                1, true);
        device.publish(gauge.prefix() + "tele", pack(1.20, 0, "J. Peeters"), 1, false);

        JsonNode level = await("the level in Gent", WAIT, () -> gentEntity().map(e -> e.path("attributes")
                .path("waterLevel")).filter(a -> a.path("value").asDouble() == 1.20));
        assertEquals("roeselare:waterboard/" + GAUGE, level.path("source").asText());
        JsonNode inGent = gentEntity().orElseThrow();
        assertFalse(inGent.path("attributes").has("reportedBy"), "personal data crossed: " + inGent);
        assertTrue(roeselareEntity().orElseThrow().path("attributes").has("reportedBy"), "it is there at home");

        // The link is cut: the shared broker stops. Roeselare's gauge rises meanwhile; then the broker comes back.
        broker.stop();
        await("Roeselare sees the link down", WAIT, () -> connected(roeselareApi) ? Optional.empty()
                : Optional.of(true));
        device.publish(gauge.prefix() + "tele", pack(1.80, 1, "J. Peeters"), 1, false);
        device.publish(gauge.prefix() + "tele", pack(2.40, 2, "J. Peeters"), 1, false);
        await("Roeselare holds what it could not send", WAIT, () -> Optional.of(federation(roeselareApi))
                .filter(f -> f.path("links").get(0).path("queued").asInt() >= 2));
        broker.start();

        JsonNode alert = await("the flood alert in Gent", WAIT, () -> {
            for (JsonNode a : json(gentApi.get("/api/alerts?state=all"), 200).path("alerts")) {
                if (a.path("key").asText().equals("flood-" + GAUGE)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        });
        assertEquals("nl.dijkwacht.flood", alert.path("source").asText());
        JsonNode notice = await("Gent's residents notified", WAIT, () -> {
            for (JsonNode n : json(gentApi.get("/api/notifications"), 200).path("notifications")) {
                if (n.path("message").asText().contains("Mandel in Roeselare")) {
                    return Optional.of(n);
                }
            }
            return Optional.empty();
        });
        assertTrue(notice.path("message").asText().contains("Korenmarkt")
                || notice.path("message").asText().contains("Sint-Pieters"), "Gent's sandbag point: " + notice);
        assertEquals(0, json(roeselareApi.get("/api/alerts?state=all"), 200).path("alerts").size(),
                "Roeselare runs no flood plugin");

        // Nothing lost, nothing twice: three levels left Roeselare, three arrived in Gent, no duplicate refused.
        JsonNode gentFederation = await("all three imported", WAIT, () -> Optional.of(federation(gentApi))
                .filter(f -> count(f.path("imports"), "imported") >= 3));
        assertEquals(3, count(gentFederation.path("imports"), "imported"), gentFederation.toString());
        JsonNode roeselareFederation = await("six acknowledged exports", WAIT, () -> Optional.of(
                federation(roeselareApi)).filter(f -> count(f.path("exports"), "exported") >= 6));
        assertEquals(6, count(roeselareFederation.path("exports"), "exported"), "three to Gent, three to the water board: "
                + roeselareFederation);
        assertEquals(0, roeselareFederation.path("dropped").path("queue-full").asInt());
        assertEquals(2.40, gentEntity().orElseThrow().path("attributes").path("waterLevel").path("value").asDouble());

        // The water board's own runtime got the levels Roeselare exports to it, and nothing else.
        JsonNode atWaterboard = await("the level at the water board", WAIT, () -> entity(waterboardApi)
                .filter(e -> e.path("attributes").path("waterLevel").path("value").asDouble() == 2.40));
        assertEquals("roeselare:waterboard/" + GAUGE,
                atWaterboard.path("attributes").path("waterLevel").path("source").asText());
        assertFalse(atWaterboard.path("attributes").has("reportedBy"), atWaterboard.toString());
        assertEquals(3, count(federation(waterboardApi).path("imports"), "imported"));
        device.close();
    }

    @Test
    @Order(2)
    void hostileMessagesOnTheWireAreRefusedCountedAndAuditedAndTheLinkKeepsWorking() throws Exception {
        // A compromised Roeselare (its own valid credentials, a raw client) publishing in its own namespace.
        Properties credentials = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("shared-broker/roeselare.credentials"))) {
            credentials.load(in);
        }
        MqttClient raw = new MqttClient(broker.url(), "raw-roeselare", new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(credentials.getProperty("username"));
        options.setPassword(credentials.getProperty("password").getBytes(StandardCharsets.UTF_8));
        raw.connect(options);
        try {
            String share = "regie/v1/roeselare/share/gent/";
            Instant now = Instant.now();
            wire(raw, share + "Alert/flood-x/severity", shared(now, "\"critical\""), "waterboard", 1, "raw-grant");
            wire(raw, share + "WaterObserved/gauge-raw/waterLevel", "not json".getBytes(StandardCharsets.UTF_8),
                    "waterboard", 1, "raw-malformed");
            wire(raw, share + "WaterObserved/gauge-raw/waterLevel", shared(now, "1.5"), "waterboard", 9, "raw-hops");
            wire(raw, share + "WaterObserved/gauge-raw/waterLevel", shared(now, "1.6"), "waterboard", 1, "raw-dup");
            wire(raw, share + "WaterObserved/gauge-raw/waterLevel", shared(now, "1.6"), "waterboard", 1, "raw-dup");
        } finally {
            raw.disconnect();
            raw.close();
        }
        JsonNode refused = await("the four refusals counted in Gent", WAIT, () -> Optional.of(federation(gentApi)
                .path("refused")).filter(r -> r.path("outside-grant").asInt() >= 1 && r.path("malformed").asInt() >= 1
                        && r.path("hops").asInt() >= 1 && r.path("duplicate").asInt() >= 1));
        assertEquals(0, refused.path("loop").asInt(), refused.toString());
        JsonNode audited = json(gentApi.get("/api/audit?kind=federation"), 200).path("events");
        for (String reason : new String[] {"outside-grant", "malformed", "hops", "duplicate"}) {
            boolean found = false;
            for (JsonNode event : audited) {
                found |= event.path("actor").asText().equals("roeselare") && event.path("outcome").asText()
                        .equals("refused") && event.path("detail").asText().startsWith(reason + ": ");
            }
            assertTrue(found, "no audit entry for " + reason + ": " + audited);
        }
        assertEquals(1.6, entity(gentApi, "gauge-raw").orElseThrow().path("attributes").path("waterLevel")
                .path("value").asDouble(), "the first copy of the duplicate is an ordinary reading");

        // The link keeps carrying what the policy accepts.
        publishLevel(2.50, 10);
        await("the next level in Gent", WAIT, () -> gentEntity().filter(e -> e.path("attributes").path("waterLevel")
                .path("value").asDouble() == 2.50));
    }

    @Test
    @Order(3)
    void aBadPolicyInGentsConfigFolderIsRefusedAndThePolicyInForceKeepsImporting() throws Exception {
        Path file = dir.resolve("gent/config/nl.regie.runtime.policy.cfg");
        String good = Files.readString(file, StandardCharsets.UTF_8);
        long version = federation(gentApi).path("policyVersion").asLong();
        String rule = "imports = roeselare:waterboard WaterObserved/#";
        assertTrue(good.contains(rule + "\n"), good);
        try {
            Files.writeString(file, good.replace(rule + "\n", rule + ", antwerp:city Alert/#\n"), StandardCharsets.UTF_8);
            JsonNode unknownSite = awaitPolicyRefusal("antwerp");
            assertTrue(unknownSite.path("detail").asText().contains("policy v" + version + " "), unknownSite.toString());
            Files.writeString(file, good.replace(rule + "\n", "imports = roeselare:waterboard WaterObserved/#/level\n"),
                    StandardCharsets.UTF_8);
            awaitPolicyRefusal("WaterObserved/#/level");
            assertEquals(version, federation(gentApi).path("policyVersion").asLong(), "the policy in force stays");
            publishLevel(2.60, 20);
            await("a level imported under the policy in force", WAIT, () -> gentEntity().filter(e -> e
                    .path("attributes").path("waterLevel").path("value").asDouble() == 2.60));
        } finally {
            Files.writeString(file, good, StandardCharsets.UTF_8);
        }
    }

    @Test
    @Order(4)
    void gentsPageMarksTheGaugeAsRoeselaresAndShowsTheLinkWithItsRefusals() throws Exception {
        HeadlessChromium.assumeInstalled();
        ChromeDriver browser = HeadlessChromium.start();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100));
            // The links panel is drawn anew every 3 s, the details panel at each change: elements are found afresh.
            wait.ignoring(StaleElementReferenceException.class);
            By marker = By.cssSelector("#map [data-id='urn:ngsi-ld:WaterObserved:" + GAUGE + "']");
            browser.get("http://127.0.0.1:" + gentHttp + "/#token=" + gent.operatorToken());
            wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
            wait.withMessage("the gauge marked as Roeselare's").until(ExpectedConditions.attributeToBe(marker,
                    "data-remote", "roeselare"));
            assertTrue(browser.findElement(marker).getAttribute("class").contains("remote"));
            assertTrue(browser.findElement(marker).getAttribute("aria-label").contains("from roeselare"),
                    browser.findElement(marker).getAttribute("aria-label"));
            browser.findElement(marker).click();
            wait.withMessage("the origin in the details panel").until(ExpectedConditions.textToBe(By.cssSelector("#details [data-testid='details-origin']"),
                            "From another site: site roeselare (owned there by waterboard)"));

            // The links panel: the link connected, what it imported, the refusals of the previous test.
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("federation-panel")));
            wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='federation-link']"),
                    "data-state", "connected"));
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                    "[data-testid='federation-imported'] li[data-rule='roeselare:waterboard WaterObserved/#']")));
            for (String reason : new String[] {"outside-grant", "malformed", "hops", "duplicate"}) {
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                        "[data-testid='federation-refusals'] li[data-reason='" + reason + "']")));
            }
            assertTrue(browser.findElement(By.cssSelector("[data-testid='legend-remote']")).isDisplayed());

            // Live: a level that arrives while the page is open shows up, still marked.
            publishLevel(2.70, 30);
            wait.withMessage("the new level in the details panel").until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#details tr[data-attribute='waterLevel']"), "2.7"));
            assertEquals("roeselare", browser.findElement(marker).getAttribute("data-remote"));

            // At home in Roeselare the same gauge is local: no mark, no origin.
            browser.get("http://127.0.0.1:" + roeselareHttp + "/#token=" + roeselare.operatorToken());
            wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
            wait.until(ExpectedConditions.presenceOfElementLocated(marker));
            wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid='federation-link']"),
                    "data-state", "connected"));
            assertEquals(null, browser.findElement(marker).getAttribute("data-remote"));
            browser.findElement(marker).click();
            wait.until(ExpectedConditions.attributeToBe(By.id("details"), "data-shown",
                    "urn:ngsi-ld:WaterObserved:" + GAUGE));
            assertTrue(browser.findElements(By.cssSelector("#details [data-testid='details-origin']")).isEmpty());

            List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
            assertTrue(errors.isEmpty(), "console errors: " + errors);
        } finally {
            browser.quit();
        }
    }

    /** The refusal in Gent's audit log of a policy that names {@code mention}. */
    private JsonNode awaitPolicyRefusal(String mention) throws Exception {
        return await("the policy naming " + mention + " refused", WAIT, () -> {
            for (JsonNode event : json(gentApi.get("/api/audit?kind=policy"), 200).path("events")) {
                if (event.path("outcome").asText().equals("refused") && event.path("detail").asText().contains(mention)) {
                    return Optional.of(event);
                }
            }
            return Optional.empty();
        });
    }

    /** The gauge in Roeselare sends a level (a new device connection each time). */
    private void publishLevel(double level, int second) throws Exception {
        MqttTraffic.Client device = gauge.connect(roeselareMqtt, true);
        try {
            device.publish(gauge.prefix() + "tele", pack(level, second, "J. Peeters"), 1, false);
        } finally {
            device.close();
        }
    }

    private static void wire(MqttClient client, String topic, byte[] payload, String party, int hops, String id)
            throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        MqttProperties properties = new MqttProperties();
        properties.setUserProperties(List.of(new UserProperty("regie-origin-site", "roeselare"),
                new UserProperty("regie-origin-party", party), new UserProperty("regie-hops", Integer.toString(hops)),
                new UserProperty("regie-reading-id", id)));
        message.setProperties(properties);
        client.publish(topic, message);
    }

    /** A wire v1 payload, as the docs describe it. */
    private static byte[] shared(Instant at, String value) {
        return ("{\"v\": 1, \"value\": " + value + ", \"unit\": \"m\", \"observedAt\": \"" + at
                + "\", \"source\": \"gauge-raw\", \"exportedAt\": " + at.toEpochMilli() + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static long count(JsonNode rows, String field) {
        long sum = 0;
        for (JsonNode row : rows) {
            sum += row.path(field).asLong();
        }
        return sum;
    }

    private static JsonNode federation(HttpApi api) {
        return json(api.get("/api/federation"), 200);
    }

    private static boolean connected(HttpApi api) {
        return "connected".equals(federation(api).path("links").get(0).path("state").asText());
    }

    private Optional<JsonNode> gentEntity() {
        return entity(gentApi);
    }

    private Optional<JsonNode> roeselareEntity() {
        return entity(roeselareApi);
    }

    private static Optional<JsonNode> entity(HttpApi api) {
        return entity(api, GAUGE);
    }

    private static Optional<JsonNode> entity(HttpApi api, String localId) {
        java.net.http.HttpResponse<String> response = api.get("/api/entities/urn:ngsi-ld:WaterObserved:" + localId);
        return response.statusCode() == 200 ? Optional.of(HttpApi.parse(response)) : Optional.empty();
    }

    private static ProvisionedDevice provision(HttpApi api, String id) {
        JsonNode issued = json(api.sendJson("POST", "/api/devices", "{\"id\": \"" + id + "\"}"), 201);
        String telemetry = issued.path("topics").path("telemetry").asText();
        return new ProvisionedDevice(issued.path("id").asText(), issued.path("password").asText(),
                telemetry.substring(0, telemetry.length() - "tele".length()));
    }

    /** A level and the name of who read it (personal), dated a little after the start so each one is newer. */
    private static String pack(double level, int second, String reportedBy) {
        double time = Instant.now().toEpochMilli() / 1000.0 + second;
        return String.format(Locale.ROOT, "[{\"bn\":\"urn:ngsi-ld:WaterObserved:%s:\",\"bt\":%.3f,\"n\":\"waterLevel\","
                + "\"u\":\"m\",\"v\":%.2f},{\"n\":\"reportedBy\",\"vs\":\"%s\"}]", GAUGE, time, level, reportedBy);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
