package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The domain plugins at work in the running launcher with the simulated city: one launcher process, the four
 * shipped plugins (waste, lighting, mobility and the vendor's flood plugin) in its plugins folder, the shipped
 * flood configuration in its config folder, and the simulator at 300 times real speed.
 *
 * <p>The simulated clock (the devices' clock, {@code --simulator-start}) starts at 18:30 in Amsterdam on a 3rd of
 * December that each subclass picks relative to today, one in the past and one in the future, so that no run
 * depends on the calendar and the plugins are shown to follow the devices' time whichever side of the wall clock it
 * is. On any such evening it is dark, and the daily event on Dam square (starting between 13:00 and 18:00, three to
 * five hours long) is under way, so the event zone is busy from the first counts and stays busy for the rest of the
 * test. The lighting configuration dims from 17:00, so the lamps are at their night level and the crowd's full light
 * stands out. The rising gauge on the Amstel passes its flood level about 3.5 simulated hours after the start; the
 * first bin fire starts within 2 simulated hours.
 *
 * <p>Everything is checked over HTTP, as an operator would see it: {@code /api/entities}, {@code /api/alerts},
 * {@code /api/notifications} and {@code /api/plugins}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class CityScenario {

    /** The evening the simulated city starts on, local time in Amsterdam. */
    static final LocalTime START_TIME = LocalTime.of(18, 30);
    static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");

    /** The simulated start, as {@code --simulator-start} takes it (a local date-time in Amsterdam). */
    abstract LocalDateTime start();

    /** The 3rd of December of the year {@code years} from today's, at {@link #START_TIME}. */
    static LocalDateTime thirdOfDecember(int years) {
        return LocalDate.now(AMSTERDAM).plusYears(years).withMonth(12).withDayOfMonth(3).atTime(START_TIME);
    }

    private static final int SPEED = 300;
    /** Lamps within the event zone's reach: Dam square's radius (63 m) plus lighting's default margin (50 m). */
    private static final List<String> DAM_LAMPS = List.of("lamp-016", "lamp-019", "lamp-022", "lamp-025", "lamp-028");
    private static final double NIGHT_LEVEL = 0.3;
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private Path workingDir;
    private Path plugins;
    private Path config;
    private LauncherProcess regie;
    private int port;
    private String token;

    @BeforeAll
    void startTheCity() throws Exception {
        workingDir = TempFolders.create("regie-scenario");
        plugins = Files.createDirectories(workingDir.resolve("plugins"));
        config = Files.createDirectories(workingDir.resolve("config"));
        Path testPlugins = Path.of(System.getProperty("regie.test.plugins"));
        for (String jar : List.of("nl.regie.waste.jar", "nl.regie.lighting.jar", "nl.regie.mobility.jar",
                "nl.dijkwacht.flood.jar")) {
            Files.copy(testPlugins.resolve(jar), plugins.resolve(jar));
        }
        Path shippedConfig = Path.of(System.getProperty("regie.shipped.config"));
        Files.copy(shippedConfig.resolve("nl.dijkwacht.flood.cfg"), config.resolve("nl.dijkwacht.flood.cfg"));
        // The shipped multi-party policy (city, waste contractor, water board, police): the scenario runs under it.
        Files.copy(shippedConfig.resolve("nl.regie.runtime.policy.cfg"), config.resolve("nl.regie.runtime.policy.cfg"));
        Files.writeString(config.resolve("nl.regie.lighting.cfg"), "dim.from = 17:00\n");
        Files.writeString(config.resolve("nl.regie.waste.cfg"), "full.threshold = 0.7\n");

        port = freePort();
        regie = LauncherProcess.start(workingDir, "--http-port", Integer.toString(port),
                "--mqtt-port", Integer.toString(freePort()), "--plugins", plugins.toString(),
                "--config-dir", config.toString(), "--simulator-speed", Integer.toString(SPEED),
                "--simulator-start", start().toString());
        regie.awaitStdout(line -> line.startsWith("Regie ready"), Duration.ofSeconds(60));
        token = regie.operatorToken();
    }

    @AfterAll
    void stopTheCity() throws IOException {
        if (regie != null) {
            regie.close();
        }
    }

    @Test
    @Order(1)
    void theEventZoneFillsAndItsLightsGoToFullWhileOtherLampsStayDimmed() throws Exception {
        JsonNode dam = await("Dam square (crowd-001) to be reported busy", () -> entity("CrowdFlowObserved", "crowd-001")
                .filter(zone -> List.of("busy", "critical").contains(text(zone, "crowdLevel"))));
        Instant busySince = Instant.parse(dam.path("attributes").path("crowdLevel").path("observedAt").asText());

        for (String lamp : DAM_LAMPS) {
            JsonNode lit = await(lamp + " by the event to go to full light", () -> entity("Streetlight", lamp)
                    .filter(l -> number(l, "illuminanceLevel") == 1.0
                            && observedAt(l, "illuminanceLevel").isAfter(busySince)));
            Duration simulated = Duration.between(busySince, observedAt(lit, "illuminanceLevel"));
            assertTrue(simulated.compareTo(Duration.ofMinutes(20)) <= 0,
                    lamp + " reached full light " + simulated + " (simulated) after the zone became busy");
        }
        // A lamp far from any crowd keeps the night profile's level.
        JsonNode far = await("lamp-002, far from Dam square, to be dimmed", () -> entity("Streetlight", "lamp-002")
                .filter(l -> Math.abs(number(l, "illuminanceLevel") - NIGHT_LEVEL) < 0.001));
        assertEquals("on", text(far, "powerState"));
    }

    @Test
    @Order(2)
    void removingMobilityLeavesLightingOnItsNightProfile() throws Exception {
        Files.delete(plugins.resolve("nl.regie.mobility.jar"));
        await("mobility to be gone from /api/plugins", () -> Optional.of(get("/api/plugins"))
                .filter(body -> !body.toString().contains("\"nl.regie.mobility\"")));

        // The zone's last report goes stale; its lamps return to the night level though the crowd is still there.
        for (String lamp : DAM_LAMPS) {
            await(lamp + " to return to the night level", () -> entity("Streetlight", lamp)
                    .filter(l -> Math.abs(number(l, "illuminanceLevel") - NIGHT_LEVEL) < 0.001));
        }
        JsonNode lighting = plugin("nl.regie.lighting");
        assertEquals("ACTIVE", lighting.path("state").asText(), lighting.toString());
        assertTrue(lighting.path("healthy").asBoolean(), lighting.toString());
    }

    @Test
    @Order(3)
    void aBurningBinRaisesAFireAlert() throws Exception {
        JsonNode fire = await("a fire alert", () -> alerts("all").stream()
                .filter(alert -> "fire".equals(alert.path("subCategory").asText())).findFirst());
        assertEquals("nl.regie.waste", fire.path("source").asText());
        String bin = fire.path("about").asText();
        assertTrue(bin.startsWith("urn:ngsi-ld:WasteContainer:bin-"), fire.toString());
        // The bin it names really burned: its temperature went above the fire threshold at some point, so it is
        // either still hot or the alert has been resolved after it cooled.
        JsonNode state = entity("WasteContainer", bin.substring("urn:ngsi-ld:WasteContainer:".length())).orElseThrow();
        assertTrue(number(state, "temperature") >= 45 || !fire.path("active").asBoolean(),
                "the alert's bin is neither hot nor resolved: " + state);
    }

    @Test
    @Order(4)
    void theRisingGaugeRaisesAFloodAlertAndNotifiesTheNearestSandbagPoint() throws Exception {
        JsonNode flood = await("a flood alert for gauge-01", () -> alerts("all").stream()
                .filter(alert -> alert.path("key").asText().equals("flood-gauge-01")).findFirst());
        assertEquals("nl.dijkwacht.flood", flood.path("source").asText());
        assertEquals("naturalDisaster", flood.path("category").asText());

        String nearest = nearestSandbagPoint(4.9010, 52.3650);
        JsonNode notification = await("a notification about gauge-01", () -> {
            for (JsonNode n : get("/api/notifications").path("notifications")) {
                if (n.path("about").asText().equals("urn:ngsi-ld:Alert:flood-gauge-01")
                        || n.path("message").asText().contains("gauge-01")) {
                    return Optional.of(n);
                }
            }
            return Optional.empty();
        });
        assertTrue(notification.path("message").asText().contains(nearest),
                "the notification should name " + nearest + ": " + notification);
        assertEquals("nl.dijkwacht.flood", notification.path("source").asText());
    }

    @Test
    @Order(5)
    void fullBinsAppearInTheNextRoute() throws Exception {
        JsonNode fullBin = await("a full bin", () -> {
            for (JsonNode bin : get("/api/entities?type=WasteContainer&limit=1000").path("entities")) {
                if (bin.path("attributes").path("full").path("value").asBoolean(false)) {
                    return Optional.of(bin);
                }
            }
            return Optional.empty();
        });
        String id = fullBin.path("id").asText();
        JsonNode route = await("a route that visits " + id, () -> {
            for (JsonNode r : get("/api/entities?type=WasteCollectionRoute").path("entities")) {
                if (text(r, "stops").contains(id)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        });
        Instant routeAt = observedAt(route, "stops");
        Instant simulatedStart = start().atZone(AMSTERDAM).toInstant();
        assertTrue(!routeAt.isBefore(simulatedStart) && routeAt.isBefore(simulatedStart.plus(Duration.ofDays(1))),
                "the route is dated by the bins' time (the simulation started " + simulatedStart + "), was " + routeAt);
        JsonNode stops = json.readTree(text(route, "stops"));
        assertEquals(stops.size(), (int) number(route, "stopCount"));
        assertTrue(number(route, "length") > 0, route.toString());
        Set<String> distinct = new HashSet<>();
        stops.forEach(stop -> distinct.add(stop.asText()));
        assertEquals(stops.size(), distinct.size(), "a stop twice in " + stops);
    }

    @Test
    @Order(6)
    void theShippedPolicyAndThePluginDeploymentsAreInTheAuditLog() throws Exception {
        await("the shipped policy applied, in the audit log", () -> Optional.of(get("/api/audit?kind=policy"))
                .filter(body -> body.toString().contains("\"outcome\":\"applied\"")
                        && body.toString().contains("contractor>city WasteContainer/#")));
        await("the waste plugin's install from the plugins folder, in the audit log", () -> Optional.of(
                get("/api/audit?kind=plugin&actor=folder")).filter(body -> body.toString().contains("nl.regie.waste")
                        && body.toString().contains("\"outcome\":\"INSTALLED\"")));
    }

    // --- what the operator sees -------------------------------------------------------------------------------

    private Optional<JsonNode> entity(String type, String localId) throws IOException, InterruptedException {
        HttpResponse<String> response = send("/api/entities/urn:ngsi-ld:" + type + ":" + localId);
        return response.statusCode() == 200 ? Optional.of(json.readTree(response.body())) : Optional.empty();
    }

    private List<JsonNode> alerts(String state) throws IOException, InterruptedException {
        List<JsonNode> alerts = new ArrayList<>();
        get("/api/alerts?state=" + state + "&limit=1000").path("alerts").forEach(alerts::add);
        return alerts;
    }

    private JsonNode plugin(String symbolicName) throws IOException, InterruptedException {
        for (JsonNode plugin : get("/api/plugins").path("plugins")) {
            if (plugin.path("symbolicName").asText().equals(symbolicName)) {
                return plugin;
            }
        }
        throw new AssertionError(symbolicName + " is not in /api/plugins");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return json.readTree(response.body());
    }

    private HttpResponse<String> send(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The name of the configured sandbag point nearest to a place, from the shipped flood configuration. */
    private String nearestSandbagPoint(double lon, double lat) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(config.resolve("nl.dijkwacht.flood.cfg"))) {
            properties.load(in);
        }
        String best = null;
        double bestMetres = Double.MAX_VALUE;
        for (String point : properties.getProperty("sandbag.points").split(",")) {
            String[] fields = point.trim().split("\\|");
            double dx = (Double.parseDouble(fields[2]) - lon) * 111_320 * Math.cos(Math.toRadians(lat));
            double dy = (Double.parseDouble(fields[3]) - lat) * 110_574;
            double metres = Math.hypot(dx, dy);
            if (metres < bestMetres) {
                bestMetres = metres;
                best = fields[1];
            }
        }
        assertFalse(best == null, "no sandbag point in the shipped configuration");
        return best;
    }

    // --- waiting ----------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Probe {
        Optional<JsonNode> look() throws IOException, InterruptedException;
    }

    /** Polls until the probe finds what it looks for; fails with the launcher's transcript after {@link #WAIT}. */
    private JsonNode await(String what, Probe probe) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> found = probe.look();
            if (found.isPresent()) {
                return found.get();
            }
            if (!regie.isAlive()) {
                fail("the launcher exited while waiting for " + what + ":\n" + regie.transcript());
            }
            Thread.sleep(200);
        }
        fail("waited " + WAIT.toSeconds() + " s for " + what + "; launcher output:\n" + regie.transcript());
        return null;
    }

    private static String text(JsonNode entity, String attribute) {
        return entity.path("attributes").path(attribute).path("value").asText("");
    }

    private static double number(JsonNode entity, String attribute) {
        return entity.path("attributes").path(attribute).path("value").asDouble(Double.NaN);
    }

    private static Instant observedAt(JsonNode entity, String attribute) {
        return Instant.parse(entity.path("attributes").path(attribute).path("observedAt").asText());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
