package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The NGSI-LD API of the real launcher jar, over HTTP with tokens and a data-sharing policy: the simulated bins belong
 * to a waste contractor, the rest of the city to the city, which grants the parking company its streetlights. Each
 * party reads what {@code /api/entities} shows it and writes only its own entity types and entities; every refusal is
 * the standard's problem.
 */
class NgsiLdIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SOON = Duration.ofSeconds(30);
    private static final String OPS = "ops-secret-2b1d";
    private static final String PARKING = "parking-secret-8e4a";
    private static final String WASTE = "waste-secret-c3f0";
    private static final String VIEWER = "viewer-secret-0a9b";
    private static final String ERRORS = "https://uri.etsi.org/ngsi-ld/errors/";

    @TempDir
    static Path workingDir;

    private static LauncherProcess regie;
    private static String base;
    private static String regieContext;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Path config = Files.createDirectories(workingDir.resolve("config"));
        Files.writeString(config.resolve("nl.regie.runtime.access.cfg"), String.join("\n",
                "tokens = \\",
                "    ops city operator " + sha256(OPS) + ", \\",
                "    parking-app parking read:*;publish:ParkingSpot;publish:Streetlight " + sha256(PARKING) + ", \\",
                "    waste-app waste-co read:WasteContainer;publish:WasteContainer " + sha256(WASTE) + ", \\",
                "    viewer-app parking read:ParkingSpot " + sha256(VIEWER), ""));
        Files.writeString(config.resolve("nl.regie.runtime.policy.cfg"), String.join("\n",
                "devices = bin-*=waste-co",
                "grants = city>parking Streetlight/#", ""));
        int port;
        int mqttPort;
        try (ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket mqtt = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = http.getLocalPort();
            mqttPort = mqtt.getLocalPort();
        }
        regie = LauncherProcess.start(workingDir, "--http-port", Integer.toString(port), "--mqtt-port",
                Integer.toString(mqttPort), "--simulator-devices", "30", "--without", "history",
                "--plugins", workingDir.resolve("plugins").toString());
        regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        base = "http://127.0.0.1:" + port;
        regieContext = base + "/ngsi-ld/v1/jsonldContexts/regie-context.jsonld";
    }

    @AfterAll
    static void stop() {
        if (regie != null) {
            regie.close();
        }
    }

    private static String sha256(String secret) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> send(String method, String path, String token, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String link() {
        return "<" + regieContext + ">; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"";
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return send("GET", path, token, null, "Link", link());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode problem = JSON.readTree(response.body());
        assertEquals(type.equals("about:blank") ? type : ERRORS + type, problem.get("type").asText(), response.body());
        assertFalse(problem.get("detail").asText().isBlank(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
    }

    private static void await(String what, CheckedCondition condition) throws Exception {
        Instant deadline = Instant.now().plus(SOON);
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                fail("not within " + SOON.toSeconds() + " s: " + what + "\n" + regie.transcript());
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    @FunctionalInterface
    private interface CheckedCondition {
        boolean holds() throws Exception;
    }

    private static String spot(String local, double lon, double lat, int occupancy) {
        return "{\"id\": \"urn:ngsi-ld:ParkingSpot:" + local + "\", \"type\": \"ParkingSpot\","
                + " \"location\": {\"type\": \"GeoProperty\", \"value\": {\"type\": \"Point\", \"coordinates\": ["
                + lon + ", " + lat + "]}},"
                + " \"occupancy\": {\"type\": \"Property\", \"value\": " + occupancy + ", \"unitCode\": \"P1\"},"
                + " \"status\": {\"type\": \"Property\", \"value\": \"free\"}}";
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void createReadUpdateDeleteAsTheOwningParty() throws Exception {
        HttpResponse<String> created = send("POST", "/ngsi-ld/v1/entities", PARKING, spot("p1", 4.90, 52.37, 40));
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("/ngsi-ld/v1/entities/urn:ngsi-ld:ParkingSpot:p1", created.headers().firstValue("Location")
                .orElse(""));
        String path = "/ngsi-ld/v1/entities/urn:ngsi-ld:ParkingSpot:p1";
        await("the spot is in the city state", () -> get(path, PARKING).statusCode() == 200);
        assertProblem(send("POST", "/ngsi-ld/v1/entities", PARKING, spot("p1", 4.90, 52.37, 40)), 409,
                "AlreadyExists");

        JsonNode normalized = JSON.readTree(get(path, PARKING).body());
        assertEquals("ParkingSpot", normalized.get("type").asText());
        assertEquals("Property", normalized.get("occupancy").get("type").asText());
        assertEquals(40, normalized.get("occupancy").get("value").asInt());
        assertEquals("P1", normalized.get("occupancy").get("unitCode").asText());
        assertEquals("GeoProperty", normalized.get("location").get("type").asText());
        HttpResponse<String> keyValues = send("GET", path + "?options=keyValues", PARKING, null,
                "Accept", "application/ld+json", "Link", link());
        assertEquals("application/ld+json", keyValues.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        JsonNode kv = JSON.readTree(keyValues.body());
        assertEquals(40, kv.get("occupancy").asInt());
        assertEquals(regieContext, kv.get("@context").get(0).asText(), kv.toString());
        assertEquals("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.7.jsonld", kv.get("@context").get(1)
                .asText(), kv.toString());
        HttpResponse<String> json = get(path + "?format=concise", PARKING);
        assertTrue(json.headers().firstValue("Link").orElse("").contains(regieContext), json.headers().toString());
        assertProblem(send("GET", path, PARKING, null, "Accept", "text/xml"), 406, "NotAcceptable");

        assertEquals(204, send("PATCH", path + "/attrs", PARKING, "{\"occupancy\": {\"type\": \"Property\","
                + " \"value\": 55}}", "Link", link()).statusCode());
        await("the update shows", () -> JSON.readTree(get(path + "?options=keyValues", PARKING).body())
                .get("occupancy").asInt() == 55);
        HttpResponse<String> partial = send("POST", path + "/attrs?options=noOverwrite", PARKING,
                "{\"occupancy\": 1, \"capacity\": {\"type\": \"Property\", \"value\": 12}}", "Link", link());
        assertEquals(207, partial.statusCode(), partial.body());
        assertEquals("occupancy", JSON.readTree(partial.body()).get("notUpdated").get(0).get("attributeName").asText());
        assertEquals(204, send("PATCH", path + "/attrs/status", PARKING, "{\"value\": \"taken\"}", "Link", link())
                .statusCode());
        await("the append and the attribute patch show", () -> {
            JsonNode now = JSON.readTree(get(path + "?options=keyValues", PARKING).body());
            return now.path("capacity").asInt() == 12 && now.path("status").asText().equals("taken");
        });
        assertEquals(204, send("DELETE", path + "/attrs/capacity", PARKING, null, "Link", link()).statusCode());
        await("the attribute is gone", () -> !JSON.readTree(get(path, PARKING).body()).has("capacity"));
        assertEquals(204, send("DELETE", path, PARKING, null).statusCode());
        await("the entity is gone", () -> get(path, PARKING).statusCode() == 404);
        assertProblem(get(path, PARKING), 404, "ResourceNotFound");
    }

    @Test
    void writesNeedAPublishingScopeAndTheirOwnPartysEntities() throws Exception {
        assertEquals(401, send("GET", "/ngsi-ld/v1/entities?type=ParkingSpot", null, null).statusCode());
        assertProblem(send("POST", "/ngsi-ld/v1/entities", VIEWER, spot("v1", 4.9, 52.37, 1)), 403, "about:blank");
        assertProblem(send("POST", "/ngsi-ld/v1/entities", PARKING, "{\"id\": \"urn:ngsi-ld:WasteContainer:x\","
                + " \"type\": \"WasteContainer\", \"fillingLevel\": 0.5}", "Link", link()), 403, "about:blank");

        // The simulated streetlights are the city's; the city grants the parking company to see them, not to write.
        await("the parking company sees streetlights", () -> JSON.readTree(get(
                "/ngsi-ld/v1/entities?type=Streetlight&limit=1", PARKING).body()).size() == 1);
        String lamp = JSON.readTree(get("/ngsi-ld/v1/entities?type=Streetlight&limit=1", PARKING).body()).get(0)
                .get("id").asText();
        HttpResponse<String> theirs = send("PATCH", "/ngsi-ld/v1/entities/" + lamp + "/attrs", PARKING,
                "{\"powerState\": \"off\"}", "Link", link());
        assertProblem(theirs, 403, "about:blank");
        assertTrue(theirs.body().contains("belongs to party city"), theirs.body());
        assertProblem(send("DELETE", "/ngsi-ld/v1/entities/" + lamp, PARKING, null), 403, "about:blank");

        // The waste contractor writes its own bins (its devices' party), and cannot see the parking company's spots.
        await("the waste contractor sees bins", () -> JSON.readTree(get(
                "/ngsi-ld/v1/entities?type=WasteContainer&limit=1", WASTE).body()).size() == 1);
        String bin = JSON.readTree(get("/ngsi-ld/v1/entities?type=WasteContainer&limit=1", WASTE).body()).get(0)
                .get("id").asText();
        assertEquals(204, send("PATCH", "/ngsi-ld/v1/entities/" + bin + "/attrs", WASTE,
                "{\"fillingLevel\": {\"type\": \"Property\", \"value\": 0.99, \"unitCode\": \"P1\"}}",
                "Link", link()).statusCode());
        assertEquals(201, send("POST", "/ngsi-ld/v1/entities", PARKING, spot("hidden", 4.9, 52.37, 3)).statusCode());
        String hidden = "/ngsi-ld/v1/entities/urn:ngsi-ld:ParkingSpot:hidden";
        await("the spot is there", () -> get(hidden, PARKING).statusCode() == 200);
        assertEquals(200, get(hidden, VIEWER).statusCode(), "the same party, another token that reads the type");
        assertProblem(get(hidden, WASTE), 404, "ResourceNotFound");
        assertProblem(send("DELETE", hidden, WASTE, null), 403, "about:blank");
    }

    @Test
    void aPartySeesWhatApiEntitiesShowsIt() throws Exception {
        await("bins are there", () -> JSON.readTree(get("/ngsi-ld/v1/entities?type=WasteContainer&limit=1", WASTE)
                .body()).size() == 1);
        // The simulated bins appear one by one as their first packs arrive: the two views, read one after the other,
        // agree once no bin appeared between the two reads.
        for (String token : new String[] {WASTE, PARKING, OPS}) {
            await("the two views of " + token + " agree", () -> {
                Set<String> house = new TreeSet<>();
                JSON.readTree(send("GET", "/api/entities?type=WasteContainer&limit=1000", token, null).body())
                        .path("entities").forEach(e -> house.add(e.get("id").asText()));
                Set<String> ngsi = new TreeSet<>();
                JSON.readTree(get("/ngsi-ld/v1/entities?type=WasteContainer&limit=1000", token).body())
                        .forEach(e -> ngsi.add(e.get("id").asText()));
                return house.equals(ngsi);
            });
        }
        assertTrue(JSON.readTree(get("/ngsi-ld/v1/entities?type=WasteContainer&limit=1000", PARKING).body())
                .isEmpty(), "the bins are the waste contractor's, and nothing grants them to parking");
        JsonNode wasteTypes = JSON.readTree(get("/ngsi-ld/v1/types", WASTE).body());
        assertEquals("[\"WasteContainer\"]", wasteTypes.get("typeList").toString());
        JsonNode info = JSON.readTree(get("/ngsi-ld/v1/types/WasteContainer", WASTE).body());
        assertEquals("EntityTypeInfo", info.get("type").asText());
        // Bins appear as the simulated devices first report: the two counts agree once no new one came in between.
        await("the type's entity count is /api/entities' total", () -> JSON.readTree(send("GET",
                "/api/entities?type=WasteContainer&limit=1", WASTE, null).body()).get("total").asInt()
                == JSON.readTree(get("/ngsi-ld/v1/types/WasteContainer", WASTE).body()).get("entityCount").asInt());
        JsonNode attributes = JSON.readTree(get("/ngsi-ld/v1/attributes", WASTE).body());
        assertTrue(attributes.get("attributeList").toString().contains("\"fillingLevel\""), attributes.toString());
        JsonNode level = JSON.readTree(get("/ngsi-ld/v1/attributes/fillingLevel", WASTE).body());
        assertEquals("[\"WasteContainer\"]", level.get("typeNames").toString(), level.toString());
        assertEquals("https://smartdatamodels.org/dataModel.WasteManagement/fillingLevel", level.get("id").asText());
        assertProblem(get("/ngsi-ld/v1/types/ParkingSpot", WASTE), 404, "ResourceNotFound");
    }

    @Test
    void queriesWithQAndGeoAndTheirBadForms() throws Exception {
        String batch = "[" + spot("q1", 5.10, 52.10, 10) + "," + spot("q2", 5.101, 52.10, 90) + ","
                + spot("q3", 5.30, 52.10, 95) + ", {\"id\": \"urn:ngsi-ld:ParkingSpot:bad\", \"type\": \"Streetlight\","
                + " \"status\": \"x\"}]";
        HttpResponse<String> created = send("POST", "/ngsi-ld/v1/entityOperations/create", PARKING, batch);
        assertEquals(207, created.statusCode(), created.body());
        JsonNode outcome = JSON.readTree(created.body());
        assertEquals(3, outcome.get("success").size());
        assertEquals("urn:ngsi-ld:ParkingSpot:bad", outcome.get("errors").get(0).get("entityId").asText());
        assertEquals(ERRORS + "BadRequestData", outcome.get("errors").get(0).get("error").get("type").asText());
        String near = "/ngsi-ld/v1/entities?type=ParkingSpot&count=true&georel=" + encode("near;maxDistance==500")
                + "&geometry=Point&coordinates=" + encode("[5.10,52.10]");
        await("the spots are there", () -> JSON.readTree(get(near, PARKING).body()).size() == 2);
        HttpResponse<String> busy = get(near + "&q=" + encode("occupancy>50;status==\"free\""), PARKING);
        JsonNode found = JSON.readTree(busy.body());
        assertEquals(1, found.size(), busy.body());
        assertEquals("urn:ngsi-ld:ParkingSpot:q2", found.get(0).get("id").asText());
        assertEquals("1", busy.headers().firstValue("NGSILD-Results-Count").orElse(""));

        assertProblem(get(near + "&q=" + encode("(occupancy>50"), PARKING), 400, "InvalidRequest");
        assertProblem(get(near + "&q=" + encode("occupancy>>5"), PARKING), 400, "InvalidRequest");
        assertProblem(get("/ngsi-ld/v1/entities?type=ParkingSpot&limit=100000", PARKING), 400, "BadRequestData");
        assertProblem(get("/ngsi-ld/v1/entities?type=ParkingSpot&georel=within&geometry=Polygon&coordinates="
                + encode("[[[5,52],[5.2,52],[5.2,52.2],[5,52]]"), PARKING), 400, "BadRequestData");
        assertProblem(send("GET", "/ngsi-ld/v1/entities?type=ParkingSpot", PARKING, null, "Link",
                "<http://127.0.0.1:9/unknown.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\""), 503,
                "LdContextNotAvailable");
        assertProblem(send("POST", "/ngsi-ld/v1/entities", PARKING, "{not json"), 400, "InvalidRequest");
        assertProblem(get("/ngsi-ld/v1/entities", PARKING), 400, "BadRequestData");
    }
}
