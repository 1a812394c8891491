package nl.regie.runtime.devices.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.testing.Mosquitto;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The bridge against a real Mosquitto, with Paho clients and Mosquitto's own clients as devices. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MosquittoBridgeTest {

    private static final String SITE = "testcity";
    private static final String PREFIX = "regie/v1/" + SITE + "/dev/";

    @TempDir
    Path tmp;

    private Mosquitto broker;
    private BridgeFixture fixture;

    @BeforeEach
    void startBroker() throws Exception {
        broker = Mosquitto.start(tmp);
    }

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private BridgeFixture bridge(String... registry) throws Exception {
        fixture = new BridgeFixture(broker.url(), SITE, registry).start();
        awaitSubscribed();
        return fixture;
    }

    /** Connected and subscribed: a probe message on a device topic comes through. */
    private void awaitSubscribed() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(fixture.connection::isConnected);
        MqttAsyncClient probe = Devices.paho(broker.url(), "probe", null);
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                Devices.publish(probe, PREFIX + "probe/tele", "[{\"n\":\"urn:ngsi-ld:Device:probe:x\",\"v\":1}]", false);
                return fixture.bridge.device("probe").isPresent();
            });
        } finally {
            probe.disconnect().waitForCompletion(5000);
            probe.close();
        }
    }

    private List<Reading> telemetryOf(String device) {
        return fixture.telemetry().stream().filter(r -> r.source().equals(device)).toList();
    }

    @Test
    void telemetryBecomesReadingsOnTheBus() throws Exception {
        bridge();
        MqttAsyncClient device = Devices.paho(broker.url(), "bin-001", null);
        for (int i = 0; i < 5; i++) {
            Devices.publish(device, PREFIX + "bin-001/tele", "[{\"bn\":\"urn:ngsi-ld:WasteContainer:bin-001:\",\"n\":"
                    + "\"fillingLevel\",\"u\":\"/\",\"v\":0." + i + "},{\"n\":\"temperature\",\"u\":\"Cel\",\"v\":2" + i + "}]",
                    false);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> telemetryOf("bin-001").size() == 10);
        List<Reading> readings = telemetryOf("bin-001");
        assertEquals(Value.of(0.0), readings.get(0).value());
        assertEquals(Value.of(24.0), readings.get(9).value());
        assertEquals(5, fixture.bridge.device("bin-001").orElseThrow().counts().telemetryAccepted());
        assertEquals(10L, fixture.bus.publishedBy().get("mqtt:bin-001") - 1, "10 readings and one deviceState");
        device.disconnect().waitForCompletion(5000);
        device.close();
    }

    @Test
    void badPacksAreRejectedWholeAndReportedWhileGoodOnesFlow() throws Exception {
        bridge();
        MqttAsyncClient device = Devices.paho(broker.url(), "lamp-1", null);
        String bad = "[{\"n\":\"urn:ngsi-ld:Streetlight:lamp-1:powerConsumption\",\"v\":40},{\"n\":\"urn:ngsi-ld:Streetlight:"
                + "lamp-1:illuminanceLevel\",\"v\":0.3,\"x_\":1}]";
        Devices.publish(device, PREFIX + "lamp-1/tele", "[{\"n\":\"urn:ngsi-ld:Streetlight:lamp-1:powerConsumption\",\"v\":41}]",
                false);
        Devices.publish(device, PREFIX + "lamp-1/tele", bad, false);
        Devices.publish(device, PREFIX + "lamp-1/tele", "[{\"n\":\"urn:ngsi-ld:Streetlight:lamp-1:powerConsumption\",\"v\":42}]",
                false);
        await().atMost(Duration.ofSeconds(10)).until(() -> telemetryOf("lamp-1").size() == 2);
        assertEquals(List.of(Value.of(41.0), Value.of(42.0)), telemetryOf("lamp-1").stream().map(Reading::value).toList());
        DeviceSnapshot snapshot = fixture.bridge.device("lamp-1").orElseThrow();
        assertEquals(1, snapshot.counts().telemetryRejected());
        assertEquals(2, snapshot.counts().telemetryAccepted());
        assertEquals(bad, snapshot.lastRejection().payload());
        assertTrue(snapshot.lastRejection().reason().contains("record 1"), snapshot.lastRejection().reason());
        device.disconnect().waitForCompletion(5000);
        device.close();
    }

    @Test
    void aDeviceReportingOnAnotherDevicesEntityIsRejected() throws Exception {
        bridge();
        MqttAsyncClient device = Devices.paho(broker.url(), "bin-001", null);
        Devices.publish(device, PREFIX + "bin-001/tele", "[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-001:fillingLevel\",\"v\":0}]",
                false);
        Devices.publish(device, PREFIX + "bin-001/tele", "[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-002:fillingLevel\",\"v\":1}]",
                false);
        await().atMost(Duration.ofSeconds(10)).until(() -> telemetryOf("bin-001").size() == 1
                && fixture.bridge.device("bin-001").orElseThrow().counts().telemetryRejected() == 1);
        assertEquals(EntityId.parse("urn:ngsi-ld:WasteContainer:bin-001"), telemetryOf("bin-001").get(0).entity());
        assertTrue(fixture.readings.stream().noneMatch(r -> r.entity().localId().equals("bin-002")));
        DeviceSnapshot snapshot = fixture.bridge.device("bin-001").orElseThrow();
        assertEquals(1, snapshot.counts().telemetryRejected());
        assertTrue(snapshot.lastRejection().reason().contains("may not report on urn:ngsi-ld:WasteContainer:bin-002"));
        device.disconnect().waitForCompletion(5000);
        device.close();
    }

    private String stateOf(String device) {
        return fixture.bridge.device(device).map(DeviceSnapshot::state).orElse("none");
    }

    private List<String> deviceStateReadings(String device) {
        return fixture.readings.stream()
                .filter(r -> r.attribute().equals(DeviceBridge.DEVICE_STATE) && r.entity().localId().equals(device))
                .map(r -> ((Value.Text) r.value()).value()).toList();
    }

    @Test
    void birthsWillsAndSilenceMakePresence() throws Exception {
        // A retained birth published before the bridge connects reaches it when it subscribes.
        MqttAsyncClient early = Devices.paho(broker.url(), "bin-009", PREFIX + "bin-009/state");
        Devices.publish(early, PREFIX + "bin-009/state", "{\"online\": true, \"type\": \"WasteContainer\", \"entities\":"
                + " [\"urn:ngsi-ld:WasteContainer:bin-009\"], \"location\": [4.89, 52.37], \"interval\": 300}", true);
        bridge();
        await().atMost(Duration.ofSeconds(10)).until(() -> stateOf("bin-009").equals("online"));
        assertEquals(Location.of(4.89, 52.37), fixture.bridge.device("bin-009").orElseThrow().location());
        assertTrue(fixture.bridge.entityTypes().contains("WasteContainer"));

        // The device dies without a goodbye: the broker publishes its will.
        early.disconnectForcibly(0, 0, false);
        early.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> stateOf("bin-009").equals("offline"));
        assertEquals(List.of("online", "offline"), deviceStateReadings("bin-009"));
        Reading offline = fixture.readings.stream().filter(r -> r.attribute().equals(DeviceBridge.DEVICE_STATE)
                && r.entity().localId().equals("bin-009")).toList().get(1);
        assertEquals(Location.of(4.89, 52.37), offline.location());

        // A device that announces a 0.1 s interval and then stays silent goes stale after 0.3 s.
        MqttAsyncClient quiet = Devices.paho(broker.url(), "gauge-1", PREFIX + "gauge-1/state");
        Devices.publish(quiet, PREFIX + "gauge-1/state", "{\"online\": true, \"interval\": 0.1}", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> stateOf("gauge-1").equals("online"));
        Instant silentSince = fixture.bridge.device("gauge-1").orElseThrow().lastSeen();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            fixture.bridge.checkPresence();
            return stateOf("gauge-1").equals("stale");
        });
        assertTrue(Duration.between(silentSince, Instant.now()).toMillis() >= 300);
        // It speaks: online again; a clean goodbye: offline.
        Devices.publish(quiet, PREFIX + "gauge-1/tele", "[{\"n\":\"urn:ngsi-ld:Device:gauge-1:batteryLevel\",\"v\":0.5}]", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> stateOf("gauge-1").equals("online"));
        Devices.publish(quiet, PREFIX + "gauge-1/state", "{\"online\": false}", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> stateOf("gauge-1").equals("offline"));
        assertEquals(List.of("online", "stale", "online", "offline"), deviceStateReadings("gauge-1"));
        quiet.disconnect().waitForCompletion(5000);
        quiet.close();
    }

    @Test
    void aRestartedBridgeLearnsItsDevicesFromTheRetainedBirthsAgain() throws Exception {
        bridge();
        MqttAsyncClient device = Devices.paho(broker.url(), "lamp-9", PREFIX + "lamp-9/state");
        Devices.publish(device, PREFIX + "lamp-9/state", "{\"online\": true, \"type\": \"Streetlight\", \"location\":"
                + " [4.9, 52.4]}", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> stateOf("lamp-9").equals("online"));
        fixture.close();
        // The same client id, so the broker resumes the bridge's session with its subscriptions.
        fixture = new BridgeFixture(broker.url(), SITE).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> stateOf("lamp-9").equals("online"));
        DeviceSnapshot lamp = fixture.bridge.device("lamp-9").orElseThrow();
        assertEquals("Streetlight", lamp.type());
        assertEquals(Location.of(4.9, 52.4), lamp.location());
        assertTrue(fixture.bridge.entityTypes().contains("Streetlight"));
        device.disconnect().waitForCompletion(5000);
        device.close();
    }

    @Test
    void mosquittoClientsAsThirdPartyDevices() throws Exception {
        Mosquitto.assumeInstalled(Mosquitto.PUB, Mosquitto.SUB);
        bridge();
        String host = "127.0.0.1";
        String port = Integer.toString(broker.port());
        // Birth and telemetry from mosquitto_pub.
        Devices.run(10, Mosquitto.PUB, "-h", host, "-p", port, "-q", "1", "-r", "-t", PREFIX + "lamp-7/state",
                "-m", "{\"online\": true, \"type\": \"Streetlight\", \"entities\": [\"urn:ngsi-ld:Streetlight:lamp-7\"]}");
        Devices.run(10, Mosquitto.PUB, "-h", host, "-p", port, "-q", "1", "-t", PREFIX + "lamp-7/tele",
                "-m", "[{\"bn\":\"urn:ngsi-ld:Streetlight:lamp-7:\",\"n\":\"powerConsumption\",\"u\":\"W\",\"v\":38.5}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> telemetryOf("lamp-7").size() == 1);
        assertEquals(Value.of(38.5), telemetryOf("lamp-7").get(0).value());
        assertEquals("W", telemetryOf("lamp-7").get(0).unit());

        // mosquitto_sub as the lamp's command channel: a persistent session subscribed first (-E: exit once
        // subscribed), so the command waits at the broker for the second mosquitto_sub, which prints it.
        String commandTopic = PREFIX + "lamp-7/cmd/+";
        Devices.run(10, Mosquitto.SUB, "-h", host, "-p", port, "-i", "lamp-7-cmd", "-c", "-q", "1", "-t", commandTopic, "-E");
        MqttActuationDriver driver = new MqttActuationDriver(fixture.bridge);
        Command command = new Command("dim-1", EntityId.parse("urn:ngsi-ld:Streetlight:lamp-7"), "dim",
                Map.of("level", Value.of(0.3)), Instant.now().plusSeconds(20));
        CompletableFuture<CommandResult> result = driver.execute(command).toCompletableFuture();
        String received = Devices.run(15, Mosquitto.SUB, "-h", host, "-p", port, "-i", "lamp-7-cmd", "-c", "-q", "1",
                "-t", commandTopic, "-C", "1", "-v", "-W", "10").trim();
        assertTrue(received.startsWith(PREFIX + "lamp-7/cmd/dim-1 {"), received);
        String json = received.substring(received.indexOf(' ') + 1);
        assertTrue(json.contains("\"id\":\"dim-1\"") && json.contains("\"target\":\"urn:ngsi-ld:Streetlight:lamp-7\"")
                && json.contains("\"action\":\"dim\"") && json.contains("\"parameters\":{\"level\":0.3}")
                && json.contains("\"deadline\":\"" + command.deadline() + "\""), json);
        assertTrue(!result.isDone());

        // mosquitto_pub answers: COMPLETED.
        Devices.run(10, Mosquitto.PUB, "-h", host, "-p", port, "-q", "1", "-t", PREFIX + "lamp-7/ack/dim-1",
                "-m", "{\"status\": \"completed\"}");
        CommandResult done = result.get(10, TimeUnit.SECONDS);
        assertEquals(CommandState.COMPLETED, done.state());
        // The same answer again is a duplicate, counted and ignored.
        Devices.run(10, Mosquitto.PUB, "-h", host, "-p", port, "-q", "1", "-t", PREFIX + "lamp-7/ack/dim-1",
                "-m", "{\"status\": \"completed\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.bridge.bridge().acksDuplicate() == 1);
    }

    @Test
    void aCommandWhileTheBrokerIsDownFailsAtOnce() throws Exception {
        bridge();
        Devices.run(10, Mosquitto.PUB, "-h", "127.0.0.1", "-p", Integer.toString(broker.port()), "-q", "1",
                "-t", PREFIX + "lamp-7/state", "-m", "{\"online\": true}");
        await().atMost(Duration.ofSeconds(10)).until(() -> stateOf("lamp-7").equals("online"));
        broker.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.connection.isConnected());
        Command command = new Command("dim-2", EntityId.parse("urn:ngsi-ld:Streetlight:lamp-7"), "dim", Map.of(),
                Instant.now().plusSeconds(20));
        CommandResult result = fixture.bridge.execute(command).toCompletableFuture().getNow(null);
        assertEquals(CommandState.FAILED, result.state());
        assertEquals("MQTT broker not connected", result.reason());
    }

    @Test
    void aThousandMalformedPayloadsLeaveTheBridgeWorkingAndMemoryFlat() throws Exception {
        bridge();
        MqttAsyncClient device = Devices.paho(broker.url(), "junk", null);
        String topic = PREFIX + "junk/tele";
        byte[][] junk = {
            Devices.utf8("{not json"),
            Devices.utf8("[{\"n\":\"urn:ngsi-ld:Device:junk:level\",\"v\":1,\"vs\":\"two values\"}]"),
            Devices.utf8("[{\"n\":\"urn:ngsi-ld:Device:other:level\",\"v\":1}]"),
            Devices.utf8("[{\"bver\":99,\"n\":\"urn:ngsi-ld:Device:junk:level\",\"v\":1}]"),
            Devices.utf8("[" + "{\"n\":\"urn:ngsi-ld:Device:junk:level\",\"v\":1},".repeat(40) + "]"),
            new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, 3},
            Devices.utf8("[{\"n\":\"urn:ngsi-ld:Device:junk:Level\",\"v\":1}]"),
            Devices.utf8("[{\"n\":\"urn:ngsi-ld:Device:junk:level\",\"v\":1,\"unknown_\":2}]"),
        };
        // Known first (a device that never sent a valid message is no device: UnknownDevicesTest), then warm up, so
        // that class loading and JIT do not count as growth.
        Devices.publish(device, topic, "[{\"n\":\"urn:ngsi-ld:Device:junk:batteryLevel\",\"v\":0.78}]", false);
        await().atMost(Duration.ofSeconds(20)).until(() -> telemetryOf("junk").size() == 1);
        for (int i = 0; i < 200; i++) {
            Devices.publish(device, topic, junk[i % junk.length], false);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> fixture.bridge.device("junk").orElseThrow().counts()
                .telemetryRejected() == 200);
        long before = usedHeapAfterGc();
        for (int i = 0; i < 1000; i++) {
            Devices.publish(device, topic, junk[i % junk.length], false);
        }
        Devices.publish(device, topic, "[{\"n\":\"urn:ngsi-ld:Device:junk:batteryLevel\",\"v\":0.77}]", false);
        await().atMost(Duration.ofSeconds(30)).until(() -> telemetryOf("junk").size() == 2);
        long after = usedHeapAfterGc();
        DeviceSnapshot snapshot = fixture.bridge.device("junk").orElseThrow();
        assertEquals(1200, snapshot.counts().telemetryRejected());
        assertEquals(2, snapshot.counts().telemetryAccepted());
        assertEquals(Value.of(0.77), telemetryOf("junk").get(1).value());
        long growth = after - before;
        System.out.printf("1,000 malformed payloads: used heap after GC %,d -> %,d bytes (growth %,d)%n", before, after,
                growth);
        assertTrue(growth < 5 * 1024 * 1024, "heap grew by " + growth + " bytes");
        // Rejections were logged, but not one line per payload.
        long warnings = fixture.log.messages("warn").stream().filter(m -> m.contains("Device junk")).count();
        assertTrue(warnings <= 2, warnings + " warnings");
        device.disconnect().waitForCompletion(5000);
        device.close();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    void theFirstConnectionIsRetriedUntilTheBrokerComesUp() throws Exception {
        broker.stop();
        fixture = new BridgeFixture(broker.url(), SITE).start();
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.log.messages("warn").stream()
                .anyMatch(m -> m.contains("not reachable")));
        broker.launch();
        awaitSubscribed();
        assertTrue(fixture.log.messages("info").stream().anyMatch(m -> m.contains("connected to " + broker.url())),
                fixture.log.entries().toString());
    }

    @Test
    void closingWhileTheBrokerIsAwayLeavesNoThreadBehind() throws Exception {
        bridge();
        assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().contains("regie-" + SITE)),
                "Paho names its threads after the client id");
        broker.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.connection.isConnected());
        fixture.close();
        fixture = null;
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(List.of(),
                Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().contains("regie-" + SITE))
                        .map(Thread::getName).toList()));
    }
}
