package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * NGSI-LD subscriptions and the temporal API of the real launcher jar, with tokens and a data-sharing policy: the
 * simulated bins belong to a waste contractor. The contractor's subscription notifies a webhook receiver on a free
 * loopback port (allowed by the operator's {@code allowedEndpoints}) with its bins; the parking company's
 * subscription to the same type receives nothing of them; an endpoint in the link-local network is refused; the
 * temporal API answers the contractor's bins' history and nothing to the parking company.
 */
class NgsiLdSubscriptionsIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String PARKING = "parking-secret-8e4a";
    private static final String WASTE = "waste-secret-c3f0";

    @TempDir
    static Path workingDir;

    private static LauncherProcess regie;
    private static String base;
    private static HttpServer webhook;
    private static final List<String> HOOKS = new CopyOnWriteArrayList<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant STARTED = Instant.now();

    @BeforeAll
    static void start() throws Exception {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/", exchange -> {
            HOOKS.add(exchange.getRequestURI().getPath() + " " + new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        Path config = Files.createDirectories(workingDir.resolve("config"));
        Files.writeString(config.resolve("nl.regie.runtime.access.cfg"), String.join("\n",
                "tokens = \\",
                "    parking-app parking read:* " + sha256(PARKING) + ", \\",
                "    waste-app waste-co read:WasteContainer " + sha256(WASTE), ""));
        Files.writeString(config.resolve("nl.regie.runtime.policy.cfg"), "devices = bin-*=waste-co\n");
        Files.writeString(config.resolve("nl.regie.runtime.ngsild.subscriptions.cfg"),
                "allowedEndpoints = 127.0.0.1\n");
        int port;
        int mqttPort;
        try (ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket mqtt = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = http.getLocalPort();
            mqttPort = mqtt.getLocalPort();
        }
        regie = LauncherProcess.start(workingDir, "--http-port", Integer.toString(port), "--mqtt-port",
                Integer.toString(mqttPort), "--simulator-devices", "30", "--plugins",
                workingDir.resolve("plugins").toString());
        regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        if (regie != null) {
            regie.close();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    private static String sha256(String secret) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> send(String method, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token)
                .header("Link", "<" + base + "/ngsi-ld/v1/jsonldContexts/regie-context.jsonld>;"
                        + " rel=\"http://www.w3.org/ns/json-ld#context\"");
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String subscription(String hook) {
        return "{\"type\": \"Subscription\", \"entities\": [{\"type\": \"WasteContainer\"}], \"watchedAttributes\":"
                + " [\"fillingLevel\"], \"notification\": {\"format\": \"keyValues\", \"endpoint\": {\"uri\":"
                + " \"http://127.0.0.1:" + webhook.getAddress().getPort() + hook + "\"}}}";
    }

    private static void await(BooleanSupplier condition, Duration within, String what) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " within " + within);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    @Test
    void eachPartysSubscriptionIsNotifiedOfWhatItMaySeeAndNothingElse() throws Exception {
        HttpResponse<String> waste = send("POST", "/ngsi-ld/v1/subscriptions", WASTE, subscription("/waste"));
        assertEquals(201, waste.statusCode(), waste.body());
        String wasteId = waste.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");
        HttpResponse<String> parking = send("POST", "/ngsi-ld/v1/subscriptions", PARKING, subscription("/parking"));
        assertEquals(201, parking.statusCode(), parking.body());
        String parkingId = parking.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", "");

        await(() -> HOOKS.stream().filter(h -> h.startsWith("/waste ")).count() >= 3, Duration.ofSeconds(60),
                "three notifications of the contractor's bins");
        String first = HOOKS.stream().filter(h -> h.startsWith("/waste ")).findFirst().orElseThrow();
        JsonNode notification = JSON.readTree(first.substring(first.indexOf(' ') + 1));
        assertEquals("Notification", notification.get("type").asText());
        assertEquals(wasteId, notification.get("subscriptionId").asText());
        assertTrue(notification.get("data").get(0).get("id").asText().startsWith("urn:ngsi-ld:WasteContainer:bin-"));
        assertTrue(notification.get("data").get(0).has("fillingLevel"), first);

        assertTrue(HOOKS.stream().noneMatch(h -> h.startsWith("/parking ")), "the parking company sees no bin");
        JsonNode parkingStatus = JSON.readTree(send("GET", "/ngsi-ld/v1/subscriptions/" + parkingId, PARKING, null)
                .body());
        assertEquals(0, parkingStatus.get("notification").get("timesSent").asInt(), parkingStatus.toString());
        JsonNode wasteStatus = JSON.readTree(send("GET", "/ngsi-ld/v1/subscriptions/" + wasteId, WASTE, null).body());
        assertTrue(wasteStatus.get("notification").get("timesSent").asInt() >= 3, wasteStatus.toString());
        assertEquals(404, send("GET", "/ngsi-ld/v1/subscriptions/" + wasteId, PARKING, null).statusCode());
    }

    @Test
    void anEndpointInTheCitysOwnNetworkIsRefused() throws Exception {
        HttpResponse<String> refused = send("POST", "/ngsi-ld/v1/subscriptions", WASTE, subscription("/x")
                .replace("http://127.0.0.1:" + webhook.getAddress().getPort() + "/x",
                        "http://169.254.169.254/latest/meta-data"));
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("https://uri.etsi.org/ngsi-ld/errors/BadRequestData", JSON.readTree(refused.body()).get("type")
                .asText());
        assertTrue(refused.body().contains("169.254.169.254"), refused.body());
    }

    @Test
    void theTemporalApiAnswersEachPartyWhatItMaySee() throws Exception {
        String path = "/ngsi-ld/v1/temporal/entities?type=WasteContainer&attrs=fillingLevel&timerel=after&timeAt="
                + URLEncoder.encode(STARTED.minusSeconds(60).toString(), StandardCharsets.UTF_8);
        await(() -> {
            try {
                return JSON.readTree(send("GET", path, WASTE, null).body()).size() > 0;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(60), "the bins' history");
        JsonNode bins = JSON.readTree(send("GET", path, WASTE, null).body());
        JsonNode instances = bins.get(0).get("fillingLevel");
        assertTrue(instances.isArray() && instances.size() > 0, bins.toString());
        assertEquals("Property", instances.get(0).get("type").asText());
        HttpResponse<String> parking = send("GET", path, PARKING, null);
        assertEquals(200, parking.statusCode());
        assertEquals(0, JSON.readTree(parking.body()).size(), parking.body());
    }
}
