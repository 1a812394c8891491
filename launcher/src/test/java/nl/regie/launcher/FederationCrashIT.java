package nl.regie.launcher;

import static nl.regie.launcher.HttpApi.await;
import static nl.regie.launcher.HttpApi.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import nl.regie.mqtt.access.FederationAccess;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The federation's outbox through a {@code kill -9} (issue 15): two launchers, Roeselare exporting a gauge's level to
 * Gent through Debian's Mosquitto with the generated credentials. The shared broker stops; the gauge reports
 * {@value #CUT} levels meanwhile, which wait in Roeselare's outbox; Roeselare is killed with SIGKILL and started again
 * on the same state folder; the broker comes back: Gent imports every level once (none lost, none twice: one sent
 * again is refused as a duplicate), the last one is Gent's, and the restarted Roeselare sent exactly what waited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FederationCrashIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration START = Duration.ofSeconds(150);
    private static final String GAUGE = "gauge-mandel";
    private static final int CUT = 25;

    private Path dir;
    private Path roeselareConfig;
    private SharedBroker broker;
    private LauncherProcess roeselare;
    private LauncherProcess gent;
    private HttpApi roeselareApi;
    private HttpApi gentApi;
    private String roeselareMqtt;

    @BeforeAll
    void startTwoSites() throws Exception {
        SharedBroker.assumeInstalled();
        dir = TempFolders.create("regie-federation-crash");
        Path access = dir.resolve("shared-broker");
        FederationAccess.of(Map.of("roeselare", Set.of("gent"), "gent", Set.of("roeselare")))
                .write(access, new SecureRandom());
        broker = new SharedBroker(dir, access);
        broker.start();

        roeselareConfig = TestJars.trustDemoKeys(dir.resolve("roeselare/config"));
        Files.writeString(roeselareConfig.resolve("nl.regie.runtime.policy.cfg"), String.join("\n",
                "devices = gauge-*=waterboard",
                "sites = gent",
                "exports = waterboard>gent WaterObserved/+/waterLevel",
                ""), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        federation(roeselareConfig, access.resolve("roeselare.credentials"));
        Path gentConfig = TestJars.trustDemoKeys(dir.resolve("gent/config"));
        Files.writeString(gentConfig.resolve("nl.regie.runtime.policy.cfg"), String.join("\n",
                "sites = roeselare",
                "imports = roeselare:waterboard WaterObserved/#",
                ""), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        federation(gentConfig, access.resolve("gent.credentials"));

        roeselare = startRoeselare();
        int gentHttp = freePort();
        gent = LauncherProcess.start(dir.resolve("gent"), "--site", "gent", "--no-simulator",
                "--http-port", Integer.toString(gentHttp), "--mqtt-port", Integer.toString(freePort()),
                "--config-dir", gentConfig.toString(), "--plugins",
                Files.createDirectories(dir.resolve("gent/plugins")).toString(),
                "--state-dir", dir.resolve("gent/state").toString());
        roeselare.awaitStdout(line -> line.startsWith("Regie ready"), START);
        gent.awaitStdout(line -> line.startsWith("Regie ready"), START);
        gentApi = new HttpApi(gentHttp, gent.operatorToken());
    }

    private LauncherProcess startRoeselare() throws Exception {
        int http = freePort();
        int mqtt = freePort();
        roeselareMqtt = "tcp://127.0.0.1:" + mqtt;
        LauncherProcess launcher = LauncherProcess.start(dir.resolve("roeselare"), "--site", "roeselare",
                "--no-simulator", "--http-port", Integer.toString(http), "--mqtt-port", Integer.toString(mqtt),
                "--config-dir", roeselareConfig.toString(), "--plugins",
                Files.createDirectories(dir.resolve("roeselare/plugins")).toString(),
                "--state-dir", dir.resolve("roeselare/state").toString());
        launcher.awaitStdout(line -> line.startsWith("Regie ready"), START);
        roeselareApi = new HttpApi(http, launcher.operatorToken());
        return launcher;
    }

    private void federation(Path config, Path credentials) throws IOException {
        Files.writeString(config.resolve("nl.regie.runtime.federation.cfg"), "broker = " + broker.url()
                + "\ncredentialsFile = " + credentials + "\nreconnectMaxSeconds = 2\n", StandardCharsets.UTF_8);
    }

    @AfterAll
    void stopAll() {
        for (LauncherProcess launcher : new LauncherProcess[] {roeselare, gent}) {
            if (launcher != null) {
                launcher.close();
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void whatWaitedForACutLinkSurvivesAKillOfTheExporterAndArrivesOnce() throws Exception {
        await("both links connected", WAIT, () -> connected(roeselareApi) && connected(gentApi) ? Optional.of(true)
                : Optional.empty());
        JsonNode issued = json(roeselareApi.sendJson("POST", "/api/devices", "{\"id\": \"" + GAUGE + "\"}"), 201);
        String telemetry = issued.path("topics").path("telemetry").asText();
        ProvisionedDevice gauge = new ProvisionedDevice(GAUGE, issued.path("password").asText(),
                telemetry.substring(0, telemetry.length() - "tele".length()));
        MqttTraffic.Client device = gauge.connect(roeselareMqtt, false);
        long base = Instant.now().getEpochSecond() - 600;
        device.publish(gauge.prefix() + "tele", pack(1.00, base), 1, false);
        await("the first level in Gent", WAIT, () -> Optional.of(imported()).filter(n -> n == 1));

        // The link is cut; the gauge goes on reporting, and what Roeselare exports waits in its outbox.
        broker.stop();
        await("Roeselare sees the link down", WAIT, () -> connected(roeselareApi) ? Optional.empty()
                : Optional.of(true));
        for (int i = 1; i <= CUT; i++) {
            device.publish(gauge.prefix() + "tele", pack(1.00 + i / 100.0, base + i), 1, false);
        }
        await("Roeselare holds every level it could not send", WAIT, () -> Optional.of(federation(roeselareApi))
                .filter(f -> f.path("links").get(0).path("queued").asInt() == CUT));
        device.close();

        // SIGKILL: no drain, no last snapshot, no audit. Then Roeselare starts again on the same state folder.
        assertEquals(137, roeselare.kill(WAIT), "kill -9");
        roeselare = startRoeselare();
        JsonNode after = federation(roeselareApi);
        assertEquals(CUT, after.path("links").get(0).path("queued").asInt(), () -> "what waited is queued again: " + after
                + "\n" + roeselare.transcript());
        broker.start();

        await("every level imported in Gent", WAIT, () -> Optional.of(imported()).filter(n -> n >= 1 + CUT));
        JsonNode exported = await("the restarted Roeselare sent what waited", WAIT, () -> Optional.of(
                federation(roeselareApi)).filter(f -> count(f.path("exports"), "exported") >= CUT));
        assertEquals(CUT, count(exported.path("exports"), "exported"), exported.toString());
        JsonNode gentFederation = federation(gentApi);
        assertEquals(1 + CUT, count(gentFederation.path("imports"), "imported"), gentFederation.toString());
        // Imported exactly 1 + CUT times: nothing twice on Gent's bus. The wire is QoS 1, at least once: a level whose
        // acknowledgement the cut or the kill swallowed is sent again and refused as a duplicate (counted), never
        // imported twice; on a loaded machine that happens, so the count of such refusals is not asserted.
        JsonNode level = HttpApi.parse(gentApi.get("/api/entities/urn:ngsi-ld:WaterObserved:" + GAUGE));
        assertEquals(1.00 + CUT / 100.0, level.path("attributes").path("waterLevel").path("value").asDouble(), 1e-9);
        assertTrue(roeselare.stdout().stream().anyMatch(l -> l.contains(CUT + " of " + CUT + " readings kept in"))
                || roeselare.stderr().stream().anyMatch(l -> l.contains(CUT + " of " + CUT + " readings kept in")),
                "the restart says what it found: " + roeselare.transcript());
    }

    private long imported() {
        return count(federation(gentApi).path("imports"), "imported");
    }

    private static String pack(double level, long second) {
        return String.format(Locale.ROOT, "[{\"bn\":\"urn:ngsi-ld:WaterObserved:%s:\",\"bt\":%d,\"n\":\"waterLevel\","
                + "\"u\":\"m\",\"v\":%.2f}]", GAUGE, second, level);
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
