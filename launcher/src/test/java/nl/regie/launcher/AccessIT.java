package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * HTTP access against the real launcher jar, bound beyond loopback with tokens in its configuration folder and a
 * data-sharing policy: bins belong to a waste contractor, the rest of the simulated city to the city, which grants the
 * police its crowd counts aggregated per zone. Every request needs a token; each party token sees exactly its share,
 * in queries and on the live stream.
 */
class AccessIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SOON = Duration.ofSeconds(45);
    private static final String OPS = "ops-secret-7f3a";
    private static final String WASTE = "waste-secret-91c2";
    private static final String POLICE = "police-secret-5d0e";
    private static final String LEAKED = "leaked-secret-2b8d";

    @TempDir
    static Path workingDir;

    private static LauncherProcess regie;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Path config = Files.createDirectories(workingDir.resolve("config"));
        writeTokens(config, true);
        Files.writeString(config.resolve("nl.regie.runtime.policy.cfg"), String.join("\n",
                "devices = bin-*=waste-co",
                "grants = city>police CrowdFlowObserved/+/peopleCount aggregate=2000", ""));
        InetAddress bind = nonLoopbackAddress().orElse(InetAddress.getByName("0.0.0.0"));
        String connect = bind.isAnyLocalAddress() ? "127.0.0.1" : bind.getHostAddress();
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, bind)) {
            port = socket.getLocalPort();
        }
        int mqttPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            mqttPort = socket.getLocalPort();
        }
        regie = LauncherProcess.start(workingDir, "--http-host", bind.getHostAddress(), "--http-port",
                Integer.toString(port), "--mqtt-port", Integer.toString(mqttPort), "--simulator-devices", "60",
                "--plugins", workingDir.resolve("plugins").toString());
        String ready = regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        assertTrue(ready.contains(" (bearer token required), MQTT "), ready);
        base = "http://" + connect + ":" + port;
    }

    /** The access list: the operator's, the waste company's and the police's tokens, and the leaked one if asked. */
    private static void writeTokens(Path config, boolean withLeaked) throws Exception {
        Files.writeString(config.resolve("nl.regie.runtime.access.cfg"), String.join("\n",
                "tokens = \\",
                "    ops city operator " + sha256(OPS) + ", \\",
                "    waste-app waste-co read:WasteContainer;read:CrowdFlowObserved " + sha256(WASTE) + ", \\",
                "    police-app police read:CrowdFlowObserved;read:WasteContainer " + sha256(POLICE)
                        + (withLeaked ? ", \\" : ""),
                withLeaked ? "    leaked-app waste-co read:WasteContainer " + sha256(LEAKED) : "", ""));
    }

    @AfterAll
    static void stop() {
        if (regie != null) {
            regie.close();
        }
    }

    /** An IPv4 address of this machine that is not loopback, if it has one that is up. */
    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            Optional<InetAddress> address = nic.inetAddresses().filter(a -> a instanceof Inet4Address
                    && !a.isLoopbackAddress() && !a.isLinkLocalAddress()).findFirst();
            if (address.isPresent()) {
                return address;
            }
        }
        return Optional.empty();
    }

    private static String sha256(String secret) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String path, String token) throws Exception {
        HttpResponse<String> response = get(path, token);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    /** Each entity's id with the names of its attributes. */
    private static Map<String, Set<String>> entities(String token, Predicate<JsonNode> attribute) throws Exception {
        Map<String, Set<String>> entities = new TreeMap<>();
        for (JsonNode entity : json("/api/entities?limit=10000", token).get("entities")) {
            Set<String> names = new TreeSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = entity.get("attributes").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> a = it.next();
                if (attribute.test(a.getValue())) {
                    names.add(a.getKey());
                }
            }
            if (!names.isEmpty()) {
                entities.put(entity.get("id").asText(), names);
            }
        }
        return entities;
    }

    private static void await(String what, Duration timeout, CheckedCondition condition) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                fail("not within " + timeout.toSeconds() + " s: " + what + "\n" + regie.transcript());
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    @FunctionalInterface
    private interface CheckedCondition {
        boolean holds() throws Exception;
    }

    @Test
    void beyondLoopbackEveryRequestNeedsAValidToken() throws Exception {
        HttpResponse<String> missing = get("/health", null);
        assertEquals(401, missing.statusCode(), missing.body());
        assertEquals(Optional.of("Bearer realm=\"regie\""), missing.headers().firstValue("WWW-Authenticate"));
        assertEquals(Optional.of("application/problem+json"), missing.headers().firstValue("Content-Type")
                .map(type -> type.split(";")[0]));
        assertEquals(401, JSON.readTree(missing.body()).get("status").asInt());
        assertEquals(401, get("/api/entities", null).statusCode());

        HttpResponse<String> wrong = get("/health", "not-a-token");
        assertEquals(401, wrong.statusCode(), wrong.body());
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));
        assertEquals(401, get("/health", sha256(OPS).substring(7)).statusCode(), "the digest is not the token");

        assertEquals(200, get("/health", OPS).statusCode());
        assertEquals(200, get("/health", POLICE).statusCode());
        assertEquals(200, get("/api/plugins", OPS).statusCode());
        HttpResponse<String> noScope = get("/api/plugins", POLICE);
        assertEquals(403, noScope.statusCode(), noScope.body());
        assertEquals("plugins", JSON.readTree(noScope.body()).get("scope").asText());
        assertEquals(403, get("/metrics", WASTE).statusCode());

        await("the refusals are in the audit log", SOON, () -> {
            JsonNode events = json("/api/audit?kind=access&limit=1000", OPS).get("events");
            boolean unauthorized = false;
            boolean forbidden = false;
            for (JsonNode event : events) {
                unauthorized |= event.get("outcome").asText().equals("401")
                        && event.get("target").asText().equals("/api/entities");
                forbidden |= event.get("outcome").asText().equals("403") && event.get("actor").asText().equals("police-app")
                        && event.get("target").asText().equals("/api/plugins");
            }
            return unauthorized && forbidden;
        });
        assertEquals(403, get("/api/audit", WASTE).statusCode());
    }

    @Test
    void aPartyTokenSeesExactlyItsShare() throws Exception {
        await("the operator sees bins and crowd counters", SOON, () -> {
            Set<String> ids = entities(OPS, a -> true).keySet();
            return ids.stream().anyMatch(id -> id.contains(":WasteContainer:"))
                    && ids.stream().anyMatch(id -> id.contains(":CrowdFlowObserved:"));
        });
        // The police's share: the city's crowd counts aggregated per zone, nothing else (the bins are the waste
        // contractor's, and the city grants the police nothing of them); the policy applies within a poll.
        await("the police sees crowd zones", SOON, () -> entities(POLICE, a -> true).keySet().stream()
                .anyMatch(id -> id.contains(":CrowdFlowObserved:zone-")));
        Map<String, Set<String>> police = entities(POLICE, a -> true);
        for (Map.Entry<String, Set<String>> entity : police.entrySet()) {
            assertTrue(entity.getKey().startsWith("urn:ngsi-ld:CrowdFlowObserved:zone-"), police.toString());
            assertEquals(Set.of("peopleCount"), entity.getValue(), police.toString());
        }
        JsonNode zone = json("/api/entities/" + police.keySet().iterator().next(), POLICE);
        assertEquals("CrowdFlowObserved", zone.get("type").asText());
        Map<String, Set<String>> operator = entities(OPS, a -> true);
        String crowd = operator.keySet().stream().filter(id -> id.contains(":CrowdFlowObserved:")).findFirst().orElseThrow();
        String bin = operator.keySet().stream().filter(id -> id.contains(":WasteContainer:")).findFirst().orElseThrow();
        assertEquals(404, get("/api/entities/" + crowd, POLICE).statusCode(), "a single counter is not the police's");
        assertEquals(404, get("/api/entities/" + bin, POLICE).statusCode(), "a bin is not the police's");
        assertEquals(404, get("/api/entities/" + crowd, WASTE).statusCode(), "no grant city>waste-co");

        // The waste contractor's share: its bins with every attribute its devices reported, and nothing of the city.
        // The simulator's bins report spread over its period, so a bin may appear between the two reads: read again
        // until a pair of reads agrees, then hold the contractor's list to the operator's.
        Map<String, Set<String>> waste = new TreeMap<>();
        Map<String, Set<String>> binsByOperator = new TreeMap<>();
        for (int attempt = 0; attempt < 10; attempt++) {
            waste = entities(WASTE, a -> true);
            binsByOperator = entities(OPS, a -> a.get("source").asText().startsWith("bin-"));
            binsByOperator.keySet().removeIf(id -> !id.contains(":WasteContainer:"));
            if (binsByOperator.keySet().equals(waste.keySet())) {
                break;
            }
        }
        assertEquals(binsByOperator.keySet(), waste.keySet());
        for (Map.Entry<String, Set<String>> entity : waste.entrySet()) {
            assertTrue(entity.getValue().containsAll(binsByOperator.get(entity.getKey())), entity.toString());
        }
        assertEquals(200, get("/api/entities/" + bin, WASTE).statusCode());
        JsonNode devices = json("/api/devices", WASTE).get("devices");
        assertFalse(devices.isEmpty());
        devices.forEach(d -> assertTrue(d.get("id").asText().startsWith("bin-"), d.toString()));
    }

    @Test
    void theStreamCarriesOnlyTheCallersShare() throws Exception {
        List<JsonNode> police = stream(POLICE, 5);
        for (JsonNode event : police) {
            assertTrue(event.get("id").asText().startsWith("urn:ngsi-ld:CrowdFlowObserved:zone-"), event.toString());
            assertEquals("peopleCount", event.get("attribute").asText(), event.toString());
        }
        List<JsonNode> waste = stream(WASTE, 5);
        for (JsonNode event : waste) {
            assertTrue(event.get("id").asText().startsWith("urn:ngsi-ld:WasteContainer:bin-"), event.toString());
        }
        HttpResponse<String> refused = get("/api/stream?type=Streetlight", POLICE);
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals("read:Streetlight", JSON.readTree(refused.body()).get("scope").asText());
    }

    @Test
    void aStreamEndsWhenItsTokenIsRevoked() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/stream"))
                .header("Authorization", "Bearer " + LEAKED).build();
        HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        Iterator<String> lines = response.body().iterator();
        java.util.concurrent.atomic.AtomicInteger events = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
            while (lines.hasNext()) {
                if (lines.next().startsWith("data:")) {
                    events.incrementAndGet();
                }
            }
        });
        await("the leaked token's stream to carry an event", SOON, () -> events.get() > 0);

        // The operator takes the leaked token out of the access list; the stream it opened ends on its own.
        writeTokens(workingDir.resolve("config"), false);
        try {
            ended.handle((done, reset) -> done).get(SOON.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            fail("the revoked token's stream was still open " + SOON.toSeconds() + " s after the access list changed");
        } finally {
            response.body().close();
        }
        assertEquals(401, get("/api/stream", LEAKED).statusCode());
        assertEquals(200, get("/api/entities?type=WasteContainer&limit=1", WASTE).statusCode(), "the others stand");
        JsonNode audit = json("/api/audit?limit=1000", OPS);
        assertTrue(audit.toString().contains("stream ended: the token was revoked or changed"), audit.toString());
    }

    /** The first {@code count} change events the stream sends this token. */
    private static List<JsonNode> stream(String token, int count) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/stream"))
                .header("Authorization", "Bearer " + token).build();
        HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
            Iterator<String> lines = response.body().iterator();
            while (events.size() < count && lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("data:")) {
                    try {
                        JsonNode data = JSON.readTree(line.substring(5).strip());
                        if (data.has("attribute")) {
                            events.add(data);
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(line, e);
                    }
                }
            }
        });
        try {
            reading.get(SOON.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            fail("the stream sent " + events.size() + " of " + count + " events within " + SOON.toSeconds() + " s: "
                    + events);
        } finally {
            response.body().close();
        }
        return new ArrayList<>(events);
    }

    @Test
    void aTokenWithoutCommandScopeCannotSendCommands() throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create(base + "/api/commands"))
                .header("Authorization", "Bearer " + POLICE).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"target\": \"urn:ngsi-ld:Streetlight:lamp-001\", \"action\": \"dim\"}")).build();
        HttpResponse<String> response = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
        assertEquals(403, response.statusCode(), response.body());
        JsonNode problem = JSON.readTree(response.body());
        assertEquals("command:<EntityType>", problem.get("scope").asText());
        assertTrue(problem.get("detail").asText().contains("police-app"), problem.toString());

        HttpRequest byOperator = HttpRequest.newBuilder(URI.create(base + "/api/commands"))
                .header("Authorization", "Bearer " + OPS).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"target\": \"urn:ngsi-ld:Streetlight:lamp-001\", \"action\": \"dim\"}")).build();
        assertEquals(202, HTTP.send(byOperator, HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
