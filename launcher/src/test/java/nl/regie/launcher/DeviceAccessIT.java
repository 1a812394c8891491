package nl.regie.launcher;

import static nl.regie.launcher.HttpApi.await;
import static nl.regie.launcher.HttpApi.json;
import static nl.regie.launcher.HttpApi.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Devices authenticate, end to end, as issue 14 tried it as an attacker would: the launcher jar in a child process with
 * its embedded broker, devices given credentials over HTTP with the operator's token, and a hostile client on the same
 * machine. It cannot connect without a login or with a wrong one, cannot take another device's client id, publish as
 * a water gauge (a fake 2.6 m), read another device's commands, or win a command with a spoofed acknowledgement; its
 * own reading dated a day ahead is refused by the bridge; revoked, it is disconnected. Each refusal is in the broker's
 * log lines, the device's record or the audit log; and the well-behaved gauge loses nothing meanwhile.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceAccessIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SITE = "hostile";
    private static final int NOT_AUTHORIZED = 0x87;
    private static final int BAD_USER_NAME_OR_PASSWORD = 0x86;

    private Path workingDir;
    private LauncherProcess regie;
    private HttpApi api;
    private String url;

    @BeforeAll
    void startRegie() throws Exception {
        workingDir = TempFolders.create("regie-device-access");
        int port = freePort();
        int mqttPort = freePort();
        url = "tcp://127.0.0.1:" + mqttPort;
        regie = LauncherProcess.start(workingDir, "--http-port", Integer.toString(port), "--mqtt-port",
                Integer.toString(mqttPort), "--no-simulator", "--site", SITE,
                "--plugins", workingDir.resolve("plugins").toString(), "--state-dir", workingDir.resolve("state").toString());
        regie.awaitStdout(line -> line.startsWith("Regie ready"), Duration.ofSeconds(60));
        api = new HttpApi(port, regie.operatorToken());
    }

    @AfterAll
    void stopRegie() {
        if (regie != null) {
            regie.close();
        }
    }

    @Test
    void aHostileClientIsRefusedOrContainedAndAuditedWhileTheGoodGaugeLosesNothing() throws Exception {
        // Credentials only for the operator; the password is in the answer and nowhere else.
        HttpResponse anonymousProvisioning = new HttpResponse(new HttpApi(api.uri("/").getPort(), "not-a-token")
                .sendJson("POST", "/api/devices", "{\"id\": \"gauge-x\"}"));
        assertEquals(401, anonymousProvisioning.status(), anonymousProvisioning.body());
        ProvisionedDevice good = provision("gauge-b");
        ProvisionedDevice hostile = provision("gauge-a");
        Path passwd = workingDir.resolve("state").resolve("broker").resolve("passwd");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(passwd));
        assertFalse(Files.readString(passwd).contains(good.password()), "only hashes are kept");
        problem(api.sendJson("POST", "/api/devices", "{\"id\": \"gauge-b\"}"), 409, "gauge-b", "has credentials already");

        // The good gauge: a birth, then a pack now and then throughout, and it answers its commands.
        MqttTraffic.Client gaugeB = good.connect(url, true);
        gaugeB.subscribe(good.prefix() + "cmd/+", 1);
        gaugeB.publish(good.prefix() + "state", "{\"online\": true, \"type\": \"WaterObserved\", \"entities\":"
                + " [\"urn:ngsi-ld:WaterObserved:gauge-b\"], \"interval\": 60}", 1, true);
        List<Double> sent = new ArrayList<>();
        sent.add(publishLevel(gaugeB, good, 1.00, 0));

        // No login, a wrong one, another device's client id: refused by the broker; gauge-b stays connected.
        assertEquals(NOT_AUTHORIZED, refusal(() -> MqttTraffic.connect(url, "gauge-a", true, null)));
        assertEquals(BAD_USER_NAME_OR_PASSWORD, refusal(() -> MqttTraffic.connect(url, "gauge-a", true, null, "gauge-a",
                good.password())));
        assertEquals(NOT_AUTHORIZED, refusal(() -> MqttTraffic.connect(url, "gauge-b", true, null, "gauge-a",
                hostile.password())));
        sent.add(publishLevel(gaugeB, good, 1.01, 0));

        // Publishing as the gauge: a fake 2.6 m on gauge-b's topic is refused, and the client disconnected.
        try (MqttTraffic.Client a = hostile.connect(url, false)) {
            refusedPublish(a, good.prefix() + "tele", pack("gauge-b", 2.60, 86_400));
        }
        try (MqttTraffic.Client a = hostile.connect(url, false)) {
            assertEquals(NOT_AUTHORIZED, a.subscribeReason(good.prefix() + "cmd/+"), "gauge-b's commands");
            assertEquals(NOT_AUTHORIZED, a.subscribeReason("regie/v1/" + SITE + "/dev/+/tele"), "every device's telemetry");
        }
        sent.add(publishLevel(gaugeB, good, 1.02, 0));

        // Its own reading dated a day ahead would pin its level in the city state: the bridge refuses it.
        // (A valid pack first: a device id that never sent one is no device, and its refusals are not its own.)
        try (MqttTraffic.Client a = hostile.connect(url, false)) {
            a.publish(hostile.prefix() + "tele", pack("gauge-a", 0.29, 0), 1, false);
            a.publish(hostile.prefix() + "tele", pack("gauge-a", 2.60, 86_400), 1, false);
            a.publish(hostile.prefix() + "tele", pack("gauge-a", 0.30, 0), 1, false);
        }
        JsonNode level = await("gauge-a's own reading", WAIT,
                () -> entity("gauge-a").map(e -> e.path("attributes").path("waterLevel")));
        assertEquals(0.30, level.path("value").asDouble(), "the reading dated ahead never counted");
        JsonNode deviceA = json(api.get("/api/devices/gauge-a"), 200);
        assertEquals(1, deviceA.path("counts").path("telemetryRejected").asInt());
        assertTrue(deviceA.path("lastRejection").path("reason").asText().contains("s ahead of the runtime's clock"),
                deviceA.toString());

        // Spoofed acknowledgements: ten commands to gauge-b, each answered first by gauge-a, on gauge-b's topic (the
        // broker refuses) and on its own (the bridge refuses); gauge-b's own answer ends every one.
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = command("urn:ngsi-ld:WaterObserved:gauge-b");
            MqttTraffic.Received received = gaugeB.next(WAIT);
            assertNotNull(received, "gauge-b's command " + id);
            assertEquals(good.prefix() + "cmd/" + id, received.topic());
            try (MqttTraffic.Client a = hostile.connect(url, false)) {
                a.publish(hostile.prefix() + "ack/" + id, "{\"status\": \"rejected\", \"reason\": \"spoofed\"}", 1, false);
                refusedPublish(a, good.prefix() + "ack/" + id, "{\"status\": \"rejected\", \"reason\": \"spoofed\"}");
            }
            gaugeB.publish(good.prefix() + "ack/" + id, "{\"status\": \"completed\", \"reason\": \"reset by gauge-b\"}",
                    1, false);
            commands.add(id);
            if (i % 3 == 0) {
                sent.add(publishLevel(gaugeB, good, 1.03 + i / 100.0, 0));
            }
        }
        for (String id : commands) {
            JsonNode outcome = await("command " + id + " to end", WAIT, () -> {
                JsonNode state = json(api.get("/api/commands/" + id), 200);
                return state.path("final").asBoolean() ? Optional.of(state) : Optional.empty();
            });
            assertEquals("COMPLETED", outcome.path("state").asText(), outcome.toString());
        }
        await("gauge-a's spoofed acknowledgements counted", WAIT, () -> Optional.of(json(api.get("/api/devices/gauge-a"),
                200)).filter(d -> d.path("counts").path("acksRejected").asInt() == 10));

        // Revoked: its live connection goes, and it cannot come back.
        MqttTraffic.Client revoked = hostile.connect(url, false);
        assertEquals(204, api.send("DELETE", "/api/devices/gauge-a/credentials", null, (byte[]) null).statusCode());
        await("gauge-a disconnected", WAIT, () -> revoked.paho.isConnected() ? Optional.empty() : Optional.of(true));
        revoked.close();
        assertEquals(BAD_USER_NAME_OR_PASSWORD, refusal(() -> hostile.connect(url, false)));

        // The good gauge lost nothing: every pack it sent was taken, in order, and its level is its own.
        sent.add(publishLevel(gaugeB, good, 1.50, 0));
        JsonNode deviceB = await("every pack of gauge-b", WAIT, () -> Optional.of(json(api.get("/api/devices/gauge-b"),
                200)).filter(d -> d.path("counts").path("telemetryAccepted").asInt() == sent.size()));
        assertEquals(0, deviceB.path("counts").path("telemetryRejected").asInt());
        assertEquals(10, deviceB.path("counts").path("acksAccepted").asInt());
        assertEquals(1.50, entity("gauge-b").orElseThrow().path("attributes").path("waterLevel").path("value").asDouble());
        assertTrue(gaugeB.paho.isConnected(), "gauge-b was never pushed off");
        gaugeB.close();

        // Audited: the operator's provisioning and revocation, and what the bridge refused of gauge-a.
        JsonNode audit = json(api.get("/api/audit?kind=device&limit=1000"), 200);
        List<String> events = new ArrayList<>();
        audit.path("events").forEach(e -> events.add(e.path("actor").asText() + " " + e.path("action").asText() + " "
                + e.path("target").asText() + " " + e.path("outcome").asText()));
        assertTrue(events.contains("operator provision gauge-b issued"), events.toString());
        assertTrue(events.contains("operator provision gauge-b refused"), events.toString());
        assertTrue(events.contains("operator revoke gauge-a revoked"), events.toString());
        assertTrue(events.contains("gauge-a telemetry regie/v1/" + SITE + "/dev/gauge-a/tele rejected"), events.toString());
        // The broker's refusals, on the console as [mqtt-broker] lines.
        for (String refusal : List.of("refused the connection of client 'gauge-a' without a user name",
                "refused the connection of client 'gauge-b' as user 'gauge-a': a device connects with its device id",
                "refused a publish of client 'gauge-a': user 'gauge-a' may not publish on 'regie/v1/" + SITE
                        + "/dev/gauge-b/tele'")) {
            regie.awaitStderr(line -> line.contains("WARN [mqtt-broker] " + refusal), WAIT);
        }
    }

    @Test
    void badProvisioningRequestsAreRefusedAndChangeNothing() throws Exception {
        Path passwd = workingDir.resolve("state").resolve("broker").resolve("passwd");
        provision("lamp-1");
        String before = Files.readString(passwd);
        problem(api.sendJson("POST", "/api/devices", "{\"ids\": [\"lamp-2\", \"lamp-1\"]}"), 409, "lamp-1");
        problem(api.sendJson("POST", "/api/devices", "{\"id\": \"regie-bridge\"}"), 400, "kept for Regie's own");
        problem(api.sendJson("POST", "/api/devices", "{\"id\": \"lamp:3\"}"), 400, "':'");
        problem(api.sendJson("POST", "/api/devices", "{\"name\": \"lamp-3\"}"), 400, "unknown field");
        problem(api.sendJson("POST", "/api/devices", "[\"lamp-3\""), 400, "not valid JSON");
        problem(api.send("POST", "/api/devices", "application/xml", "<id/>".getBytes()), 415, "application/json");
        problem(api.send("DELETE", "/api/devices/lamp-9/credentials", null, (byte[]) null), 404, "lamp-9");
        assertEquals(before, Files.readString(passwd));
        // A file of ids, as an operator keeps one.
        JsonNode many = json(api.send("POST", "/api/devices", "text/plain",
                "# the lamps of the Dam\nlamp-10\nlamp-11\n".getBytes()), 201);
        assertEquals(2, many.path("devices").size());
        assertTrue(Files.readString(passwd).startsWith(before), "the lines already there stay as they were");
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** The response's status and body, for a request sent with another token. */
    private record HttpResponse(int status, String body) {
        HttpResponse(java.net.http.HttpResponse<String> response) {
            this(response.statusCode(), response.body());
        }
    }

    private ProvisionedDevice provision(String id) {
        JsonNode issued = json(api.sendJson("POST", "/api/devices", "{\"id\": \"" + id + "\"}"), 201);
        String telemetry = issued.path("topics").path("telemetry").asText();
        return new ProvisionedDevice(issued.path("id").asText(), issued.path("password").asText(),
                telemetry.substring(0, telemetry.length() - "tele".length()));
    }

    private Optional<JsonNode> entity(String gauge) {
        java.net.http.HttpResponse<String> response = api.get("/api/entities/urn:ngsi-ld:WaterObserved:" + gauge);
        return response.statusCode() == 200 ? Optional.of(HttpApi.parse(response)) : Optional.empty();
    }

    /** Sends a command over HTTP (once the bridge has a driver for the target's type) and returns its id. */
    private String command(String target) throws Exception {
        return await("a command to " + target + " taken", WAIT, () -> {
            JsonNode sent = json(api.sendJson("POST", "/api/commands", "{\"target\": \"" + target + "\", \"action\":"
                    + " \"reset\", \"timeoutSeconds\": 30}"), 202);
            return sent.path("state").asText().equals("REJECTED") ? Optional.empty() : Optional.of(sent.path("id").asText());
        });
    }

    private static double publishLevel(MqttTraffic.Client gauge, ProvisionedDevice device, double level, long ahead)
            throws MqttException {
        gauge.publish(device.prefix() + "tele", pack(device.id(), level, ahead), 1, false);
        return level;
    }

    private static String pack(String gauge, double level, long secondsAhead) {
        double time = Instant.now().plusSeconds(secondsAhead).toEpochMilli() / 1000.0;
        return String.format(Locale.ROOT, "[{\"bn\":\"urn:ngsi-ld:WaterObserved:%s:\",\"bt\":%.3f,\"n\":\"waterLevel\","
                + "\"u\":\"m\",\"v\":%.2f}]", gauge, time, level);
    }

    /** A publish the broker refuses: "not authorized" in its acknowledgement, and then it disconnects the client. */
    private static void refusedPublish(MqttTraffic.Client client, String topic, String payload) throws Exception {
        assertEquals(NOT_AUTHORIZED, client.publishReason(topic, payload), topic);
        await("the broker disconnects " + client.paho.getClientId(), WAIT,
                () -> client.paho.isConnected() ? Optional.empty() : Optional.of(true));
    }

    /** A connection attempt the broker must refuse; its reason code. */
    private static int refusal(org.junit.jupiter.api.function.Executable connect) {
        return assertThrows(MqttException.class, connect).getReasonCode();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
