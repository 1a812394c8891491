package nl.regie.launcher;

import static nl.regie.launcher.HttpApi.await;
import static nl.regie.launcher.HttpApi.json;
import static nl.regie.launcher.HttpApi.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every endpoint of the HTTP API over real HTTP, against the launcher jar running as a child process on free loopback
 * ports with the simulated city (40 devices) and the vendor's flood plugin, whose configuration puts the flood level
 * below the simulated gauges so that flood alerts and notifications come at once. One launcher serves the whole
 * class; each test leaves the plugins as it found them. Besides the answers, every error is checked to be an RFC 9457
 * problem ({@code application/problem+json} with type, title, status, detail and instance) that names what was wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiIT {

    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String FLOOD = "nl.dijkwacht.flood";
    private static final String FLOOD_CONFIG = """
            flood.level = 0.5
            critical.level = 5
            alert.radius.metres = 500
            sandbag.points = waterlooplein|Waterlooplein|4.9020|52.3676, westermarkt|Westermarkt|4.8838|52.3747
            gauge.names = gauge-01=Amstel, gauge-02=Herengracht
            """;

    private Path workingDir;
    private Path config;
    private Path jars;
    private LauncherProcess regie;
    private HttpApi api;

    @BeforeAll
    void startRegie() throws Exception {
        workingDir = TempFolders.create("regie-http-api");
        Path plugins = Files.createDirectories(workingDir.resolve("plugins"));
        config = TestJars.trustDemoKeys(workingDir.resolve("config"));
        jars = Files.createDirectories(workingDir.resolve("jars/upload"));
        Files.copy(Path.of(System.getProperty("regie.test.plugins"), FLOOD + ".jar"), plugins.resolve(FLOOD + ".jar"));
        Files.writeString(config.resolve(FLOOD + ".cfg"), FLOOD_CONFIG);
        int port = freePort();
        regie = LauncherProcess.start(workingDir, "--http-port", Integer.toString(port), "--mqtt-port",
                Integer.toString(freePort()), "--simulator-devices", "40", "--plugins", plugins.toString(),
                "--config-dir", config.toString(), "--state-dir", workingDir.resolve("state").toString());
        regie.awaitStdout(line -> line.startsWith("Regie ready"), Duration.ofSeconds(60));
        api = new HttpApi(port, regie.operatorToken());
        // Every simulated streetlight and bin has reported: the lists the tests page through stay the same.
        for (String type : List.of("Streetlight", "WasteContainer")) {
            await("every simulated " + type + " in the city state", WAIT, () -> {
                long devices = 0;
                for (JsonNode device : json(api.get("/api/devices"), 200).path("devices")) {
                    devices += device.path("type").asText().equals(type) ? 1 : 0;
                }
                return devices >= 10 && entities("type=" + type + "&limit=10000").size() == devices
                        ? Optional.of(devices) : Optional.empty();
            });
        }
    }

    @AfterAll
    void stopRegie() {
        if (regie != null) {
            regie.close();
        }
    }

    // --- health and metrics

    @Test
    void healthNamesAPluginThatFailsAndForgetsItWhenItIsRemoved() throws Exception {
        JsonNode health = json(api.get("/health"), 200);
        assertEquals(health.path("problems").isEmpty() ? "UP" : "DEGRADED", health.path("status").asText(), health::toString);
        assertTrue(health.path("entities").asInt() > 0, health::toString);

        Path failing = TestJars.plugin(jars.resolve("failing.jar"), "com.example.apiit.failing", "1.0.0", false);
        assertEquals(201, api.send("POST", "/api/plugins", "application/java-archive", failing).statusCode());
        JsonNode degraded = await("/health to name the failing plugin", WAIT, () -> Optional.of(json(api.get("/health"), 200))
                .filter(h -> h.path("problems").toString().contains("com.example.apiit.failing")));
        assertEquals("DEGRADED", degraded.path("status").asText(), degraded::toString);
        assertTrue(degraded.path("problems").toString().contains("boom: the test plugin cannot start"),
                "the problem says why: " + degraded);

        json(api.send("DELETE", "/api/plugins/com.example.apiit.failing", null, (byte[]) null), 200);
        await("/health to forget the removed plugin", WAIT, () -> Optional.of(json(api.get("/health"), 200))
                .filter(h -> !h.path("problems").toString().contains("com.example.apiit.failing")));
    }

    @Test
    void metricsAreInThePrometheusTextFormat() {
        HttpResponse<String> response = api.get("/metrics");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElse("").toLowerCase(), HttpApi.describe(response));
        Pattern sample = Pattern.compile("([a-z_:][a-z0-9_:]*)(\\{[^}]*\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)");
        Map<String, Double> sums = new LinkedHashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = sample.matcher(line);
            assertTrue(m.matches(), "not a sample line: " + line);
            sums.merge(m.group(1), Double.parseDouble(m.group(3)), Double::sum);
        }
        assertTrue(response.body().contains("# TYPE regie_bus_published_total counter"), response.body());
        assertTrue(sums.getOrDefault("regie_bus_published_total", 0.0) > 0, "readings were published: " + sums);
        assertTrue(sums.getOrDefault("regie_entities", 0.0) >= 20, "the city state holds the simulated entities: " + sums);
        assertEquals(1.0, sums.get("regie_ingest_bridge_connected"), "the MQTT bridge is connected: " + sums);
        assertTrue(sums.getOrDefault("regie_ingest_packs_accepted_total", 0.0) > 0, sums::toString);
        assertTrue(response.body().contains("# TYPE regie_mqtt_broker_dropped_total counter"), "the embedded broker's drops");
        assertTrue(response.body().contains("regie_mqtt_broker_dropped_total{reason=\"queue_full\"} "), response.body());
        assertTrue(sums.getOrDefault("regie_jvm_heap_used_bytes", 0.0) > 0, sums::toString);
        assertTrue(sums.containsKey("regie_uptime_seconds"), sums::toString);
    }

    // --- entities

    @Test
    void entitiesOfATypeAndOneEntityWithItsAttributes() {
        List<JsonNode> lamps = entities("type=Streetlight&limit=10000");
        for (JsonNode lamp : lamps) {
            assertEquals("Streetlight", lamp.path("type").asText(), lamp::toString);
            assertTrue(lamp.path("id").asText().startsWith("urn:ngsi-ld:Streetlight:"), lamp::toString);
            assertEquals("Point", lamp.path("location").path("type").asText(), lamp::toString);
        }
        String id = entities("type=WasteContainer&limit=1").get(0).path("id").asText();
        JsonNode bin = json(api.get("/api/entities/" + id), 200);
        assertEquals(id, bin.path("id").asText());
        assertEquals(2, bin.path("location").path("coordinates").size(), bin::toString);
        JsonNode filling = bin.path("attributes").path("fillingLevel");
        assertTrue(filling.path("value").isNumber(), bin::toString);
        assertTrue(filling.has("unit"), bin::toString);
        assertNotNull(Instant.parse(filling.path("observedAt").asText()));
        assertFalse(filling.path("source").asText().isBlank(), bin::toString);
    }

    @Test
    void nearFindsExactlyTheEntitiesWithinTheRadiusNearestFirst() {
        List<JsonNode> all = entities("type=Streetlight&limit=10000");
        double[] centre = lonLat(all.get(0));
        List<Double> distances = all.stream().map(e -> metres(centre, lonLat(e))).sorted().toList();
        double radius = distances.get(distances.size() / 2) + 0.5; // about half of them inside
        List<JsonNode> near = entities("type=Streetlight&limit=10000&near=" + centre[0] + "," + centre[1] + "," + radius);
        assertEquals(all.get(0).path("id").asText(), near.get(0).path("id").asText(), "the nearest is the centre's own lamp");
        double previous = 0;
        for (JsonNode e : near) {
            double d = metres(centre, lonLat(e));
            assertTrue(d <= radius + 0.01, e.path("id") + " is " + d + " m away, beyond " + radius);
            assertTrue(d >= previous - 0.01, "not nearest first at " + e.path("id"));
            previous = d;
        }
        Set<String> found = ids(near);
        for (JsonNode e : all) {
            if (metres(centre, lonLat(e)) < radius - 0.01) {
                assertTrue(found.contains(e.path("id").asText()), e.path("id") + " is within " + radius + " m but missing");
            }
        }
        assertTrue(near.size() < all.size(), "the radius left some lamps out");
    }

    @Test
    void bboxFindsExactlyTheEntitiesInsideIt() {
        List<JsonNode> all = entities("type=WasteContainer&limit=10000");
        List<Double> lons = all.stream().map(e -> lonLat(e)[0]).sorted().toList();
        List<Double> lats = all.stream().map(e -> lonLat(e)[1]).sorted().toList();
        double w = lons.get(0) - 0.001;
        double s = lats.get(0) - 0.001;
        double e = lons.get(lons.size() / 2);
        double n = lats.get(lats.size() - 1) + 0.001;
        List<JsonNode> inside = entities("type=WasteContainer&limit=10000&bbox=" + w + "," + s + "," + e + "," + n);
        Set<String> found = ids(inside);
        for (JsonNode bin : all) {
            double[] at = lonLat(bin);
            boolean in = at[0] >= w && at[0] <= e && at[1] >= s && at[1] <= n;
            assertEquals(in, found.contains(bin.path("id").asText()), bin.path("id") + " at " + at[0] + "," + at[1]);
        }
        assertFalse(inside.isEmpty());
        assertTrue(inside.size() < all.size(), "the box left some bins out");
    }

    @Test
    void pagesAreDisjointAndTogetherTheWholeList() {
        List<String> whole = entities("type=WasteContainer&limit=10000").stream().map(e -> e.path("id").asText()).toList();
        List<String> paged = new ArrayList<>();
        for (int offset = 0; offset < whole.size(); offset += 4) {
            JsonNode page = json(api.get("/api/entities?type=WasteContainer&limit=4&offset=" + offset), 200);
            assertEquals(whole.size(), page.path("total").asInt(), page::toString);
            assertEquals(offset, page.path("offset").asInt());
            assertEquals(4, page.path("limit").asInt());
            assertEquals(Math.min(4, whole.size() - offset), page.path("entities").size(), page::toString);
            page.path("entities").forEach(entity -> paged.add(entity.path("id").asText()));
        }
        assertEquals(whole, paged, "the pages, one after the other, are the whole list in its order");
        JsonNode beyond = json(api.get("/api/entities?type=WasteContainer&offset=" + whole.size()), 200);
        assertEquals(0, beyond.path("entities").size());
        assertEquals(whole.size(), beyond.path("total").asInt());
    }

    @Test
    void badEntityQueriesAre400ProblemsNamingTheParameter() {
        Map<String, String> named = new LinkedHashMap<>();
        named.put("near=4.9,52.37", "'near'");
        named.put("near=4.9,52.37,abc", "'near'");
        named.put("near=200,52.37,10", "'near'");
        named.put("near=4.9,52.37,-1", "'near'");
        named.put("bbox=4,52,5", "'bbox'");
        named.put("bbox=4,53,5,52", "'bbox'");
        named.put("bbox=a,b,c,d", "'bbox'");
        named.put("near=4.9,52.37,10&bbox=4,52,5,53", "'bbox'");
        named.put("limit=0", "'limit'");
        named.put("limit=10001", "'limit'");
        named.put("limit=ten", "'limit'");
        named.put("offset=-1", "'offset'");
        named.put("offset=x", "'offset'");
        named.put("colour=red", "'colour'");
        named.forEach((query, parameter) -> problem(api.get("/api/entities?" + query), 400, parameter));
    }

    @Test
    void requestsThatDoNotDecodeAre400ProblemsNeverAServerError() throws Exception {
        for (String path : List.of("/api/entities?type=%zz", "/api/alerts?category=%zz", "/api/notifications?limit=%zz",
                "/api/audit?kind=%zz", "/api/devices?x=%", "/api/entities?type=%C3%28")) {
            // Sent as it is: java.net.URI refuses such a query before it leaves.
            String answer = raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + regie.operatorToken() + "\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertTrue(answer.contains("Content-Type: application/problem+json"), answer);
            assertTrue(answer.contains("\"detail\":\"the query string "), answer);
        }
        assertNoErrorLines();
    }

    @Test
    void traceAndUnknownMethodsAre405ProblemsAndTraceEchoesNoToken() throws Exception {
        Map<String, String> allow = Map.of("TRACE /api/entities", "GET, HEAD, POST, PUT, DELETE, OPTIONS",
                "FOO /api/entities", "GET, HEAD", "FOO /api/plugins", "GET, HEAD, POST",
                "FOO /", "GET, HEAD");
        for (Map.Entry<String, String> request : allow.entrySet()) {
            String answer = raw(request.getKey() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + regie.operatorToken() + "\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 405 "), answer);
            assertTrue(answer.contains("Content-Type: application/problem+json"), answer);
            assertTrue(answer.contains("Allow: " + request.getValue() + "\r\n"), answer);
            assertFalse(answer.contains(regie.operatorToken()), answer);
        }
    }

    @Test
    void aCommandWhoseChunkedBodyIsCutShortIs400AndNoError() throws Exception {
        String answer = raw("POST /api/commands HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + regie.operatorToken() + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "40\r\n{\"target\": \"urn:ngsi-ld:Streetlight");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("the request ended before its body did"), answer);
        assertNoErrorLines();
    }

    /** Sends {@code request} as it is, closes the sending side, and returns the whole answer. */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Nothing a client sent made the HTTP server log an error (Felix HTTP: "Exception while processing request"), or
     * Jetty a warning of its own (other tests of this class make plugins log errors on purpose).
     */
    private void assertNoErrorLines() {
        List<String> lines = new ArrayList<>(regie.stdout());
        lines.addAll(regie.stderr());
        assertEquals(List.of(), lines.stream().filter(line -> line.contains("Exception while processing request")
                || line.contains(":WARN:oejh") || line.contains("BadMessageException") || line.contains("EofException"))
                .toList());
    }

    @Test
    void aMalformedEntityIdIs400AndAnUnknownOne404() {
        problem(api.get("/api/entities/lamp-001"), 400, "'lamp-001'");
        problem(api.get("/api/entities/urn:ngsi-ld:Streetlight"), 400, "urn:ngsi-ld:Streetlight");
        problem(api.get("/api/entities/urn:ngsi-ld:Streetlight:lamp-999"), 404, "urn:ngsi-ld:Streetlight:lamp-999");
    }

    // --- devices, alerts, notifications, config

    @Test
    void aDeviceSaysWhetherItIsOnlineWithItsCounts() throws Exception {
        JsonNode all = json(api.get("/api/devices"), 200);
        assertTrue(all.path("bridge").path("connected").asBoolean(), all.path("bridge")::toString);
        JsonNode lamp = await("lamp-001 to have sent telemetry", WAIT, () -> Optional.of(json(api.get("/api/devices/lamp-001"), 200))
                .filter(d -> d.path("counts").path("telemetryAccepted").asLong() > 0));
        assertEquals("lamp-001", lamp.path("id").asText());
        assertTrue(lamp.path("online").asBoolean(), lamp::toString);
        assertEquals("online", lamp.path("state").asText());
        assertEquals("Streetlight", lamp.path("type").asText());
        assertTrue(lamp.path("entities").toString().contains("urn:ngsi-ld:Streetlight:lamp-001"), lamp::toString);
        assertTrue(lamp.path("counts").path("readingsPublished").asLong() > 0, lamp::toString);
        assertNotNull(Instant.parse(lamp.path("lastSeen").asText()));
        assertTrue(lamp.has("lastRejection"), lamp::toString);

        problem(api.get("/api/devices/lamp-999"), 404, "lamp-999");
        problem(api.get("/api/devices/bad%21id"), 400, "'bad!id'");
    }

    @Test
    void alertsAreListedByStateAndOneByKey() throws Exception {
        JsonNode flood = await("the flood alert of gauge-01", WAIT, () -> alerts("").stream()
                .filter(a -> a.path("key").asText().equals("flood-gauge-01")).findFirst());
        assertEquals(FLOOD, flood.path("source").asText());
        assertTrue(flood.path("active").asBoolean());
        assertEquals("urn:ngsi-ld:Alert:flood-gauge-01", flood.path("id").asText());
        assertEquals(2, flood.path("location").size(), flood::toString);
        assertNotNull(Instant.parse(flood.path("validFrom").asText()));
        alerts("").forEach(a -> assertTrue(a.path("active").asBoolean(), "state=active by default: " + a));

        // gauge-02 gets a flood level above its water (below the critical level, or the file is refused): resolved.
        Path partial = workingDir.resolve(FLOOD + ".cfg.partial");
        Files.writeString(partial, FLOOD_CONFIG + "flood.level.by.gauge = gauge-02=4\n");
        Files.move(partial, config.resolve(FLOOD + ".cfg"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        JsonNode resolved = await("flood-gauge-02 to be resolved", WAIT, () -> alerts("&state=resolved").stream()
                .filter(a -> a.path("key").asText().equals("flood-gauge-02")).findFirst());
        assertFalse(resolved.path("active").asBoolean(), resolved::toString);
        assertNotNull(Instant.parse(resolved.path("validTo").asText()));
        alerts("&state=resolved").forEach(a -> assertFalse(a.path("active").asBoolean(), a::toString));
        Set<String> every = ids(alerts("&state=all"), "key");
        assertTrue(every.containsAll(Set.of("flood-gauge-01", "flood-gauge-02")), every::toString);
        assertTrue(alerts("").stream().noneMatch(a -> a.path("key").asText().equals("flood-gauge-02")));

        assertEquals("flood-gauge-01", json(api.get("/api/alerts/flood-gauge-01"), 200).path("key").asText());
        assertEquals("flood-gauge-01", json(api.get("/api/alerts/urn:ngsi-ld:Alert:flood-gauge-01"), 200).path("key").asText());
        problem(api.get("/api/alerts/flood-gauge-99"), 404, "flood-gauge-99");
        problem(api.get("/api/alerts/bad!key"), 400, "'bad!key'");
        problem(api.get("/api/alerts?state=open"), 400, "'state'", "'open'");
        problem(api.get("/api/alerts?limit=0"), 400, "'limit'");
    }

    @Test
    void notificationsAreListedNewestFirstWithTheirAudience() throws Exception {
        JsonNode page = await("a notification from the flood plugin", WAIT, () -> Optional.of(json(api.get("/api/notifications"), 200))
                .filter(p -> p.path("total").asInt() > 0));
        JsonNode first = page.path("notifications").get(0);
        assertEquals(FLOOD, first.path("source").asText(), first::toString);
        assertEquals(500.0, first.path("audience").path("radiusMetres").asDouble(), first::toString);
        assertEquals(2, first.path("audience").path("center").size(), first::toString);
        assertTrue(first.path("message").asText().matches("(?s).*(Waterlooplein|Westermarkt).*"), "names a sandbag point: " + first);
        Instant previous = Instant.MAX;
        for (JsonNode n : page.path("notifications")) {
            Instant sent = Instant.parse(n.path("sentAt").asText());
            assertFalse(sent.isAfter(previous), "newest first: " + page);
            previous = sent;
        }
        JsonNode one = json(api.get("/api/notifications?limit=1"), 200);
        assertEquals(1, one.path("notifications").size());
        problem(api.get("/api/notifications?limit=0"), 400, "'limit'");
        problem(api.get("/api/notifications?since=yesterday"), 400, "'since'");
    }

    @Test
    void configListsTheFolderAndEachFileWithItsState() throws Exception {
        JsonNode file = await("the flood configuration to be applied", WAIT, () -> {
            JsonNode all = json(api.get("/api/config"), 200);
            assertTrue(all.path("enabled").asBoolean(), all::toString);
            assertEquals(config.toString(), all.path("folder").asText());
            for (JsonNode f : all.path("files")) {
                if (f.path("pid").asText().equals(FLOOD) && f.path("state").asText().equals("applied")) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        });
        assertNotNull(Instant.parse(file.path("appliedAt").asText()), file::toString);
        JsonNode one = json(api.get("/api/config/" + FLOOD), 200);
        assertEquals(FLOOD, one.path("pid").asText());
        problem(api.get("/api/config/nl.example.nothing"), 404, "nl.example.nothing");
    }

    // --- commands

    @Test
    void aDimCommandToASimulatedStreetlightCompletesAndTheLampDims() throws Exception {
        String body = """
                {"id": "apiit-dim-1", "target": "urn:ngsi-ld:Streetlight:lamp-005", "action": "dim",
                 "parameters": {"level": 0.45}, "timeoutSeconds": 20}""";
        HttpResponse<String> sent = api.sendJson("POST", "/api/commands", body);
        JsonNode accepted = json(sent, 202);
        assertEquals("apiit-dim-1", accepted.path("id").asText());
        assertEquals("/api/commands/apiit-dim-1", sent.headers().firstValue("Location").orElse(null));
        assertEquals("urn:ngsi-ld:Streetlight:lamp-005", accepted.path("target").asText());
        JsonNode done = await("the command to end", WAIT, () -> Optional.of(json(api.get("/api/commands/apiit-dim-1"), 200))
                .filter(c -> c.path("final").asBoolean()));
        assertEquals("COMPLETED", done.path("state").asText(), done::toString);
        await("lamp-005 to report the new level", WAIT, () -> Optional.of(json(api.get("/api/entities/urn:ngsi-ld:Streetlight:lamp-005"), 200))
                .filter(lamp -> lamp.path("attributes").path("illuminanceLevel").path("value").asDouble() == 0.45));

        HttpResponse<String> rejected = api.sendJson("POST", "/api/commands",
                "{\"target\": \"urn:ngsi-ld:PointOfInterest:waterlooplein\", \"action\": \"dim\"}");
        String location = json(rejected, 202).path("location").asText();
        JsonNode refused = await("the command without a driver to end", WAIT, () -> Optional.of(json(api.get(location), 200))
                .filter(c -> c.path("final").asBoolean()));
        assertEquals("REJECTED", refused.path("state").asText(), refused::toString);
        assertTrue(refused.path("reason").asText().contains("PointOfInterest"), refused::toString);
    }

    @Test
    void badCommandsAreRefusedWithTheRightStatus() {
        problem(api.sendJson("POST", "/api/commands", "{\"target\": "), 400, "not valid JSON");
        problem(api.sendJson("POST", "/api/commands", "[1, 2]"), 400, "JSON object");
        problem(api.sendJson("POST", "/api/commands", "{\"action\": \"dim\"}"), 400, "'target'");
        problem(api.sendJson("POST", "/api/commands", "{\"target\": \"urn:ngsi-ld:Streetlight:lamp-001\"}"), 400, "'action'");
        problem(api.sendJson("POST", "/api/commands", "{\"target\": \"lamp-001\", \"action\": \"dim\"}"), 400, "'target'");
        problem(api.sendJson("POST", "/api/commands",
                "{\"target\": \"urn:ngsi-ld:Streetlight:lamp-001\", \"action\": \"dim\", \"colour\": \"red\"}"), 400, "colour");
        problem(api.send("POST", "/api/commands", "text/plain", "{}".getBytes(StandardCharsets.UTF_8)), 415, "text/plain");
        problem(api.send("POST", "/api/commands", null, "{}".getBytes(StandardCharsets.UTF_8)), 415);
        byte[] large = ("{\"target\": \"urn:ngsi-ld:Streetlight:lamp-001\", \"action\": \"dim\", \"id\": \"" + "x".repeat(70_000)
                + "\"}").getBytes(StandardCharsets.UTF_8);
        problem(api.send("POST", "/api/commands", HttpApi.JSON, large), 413, "65536");
        problem(api.sendChunked("POST", "/api/commands", HttpApi.JSON, large), 413, "65536");
        problem(api.get("/api/commands/apiit-never-sent"), 404, "apiit-never-sent");
        problem(api.get("/api/commands/bad!id"), 400, "'bad!id'");
        HttpResponse<String> put = api.sendJson("PUT", "/api/commands", "{}");
        problem(put, 405, "PUT");
        assertEquals("POST", put.headers().firstValue("Allow").orElse(null));
    }

    // --- plugins

    @Test
    void aPluginIsUploadedUpdatedRolledBackAndRemoved() throws Exception {
        String name = "com.example.apiit.swap";
        Path v1 = TestJars.plugin(jars.resolve("swap-1.0.0.jar"), name, "1.0.0", true);
        Path v2 = TestJars.plugin(jars.resolve("swap-2.0.0.jar"), name, "2.0.0", true);
        Path other = TestJars.plugin(jars.resolve("other-1.0.0.jar"), "com.example.apiit.other", "1.0.0", true);

        HttpResponse<String> created = api.send("POST", "/api/plugins", "application/java-archive", v1);
        JsonNode installed = json(created, 201);
        assertEquals("/api/plugins/" + name, created.headers().firstValue("Location").orElse(null));
        assertEquals("INSTALLED", installed.path("result").asText(), installed::toString);
        assertEquals("1.0.0", installed.path("toVersion").asText());
        JsonNode listed = await(name + " to be listed active", WAIT, () -> plugins().stream()
                .filter(p -> p.path("symbolicName").asText().equals(name) && p.path("state").asText().equals("ACTIVE")).findFirst());
        assertEquals("1.0.0", listed.path("version").asText());
        assertTrue(listed.path("healthy").asBoolean(), listed::toString);

        assertEquals("ALREADY_INSTALLED", problem(api.send("POST", "/api/plugins", "application/java-archive", v1), 409, name)
                .path("reason").asText());
        assertEquals("ALREADY_INSTALLED", problem(api.send("POST", "/api/plugins", "application/octet-stream", v1), 409)
                .path("reason").asText());
        assertEquals("NO_PREVIOUS_VERSION", problem(api.send("POST", "/api/plugins/" + name + "/rollback", null, (byte[]) null), 409)
                .path("reason").asText());
        assertEquals("WRONG_PLUGIN", problem(api.send("PUT", "/api/plugins/" + name, "application/java-archive", other), 400)
                .path("reason").asText());

        JsonNode updated = json(api.send("PUT", "/api/plugins/" + name, "application/java-archive", v2), 200);
        assertEquals("PROMOTED", updated.path("result").asText(), updated::toString);
        assertEquals("1.0.0", updated.path("fromVersion").asText());
        assertEquals("2.0.0", updated.path("toVersion").asText());
        assertEquals("SAME_VERSION", problem(api.send("PUT", "/api/plugins/" + name, "application/java-archive", v2), 409)
                .path("reason").asText());
        JsonNode one = json(api.get("/api/plugins/" + name), 200);
        assertEquals("2.0.0", one.path("version").asText());
        assertEquals("1.0.0", one.path("previousVersion").asText(), one::toString);

        JsonNode back = json(api.send("POST", "/api/plugins/" + name + "/rollback", null, (byte[]) null), 200);
        assertEquals("ROLLBACK", back.path("operation").asText(), back::toString);
        assertEquals("2.0.0", back.path("fromVersion").asText());
        assertEquals("1.0.0", back.path("toVersion").asText());
        assertEquals("1.0.0", json(api.get("/api/plugins/" + name), 200).path("version").asText());

        JsonNode removed = json(api.send("DELETE", "/api/plugins/" + name, null, (byte[]) null), 200);
        assertEquals("REMOVED", removed.path("result").asText());
        JsonNode gone = problem(api.get("/api/plugins/" + name), 404, name);
        assertTrue(gone.path("history").size() >= 4, "a removed plugin's history is kept: " + gone);
        assertEquals("UNKNOWN_PLUGIN", problem(api.send("DELETE", "/api/plugins/" + name, null, (byte[]) null), 404, name)
                .path("reason").asText());
        assertTrue(plugins().stream().noneMatch(p -> p.path("symbolicName").asText().equals(name)));
    }

    @Test
    void badPluginUploadsAreRefusedAndChangeNothing() throws Exception {
        List<JsonNode> before = plugins();
        byte[] text = "not a jar at all".getBytes(StandardCharsets.UTF_8);
        assertEquals("NOT_A_BUNDLE", problem(api.send("POST", "/api/plugins", "application/java-archive", text), 400)
                .path("reason").asText());
        Path library = TestJars.notABundle(jars.resolve("library.jar"));
        assertEquals("NOT_A_BUNDLE", problem(api.send("POST", "/api/plugins", "application/java-archive", library), 400,
                "not an OSGi bundle").path("reason").asText());
        Path unresolvable = TestJars.unresolvableBundle(jars.resolve("unresolvable.jar"), "com.example.apiit.unresolvable");
        assertEquals("NOT_RESOLVABLE", problem(api.send("POST", "/api/plugins", "application/java-archive", unresolvable), 422,
                "com.example.nowhere").path("reason").asText());
        problem(api.send("POST", "/api/plugins", "application/java-archive", new byte[0]), 400, "empty");
        problem(api.send("POST", "/api/plugins", "text/plain", text), 415, "text/plain");
        problem(api.send("PUT", "/api/plugins/" + FLOOD, "application/zip", text), 415, "application/zip");
        problem(api.send("PUT", "/api/plugins/com.example.apiit.none", "application/java-archive", library), 404,
                "com.example.apiit.none");
        problem(api.send("POST", "/api/plugins/com.example.apiit.none/rollback", null, (byte[]) null), 404, "com.example.apiit.none");
        problem(api.get("/api/plugins/bad!name"), 400, "'bad!name'");
        problem(api.get("/api/plugins/" + FLOOD + "/history"), 404);
        HttpResponse<String> patch = api.send("PATCH", "/api/plugins", null, (byte[]) null);
        problem(patch, 405, "PATCH");
        assertEquals("GET, HEAD, POST", patch.headers().firstValue("Allow").orElse(null));

        HttpApi.RawResponse tooLarge = api.declareOnly("POST", "/api/plugins", "application/java-archive", 64L * 1024 * 1024 + 1);
        assertEquals(413, tooLarge.status(), tooLarge::toString);
        assertTrue(tooLarge.headers().get("content-type").startsWith(HttpApi.PROBLEM), tooLarge::toString);
        JsonNode problem = HttpApi.parse(tooLarge.body());
        assertEquals(413, problem.path("status").asInt());
        assertTrue(problem.path("detail").asText().contains("67108864"), problem::toString);

        List<String> versions = before.stream().map(p -> p.path("symbolicName").asText() + " " + p.path("version").asText()).toList();
        assertEquals(versions, plugins().stream().map(p -> p.path("symbolicName").asText() + " " + p.path("version").asText()).toList(),
                "the refusals changed nothing");
    }

    // --- the live stream

    @Test
    void theStreamSendsChangesOfTheTypeAndAreaAskedFor() throws Exception {
        try (HttpApi.EventStream stream = api.stream("/api/stream?type=Streetlight")) {
            assertEquals(200, stream.response().statusCode());
            assertEquals("text/event-stream", HttpApi.mediaType(stream.response()));
            long lastId = -1;
            String epoch = null;
            for (int i = 0; i < 3; i++) {
                HttpApi.Event event = stream.next(WAIT).orElseThrow(() -> new AssertionError("no event: " + stream.transcript()));
                assertEquals("change", event.name(), event::toString);
                JsonNode change = HttpApi.parse(event.data());
                assertEquals("Streetlight", change.path("type").asText(), event::toString);
                assertTrue(change.path("id").asText().startsWith("urn:ngsi-ld:Streetlight:"), event::toString);
                assertFalse(change.path("attribute").asText().isBlank(), event::toString);
                assertNotNull(Instant.parse(change.path("observedAt").asText()));
                String[] parts = event.id().split("-");
                assertEquals(2, parts.length, "ids are {epoch}-{sequence}: " + event);
                assertTrue(epoch == null || epoch.equals(parts[0]), "one epoch: " + stream.transcript());
                epoch = parts[0];
                long id = Long.parseLong(parts[1]);
                assertTrue(id > lastId, "ids rise: " + stream.transcript());
                lastId = id;
            }
        }
        JsonNode lamp = json(api.get("/api/entities/urn:ngsi-ld:Streetlight:lamp-002"), 200);
        double[] at = lonLat(lamp);
        try (HttpApi.EventStream stream = api.stream("/api/stream?near=" + at[0] + "," + at[1] + ",1")) {
            for (int i = 0; i < 2; i++) {
                HttpApi.Event event = stream.next(WAIT).orElseThrow(() -> new AssertionError("no event: " + stream.transcript()));
                assertEquals("urn:ngsi-ld:Streetlight:lamp-002", HttpApi.parse(event.data()).path("id").asText(),
                        "only the lamp within 1 m: " + event);
            }
        }
    }

    @Test
    void aStreamThatReconnectsWithLastEventIdMissesNothing() throws Exception {
        String path = "/api/stream?type=Streetlight,WasteContainer";
        try (HttpApi.EventStream steady = api.stream(path)) {
            HttpApi.Event lastSeen;
            try (HttpApi.EventStream dropping = api.stream(path)) {
                lastSeen = dropping.next(WAIT).orElseThrow(() -> new AssertionError("no event: " + dropping.transcript()));
            }
            // What the steady client gets after that event, while the other one is away: at least five events.
            List<HttpApi.Event> missed = new ArrayList<>();
            boolean after = false;
            while (missed.size() < 5) {
                HttpApi.Event event = steady.next(WAIT).orElseThrow(() -> new AssertionError("no event: " + steady.transcript()));
                if (after) {
                    missed.add(event);
                }
                after |= event.id().equals(lastSeen.id());
            }
            try (HttpApi.EventStream resumed = api.stream(path, lastSeen.id())) {
                assertEquals(200, resumed.response().statusCode());
                for (HttpApi.Event expected : missed) {
                    HttpApi.Event event = resumed.next(WAIT).orElseThrow(() -> new AssertionError("no event: " + resumed.transcript()));
                    assertEquals(expected, event, "resumed exactly after " + lastSeen.id() + ": " + resumed.transcript());
                }
            }
        }
        problem(api.get("/api/stream", "Last-Event-ID", "not-an-id"), 400, "Last-Event-ID");
    }

    @Test
    void aBadStreamFilterIsA400Problem() {
        problem(api.get("/api/stream?near=4.9,52.37"), 400, "'near'");
        problem(api.get("/api/stream?bbox=4,52,5"), 400, "'bbox'");
        problem(api.get("/api/stream?type="), 400, "'type'");
        problem(api.get("/api/stream?since=1"), 400, "'since'");
    }

    // --- what the API does not have

    @Test
    void wrongMethodsOnCommandsAndPluginsAre405Problems() {
        HttpResponse<String> get = api.get("/api/commands");
        problem(get, 405, "GET");
        assertEquals("POST", get.headers().firstValue("Allow").orElse(null));
        HttpResponse<String> post = api.send("POST", "/api/commands/some-id", HttpApi.JSON, "{}".getBytes(StandardCharsets.UTF_8));
        problem(post, 405, "POST");
        HttpResponse<String> delete = api.send("DELETE", "/api/plugins", null, (byte[]) null);
        problem(delete, 405, "DELETE");
    }

    @Test
    void anUnknownPathUnderApiIsA404Problem() {
        problem(api.get("/api/nothing-here"), 404, "/api/nothing-here");
        problem(api.get("/api"), 404, "/api");
        problem(api.get("/api/entities-and-more"), 404, "/api/entities-and-more");
    }

    @Test
    void wrongMethodsOnReadOnlyEndpointsAre405Problems() {
        byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
        List<HttpResponse<String>> wrong = List.of(
                api.send("POST", "/api/entities", HttpApi.JSON, json),
                api.send("DELETE", "/api/entities/StreetLight:lamp-001", null, (byte[]) null),
                api.send("DELETE", "/health", null, (byte[]) null),
                api.send("PUT", "/api/alerts", HttpApi.JSON, json),
                api.send("DELETE", "/api/devices/lamp-001", null, (byte[]) null),
                api.send("DELETE", "/api/notifications", null, (byte[]) null),
                api.send("POST", "/metrics", HttpApi.JSON, json),
                api.send("POST", "/api/stream", HttpApi.JSON, json),
                api.send("POST", "/api/config", HttpApi.JSON, json));
        for (HttpResponse<String> response : wrong) {
            problem(response, 405, response.request().method(), response.request().uri().getRawPath());
            assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(null), () -> response.toString());
        }
    }

    // --- helpers

    private List<JsonNode> entities(String query) {
        JsonNode page = json(api.get("/api/entities?" + query), 200);
        List<JsonNode> list = new ArrayList<>();
        page.path("entities").forEach(list::add);
        return list;
    }

    private List<JsonNode> alerts(String query) {
        List<JsonNode> list = new ArrayList<>();
        json(api.get("/api/alerts?limit=1000" + query), 200).path("alerts").forEach(list::add);
        return list;
    }

    private List<JsonNode> plugins() {
        List<JsonNode> list = new ArrayList<>();
        json(api.get("/api/plugins"), 200).path("plugins").forEach(list::add);
        return list;
    }

    private static Set<String> ids(List<JsonNode> nodes) {
        return ids(nodes, "id");
    }

    private static Set<String> ids(List<JsonNode> nodes, String field) {
        Set<String> ids = new HashSet<>();
        nodes.forEach(n -> ids.add(n.path(field).asText()));
        return ids;
    }

    private static double[] lonLat(JsonNode entity) {
        JsonNode c = entity.path("location").path("coordinates");
        return new double[] {c.get(0).asDouble(), c.get(1).asDouble()};
    }

    /** The great-circle distance by the haversine formula, on a sphere of the Earth's mean radius. */
    private static double metres(double[] a, double[] b) {
        double phi1 = Math.toRadians(a[1]);
        double phi2 = Math.toRadians(b[1]);
        double dPhi = phi2 - phi1;
        double dLambda = Math.toRadians(b[0] - a[0]);
        double h = Math.pow(Math.sin(dPhi / 2), 2) + Math.cos(phi1) * Math.cos(phi2) * Math.pow(Math.sin(dLambda / 2), 2);
        return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
