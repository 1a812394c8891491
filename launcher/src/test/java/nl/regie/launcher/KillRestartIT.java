package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code kill -9} and a restart on the same state folder, as an operator would try it: the entities, the alerts
 * (active and resolved), the devices with their presence, and a command that was waiting for its device all come
 * back; the command, whose deadline passed while the runtime was down, ends EXPIRED, saying so, and is audited.
 */
class KillRestartIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration SOON = Duration.ofSeconds(30);

    @TempDir
    Path workingDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final List<LauncherProcess> launched = new ArrayList<>();
    private String token;
    private int port;

    @AfterEach
    void stopWhatIsStillRunning() {
        launched.forEach(LauncherProcess::close);
    }

    @Test
    void everythingComesBackAfterKill9AndACommandWhoseDeadlinePassedMeanwhileEndsExpired() throws Exception {
        Path plugins = Files.createDirectories(workingDir.resolve("plugins"));
        Path waste = Path.of(System.getProperty("regie.test.plugins"), "nl.regie.waste.jar");
        Files.copy(waste, plugins.resolve("nl.regie.waste.jar"), StandardCopyOption.REPLACE_EXISTING);
        port = freePort();
        int mqttPort = freePort();
        String url = "tcp://127.0.0.1:" + mqttPort;
        // The shipped waste plugin is signed with a demo key: the operator trusts it.
        Path config = TestJars.trustDemoKeys(workingDir.resolve("config"));
        String[] args = {"--http-port", Integer.toString(port), "--mqtt-port", Integer.toString(mqttPort),
            "--no-simulator", "--plugins", plugins.toString(), "--config-dir", config.toString(), "--state-dir",
            workingDir.resolve("state").toString()};

        LauncherProcess first = launch(args);
        first.awaitStdout(line -> line.startsWith("Regie ready"), START);
        token = first.operatorToken();

        // A lamp that announces itself and never answers commands; two bins, one of which burns and goes out.
        ProvisionedDevice lamp = ProvisionedDevice.provision(http, port, token, "it-lamp-1");
        ProvisionedDevice bin1 = ProvisionedDevice.provision(http, port, token, "it-bin-1");
        ProvisionedDevice bin2 = ProvisionedDevice.provision(http, port, token, "it-bin-2");
        try (MqttTraffic.Client client = lamp.connect(url, false)) {
            client.publish(lamp.prefix() + "state", "{\"online\": true, \"type\": \"Streetlight\", \"location\":"
                    + " [4.9, 52.37], \"interval\": 600}", 1, false);
        }
        first.awaitStdout(line -> line.contains("commands for Streetlight entities now go to their devices"), SOON);
        try (MqttTraffic.Client client = bin1.connect(url, false)) {
            client.publish(bin1.prefix() + "tele", temperature("it-bin-1", 70), 1, false);
            await("the fire alert of it-bin-1", () -> alerts("active").contains("fire-it-bin-1"));
            client.publish(bin1.prefix() + "tele", temperature("it-bin-1", 30), 1, false);
            await("the fire of it-bin-1 resolved", () -> alerts("resolved").contains("fire-it-bin-1"));
        }
        try (MqttTraffic.Client client = bin2.connect(url, false)) {
            client.publish(bin2.prefix() + "tele", temperature("it-bin-2", 75), 1, false);
            await("the fire alert of it-bin-2", () -> alerts("active").contains("fire-it-bin-2"));
        }
        HttpResponse<String> sent = post("/api/commands", "{\"id\": \"it-dim-1\", \"target\":"
                + " \"urn:ngsi-ld:Streetlight:it-lamp-1\", \"action\": \"dim\", \"parameters\": {\"level\": 0.3},"
                + " \"timeoutSeconds\": 10}");
        assertEquals(202, sent.statusCode(), sent.body());
        Instant deadline = Instant.parse(json.readTree(sent.body()).path("deadline").asText());
        assertEquals("ACCEPTED", body("/api/commands/it-dim-1").path("state").asText());

        JsonNode bins = body("/api/entities?type=WasteContainer");
        JsonNode alertEntities = body("/api/entities?type=Alert");
        JsonNode devices = body("/api/entities?type=Device");
        JsonNode allAlerts = body("/api/alerts?state=all");
        JsonNode lampDevice = body("/api/devices/it-lamp-1");
        assertEquals(2, bins.path("entities").size(), bins.toString());
        assertEquals(2, alertEntities.path("entities").size(), alertEntities.toString());

        assertEquals(137, first.kill(SOON), "killed by SIGKILL\n" + first.transcript());
        await("the command's deadline to pass while the runtime is down", () -> Instant.now().isAfter(deadline));

        LauncherProcess second = launch(args);
        second.awaitStdout(line -> line.startsWith("Regie ready"), START);
        token = second.operatorToken();

        JsonNode command = body("/api/commands/it-dim-1");
        assertEquals("EXPIRED", command.path("state").asText(), command.toString());
        assertTrue(command.path("reason").asText().startsWith("the runtime was down at the deadline " + deadline),
                command.toString());
        await("the expiry in the audit log", () -> audited("EXPIRED", "urn:ngsi-ld:Streetlight:it-lamp-1"));

        assertEquals(bins, body("/api/entities?type=WasteContainer"), "the bins as they were");
        assertEquals(alertEntities, body("/api/entities?type=Alert"), "the alerts' entities as they were");
        assertEquals(devices, body("/api/entities?type=Device"), "the devices' entities as they were");
        assertEquals(allAlerts, body("/api/alerts?state=all"), "active and resolved alerts as they were");
        assertTrue(alerts("active").contains("fire-it-bin-2") && alerts("resolved").contains("fire-it-bin-1"));
        JsonNode lampAgain = body("/api/devices/it-lamp-1");
        assertEquals("online", lampAgain.path("state").asText(), "its last known presence: " + lampAgain);
        for (String field : List.of("type", "location", "stateSince", "intervalSeconds")) {
            assertEquals(lampDevice.path(field), lampAgain.path(field), field + ": " + lampAgain);
        }
        assertEquals("online", body("/api/devices/it-bin-2").path("state").asText());
        assertTrue(second.stdout().stream().anyMatch(line -> line.contains("City state restored from")),
                second.transcript());
        assertEquals(0, second.terminate(SOON), second.transcript());
    }

    private static String temperature(String bin, double celsius) {
        return "[{\"bn\":\"urn:ngsi-ld:WasteContainer:" + bin + ":\",\"n\":\"temperature\",\"u\":\"Cel\",\"v\":" + celsius
                + "}]";
    }

    private String alerts(String state) throws IOException, InterruptedException {
        StringBuilder keys = new StringBuilder();
        body("/api/alerts?state=" + state).path("alerts").forEach(a -> keys.append(a.path("key").asText()).append(' '));
        return keys.toString();
    }

    private boolean audited(String outcome, String target) throws IOException, InterruptedException {
        for (JsonNode event : body("/api/audit?kind=command").path("events")) {
            if (event.path("outcome").asText().equals(outcome) && event.path("target").asText().equals(target)
                    && event.path("detail").asText().startsWith("the runtime was down")) {
                return true;
            }
        }
        return false;
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls a condition until it holds, for at most {@link #SOON}. */
    private static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + SOON.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }

    private JsonNode body(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return json.readTree(response.body());
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private LauncherProcess launch(String... args) throws IOException {
        LauncherProcess process = LauncherProcess.start(workingDir, args);
        launched.add(process);
        return process;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
