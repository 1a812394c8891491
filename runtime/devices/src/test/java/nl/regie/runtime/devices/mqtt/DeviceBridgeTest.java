package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.devices.senml.SenmlLimits;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The bridge's logic without a broker: messages go in through {@link DeviceBridge#onMessage}. */
class DeviceBridgeTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final String SITE = "demo";
    private static final String PREFIX = "regie/v1/demo/dev/";

    /** Readings as published, with the publisher's name. */
    record Published(String publisher, Reading reading) {
    }

    /** An outbound connection that records what is published. */
    static final class FakeOutbound implements MqttOutbound {
        volatile boolean connected = true;
        final List<Object[]> published = new CopyOnWriteArrayList<>();

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public void publish(String topic, byte[] payload, int qos, boolean retained, long messageExpirySeconds) {
            published.add(new Object[] {topic, payload, qos, retained, messageExpirySeconds});
        }
    }

    private final MutableClock clock = new MutableClock(T0);
    private final RecordingLogger log = new RecordingLogger();
    private final List<Published> readings = new CopyOnWriteArrayList<>();
    private final List<String> types = new CopyOnWriteArrayList<>();
    private final FakeOutbound outbound = new FakeOutbound();
    private final ObjectMapper json = new ObjectMapper();

    private DeviceBridge bridge(String... registry) {
        DeviceRegistry.Parsed parsed = DeviceRegistry.parse(registry);
        assertEquals(List.of(), parsed.problems());
        DeviceBridge bridge = new DeviceBridge(new BridgeSettings(SITE, SenmlLimits.defaults(), 3.0, Duration.ofSeconds(300),
                parsed.registry(), 1000), (publisher, reading) -> readings.add(new Published(publisher, reading)), clock,
                log.logger());
        bridge.attach(outbound, "tcp://127.0.0.1:1", "regie-demo");
        bridge.onEntityTypes(types::add);
        return bridge;
    }

    private static void send(DeviceBridge bridge, String topic, String payload) {
        bridge.onMessage(topic, payload.getBytes(StandardCharsets.UTF_8));
    }

    private List<Reading> telemetryReadings() {
        return readings.stream().map(Published::reading).filter(r -> !r.attribute().equals(DeviceBridge.DEVICE_STATE)).toList();
    }

    private List<String> deviceStates(String device) {
        return readings.stream().map(Published::reading)
                .filter(r -> r.attribute().equals(DeviceBridge.DEVICE_STATE) && r.entity().localId().equals(device))
                .map(r -> ((Value.Text) r.value()).value()).toList();
    }

    @Test
    void aGoodPackBecomesReadings() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "bin-001/tele", "[{\"bn\":\"urn:ngsi-ld:WasteContainer:bin-001:\",\"bt\":1780308000,"
                + "\"n\":\"fillingLevel\",\"u\":\"/\",\"v\":0.42},{\"n\":\"temperature\",\"u\":\"Cel\",\"v\":21.5}]");

        List<Reading> got = telemetryReadings();
        assertEquals(2, got.size(), readings.toString());
        Reading level = got.get(0);
        assertEquals(EntityId.parse("urn:ngsi-ld:WasteContainer:bin-001"), level.entity());
        assertEquals("fillingLevel", level.attribute());
        assertEquals(Value.of(0.42), level.value());
        assertEquals("/", level.unit());
        assertEquals(Instant.ofEpochSecond(1780308000), level.observedAt());
        assertEquals(T0, level.receivedAt());
        assertEquals("bin-001", level.source());
        assertNull(level.location());
        assertEquals("temperature", got.get(1).attribute());
        assertEquals("Cel", got.get(1).unit());
        assertTrue(readings.stream().allMatch(p -> p.publisher().equals("mqtt:bin-001")));
        // The first message made the device known and online.
        assertEquals(List.of("online"), deviceStates("bin-001"));

        DeviceSnapshot device = bridge.device("bin-001").orElseThrow();
        assertEquals("online", device.state());
        assertEquals(T0, device.lastSeen());
        assertEquals(1, device.counts().telemetryAccepted());
        assertEquals(3, device.counts().readingsPublished());
        assertNull(device.lastRejection());
    }

    @Test
    void theDeviceMayReportOnItsOwnEntityAndOnAssignedOnes() {
        DeviceBridge bridge = bridge("gw-1=urn:ngsi-ld:WaterObserved:gauge-9,urn:ngsi-ld:WaterObserved:gauge-10");
        send(bridge, PREFIX + "gw-1/tele", "[{\"n\":\"urn:ngsi-ld:Device:gw-1:batteryLevel\",\"u\":\"/\",\"v\":0.9},"
                + "{\"n\":\"urn:ngsi-ld:WaterObserved:gauge-9:waterLevel\",\"u\":\"m\",\"v\":1.2},"
                + "{\"n\":\"urn:ngsi-ld:WaterObserved:gauge-10:waterLevel\",\"u\":\"m\",\"v\":0.7}]");
        assertEquals(3, telemetryReadings().size(), log.entries().toString());
        assertEquals(List.of("WaterObserved"), types);
        assertEquals(List.of(EntityId.parse("urn:ngsi-ld:WaterObserved:gauge-9"),
                EntityId.parse("urn:ngsi-ld:WaterObserved:gauge-10")), bridge.device("gw-1").orElseThrow().entities());
    }

    @Test
    void aPackWithOneBadRecordIsRejectedWhole() {
        DeviceBridge bridge = bridge();
        String pack = "[{\"n\":\"urn:ngsi-ld:Streetlight:lamp-7:powerConsumption\",\"u\":\"W\",\"v\":40},"
                + "{\"n\":\"urn:ngsi-ld:Streetlight:lamp-7:illuminanceLevel\",\"v\":0.8,\"vs\":\"x\"}]";
        send(bridge, PREFIX + "lamp-7/tele", pack);

        assertEquals(List.of(), telemetryReadings());
        DeviceSnapshot device = bridge.device("lamp-7").orElseThrow();
        assertEquals(0, device.counts().telemetryAccepted());
        assertEquals(1, device.counts().telemetryRejected());
        DeviceSnapshot.Rejection rejection = device.lastRejection();
        assertNotNull(rejection);
        assertEquals(pack, rejection.payload());
        assertEquals(PREFIX + "lamp-7/tele", rejection.topic());
        assertTrue(rejection.reason().startsWith("invalid SenML: record 1"), rejection.reason());
        assertEquals(T0, rejection.at());
        assertFalse(rejection.truncated());
        assertEquals(1, log.messages("warn").size());
        assertTrue(log.messages("warn").get(0).contains("lamp-7"), log.messages("warn").toString());
    }

    @Test
    void badNamesAndAttributesRejectThePack() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "d1/tele", "[{\"n\":\"fillingLevel\",\"v\":1}]");
        assertTrue(bridge.device("d1").orElseThrow().lastRejection().reason()
                .contains("must be {entity URN}:{attribute}"), bridge.device("d1").toString());
        send(bridge, PREFIX + "d1/tele", "[{\"n\":\"urn:ngsi-ld:Device:d1:Bad\",\"v\":1}]");
        assertTrue(bridge.device("d1").orElseThrow().lastRejection().reason().contains("attribute 'Bad'"));
        send(bridge, PREFIX + "d1/tele", "[{\"n\":\"urn:ngsi:Device:d1:level\",\"v\":1}]");
        assertTrue(bridge.device("d1").orElseThrow().lastRejection().reason().contains("must start with 'urn:ngsi-ld:'"),
                bridge.device("d1").orElseThrow().lastRejection().reason());
        send(bridge, PREFIX + "d1/tele", "not json at all");
        assertTrue(bridge.device("d1").orElseThrow().lastRejection().reason().startsWith("invalid SenML: "));
        assertEquals(4, bridge.device("d1").orElseThrow().counts().telemetryRejected());
        assertEquals(List.of(), telemetryReadings());
    }

    @Test
    void aDeviceReportingOnAnotherDevicesEntityIsRejected() {
        DeviceBridge bridge = bridge("bin-002=urn:ngsi-ld:WasteContainer:shared-9");
        send(bridge, PREFIX + "bin-001/tele", "[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-001:fillingLevel\",\"v\":0.1},"
                + "{\"n\":\"urn:ngsi-ld:WasteContainer:bin-002:fillingLevel\",\"v\":0.9}]");
        send(bridge, PREFIX + "bin-001/tele", "[{\"n\":\"urn:ngsi-ld:WasteContainer:shared-9:fillingLevel\",\"v\":0.9}]");
        send(bridge, PREFIX + "bin-001/tele", "[{\"n\":\"urn:ngsi-ld:Device:bin-002:batteryLevel\",\"v\":0.9}]");
        assertEquals(List.of(), telemetryReadings());
        DeviceSnapshot device = bridge.device("bin-001").orElseThrow();
        assertEquals(3, device.counts().telemetryRejected());
        assertTrue(device.lastRejection().reason().contains("may not report on urn:ngsi-ld:Device:bin-002"),
                device.lastRejection().reason());
    }

    @Test
    void rejectionsAreLoggedAtMostOnceAMinutePerDeviceWithACountOfTheRest() {
        DeviceBridge bridge = bridge();
        for (int i = 0; i < 100; i++) {
            send(bridge, PREFIX + "noisy/tele", "[");
            clock.advance(Duration.ofMillis(100));
        }
        send(bridge, PREFIX + "other/tele", "[");
        assertEquals(2, log.messages("warn").size(), log.messages("warn").toString());
        clock.advance(Duration.ofSeconds(60));
        send(bridge, PREFIX + "noisy/tele", "[");
        List<String> warnings = log.messages("warn");
        assertEquals(3, warnings.size());
        assertTrue(warnings.get(2).contains("and 99 more rejected messages"), warnings.get(2));
        assertEquals(101, bridge.device("noisy").orElseThrow().counts().telemetryRejected());
    }

    @Test
    void aLongRejectedPayloadIsKeptTruncatedToOneKibibyte() {
        DeviceBridge bridge = bridge();
        String payload = "[" + "x".repeat(5000);
        send(bridge, PREFIX + "d/tele", payload);
        DeviceSnapshot.Rejection rejection = bridge.device("d").orElseThrow().lastRejection();
        assertEquals(1024, rejection.payload().length());
        assertEquals(5001, rejection.payloadBytes());
        assertTrue(rejection.truncated());
    }

    @Test
    void birthsWillsAndSilenceMakePresence() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "bin-001/state", "{\"online\": true, \"type\": \"WasteContainer\", \"entities\":"
                + " [\"urn:ngsi-ld:WasteContainer:bin-001\"], \"location\": [4.9041, 52.3676], \"interval\": 60,"
                + " \"firmware\": \"1.2\"}");
        DeviceSnapshot device = bridge.device("bin-001").orElseThrow();
        assertEquals("online", device.state());
        assertEquals("WasteContainer", device.type());
        assertEquals(Location.of(4.9041, 52.3676), device.location());
        assertEquals(60, device.intervalSeconds());
        assertEquals(List.of("WasteContainer"), types);
        Reading online = readings.get(0).reading();
        assertEquals(EntityId.of("Device", "bin-001"), online.entity());
        assertEquals(Value.of("online"), online.value());
        assertEquals(Location.of(4.9041, 52.3676), online.location());
        assertEquals("mqtt:bin-001", readings.get(0).publisher());

        // Telemetry carries the birth's location.
        send(bridge, PREFIX + "bin-001/tele", "[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-001:fillingLevel\",\"v\":0.5}]");
        assertEquals(Location.of(4.9041, 52.3676), telemetryReadings().get(0).location());

        // Silent for interval x factor: not yet stale; a moment longer: stale.
        clock.advance(Duration.ofSeconds(180));
        bridge.checkPresence();
        assertEquals("online", bridge.device("bin-001").orElseThrow().state());
        clock.advance(Duration.ofSeconds(1));
        bridge.checkPresence();
        assertEquals("stale", bridge.device("bin-001").orElseThrow().state());
        bridge.checkPresence();
        assertEquals(List.of("online", "stale"), deviceStates("bin-001"));

        // It speaks again: online.
        send(bridge, PREFIX + "bin-001/tele", "[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-001:fillingLevel\",\"v\":0.6}]");
        assertEquals("online", bridge.device("bin-001").orElseThrow().state());

        // Its will: offline, and an offline device does not become stale.
        send(bridge, PREFIX + "bin-001/state", "{\"online\": false}");
        assertEquals("offline", bridge.device("bin-001").orElseThrow().state());
        clock.advance(Duration.ofHours(1));
        bridge.checkPresence();
        assertEquals(List.of("online", "stale", "online", "offline"), deviceStates("bin-001"));
        assertEquals(2, bridge.device("bin-001").orElseThrow().counts().stateMessages());
    }

    @Test
    void aDeviceWithoutBirthIsStaleAfterTheDefaultIntervalTimesTheFactor() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "d/tele", "[{\"n\":\"urn:ngsi-ld:Device:d:batteryLevel\",\"v\":0.5}]");
        clock.advance(Duration.ofSeconds(900));
        bridge.checkPresence();
        assertEquals("online", bridge.device("d").orElseThrow().state());
        clock.advance(Duration.ofSeconds(1));
        bridge.checkPresence();
        assertEquals("stale", bridge.device("d").orElseThrow().state());
    }

    @Test
    void malformedStateMessagesAreCountedAndReported() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "d/state", "{\"online\": \"yes\"}");
        send(bridge, PREFIX + "d/state", "{\"online\": true, \"location\": [200, 1]}");
        DeviceSnapshot device = bridge.device("d").orElseThrow();
        assertEquals(2, device.counts().stateRejected());
        assertTrue(device.lastRejection().reason().contains("longitude 200.0 must be between -180 and 180"),
                device.lastRejection().reason());
        send(bridge, PREFIX + "d/state", "{\"online\": true, \"entities\": [\"urn:ngsi-ld:Streetlight:lamp-1\"]}");
        device = bridge.device("d").orElseThrow();
        assertEquals(3, device.counts().stateRejected());
        assertTrue(device.lastRejection().reason().contains("may not speak for urn:ngsi-ld:Streetlight:lamp-1"));
        send(bridge, PREFIX + "d/state", "{\"online\": true, \"interval\": -5}");
        send(bridge, PREFIX + "d/state", "{\"online\": true} trailing");
        send(bridge, PREFIX + "d/state", "[true]");
        assertEquals(6, bridge.device("d").orElseThrow().counts().stateRejected());
        assertEquals("unknown", bridge.device("d").orElseThrow().state());
        assertEquals(List.of(), readings);
        // An empty payload clears a retained birth: no statement, no error.
        bridge.onMessage(PREFIX + "d/state", new byte[0]);
        assertEquals(6, bridge.device("d").orElseThrow().counts().stateRejected());
    }

    @Test
    void malformedTopicsAreCountedNotAttributed() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "bad device/tele", "[]");
        send(bridge, PREFIX + "d/unknown", "[]");
        send(bridge, "regie/v1/other/dev/d/tele", "[]");
        assertEquals(3, bridge.bridge().unroutable());
        assertEquals(3, bridge.bridge().messagesReceived());
        assertEquals(List.of(), bridge.devices());
        assertEquals(1, log.messages("warn").size());
    }

    @Test
    void devicesBeyondTheLimitAreNotTracked() {
        DeviceBridge bridge = new DeviceBridge(new BridgeSettings(SITE, SenmlLimits.defaults(), 3, Duration.ofSeconds(300),
                DeviceRegistry.empty(), 2), (p, r) -> readings.add(new Published(p, r)), clock, log.logger());
        for (int i = 0; i < 5; i++) {
            send(bridge, PREFIX + "d" + i + "/tele", "[");
        }
        assertEquals(2, bridge.devices().size());
        assertEquals(3, bridge.bridge().unroutable());
    }

    private Command command(String target, Duration timeout) {
        return new Command("cmd-1", EntityId.parse(target), "dim", Map.of("level", Value.of(0.3)), T0.plus(timeout));
    }

    @Test
    void aCommandIsPublishedToTheOwningDeviceAndEndsWithItsAck() throws Exception {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "lamp-7/state", "{\"online\": true, \"type\": \"Streetlight\"}");
        CompletableFuture<CommandResult> result = bridge.execute(command("urn:ngsi-ld:Streetlight:lamp-7",
                Duration.ofMillis(9_500))).toCompletableFuture();
        assertFalse(result.isDone());
        assertEquals(1, outbound.published.size());
        Object[] message = outbound.published.get(0);
        assertEquals(PREFIX + "lamp-7/cmd/cmd-1", message[0]);
        assertEquals(1, message[2]);
        assertEquals(false, message[3]);
        assertEquals(10L, message[4]);
        JsonNode body = json.readTree((byte[]) message[1]);
        assertEquals("cmd-1", body.get("id").textValue());
        assertEquals("urn:ngsi-ld:Streetlight:lamp-7", body.get("target").textValue());
        assertEquals("dim", body.get("action").textValue());
        assertEquals(0.3, body.get("parameters").get("level").doubleValue());
        assertEquals(T0.plusMillis(9_500).toString(), body.get("deadline").textValue());

        clock.advance(Duration.ofSeconds(1));
        send(bridge, PREFIX + "lamp-7/ack/cmd-1", "{\"status\": \"completed\"}");
        CommandResult done = result.getNow(null);
        assertEquals(CommandState.COMPLETED, done.state());
        assertEquals(T0.plusSeconds(1), done.at());

        send(bridge, PREFIX + "lamp-7/ack/cmd-1", "{\"status\": \"completed\"}");
        send(bridge, PREFIX + "lamp-7/ack/cmd-9", "{\"status\": \"completed\"}");
        DeviceSnapshot.Counts counts = bridge.device("lamp-7").orElseThrow().counts();
        assertEquals(1, counts.commandsSent());
        assertEquals(1, counts.acksAccepted());
        assertEquals(1, counts.acksDuplicate());
        assertEquals(1, counts.acksLate());
        assertEquals(1, bridge.bridge().acksDuplicate());
        assertEquals(1, bridge.bridge().acksLate());
    }

    @Test
    void rejectedAndFailedAcksCarryTheDevicesReason() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "lamp-7/state", "{\"online\": true}");
        CompletableFuture<CommandResult> rejected = bridge.execute(command("urn:ngsi-ld:Streetlight:lamp-7",
                Duration.ofSeconds(10))).toCompletableFuture();
        send(bridge, PREFIX + "lamp-7/ack/cmd-1", "{\"status\": \"rejected\", \"reason\": \"level out of range\"}");
        assertEquals(CommandState.REJECTED, rejected.getNow(null).state());
        assertEquals("level out of range", rejected.getNow(null).reason());

        Command second = new Command("cmd-2", EntityId.parse("urn:ngsi-ld:Streetlight:lamp-7"), "dim", Map.of(),
                T0.plusSeconds(10));
        CompletableFuture<CommandResult> failed = bridge.execute(second).toCompletableFuture();
        send(bridge, PREFIX + "lamp-7/ack/cmd-2", "{\"status\": \"failed\"}");
        assertEquals(CommandState.FAILED, failed.getNow(null).state());
        assertEquals("device lamp-7 failed to carry out the command", failed.getNow(null).reason());

        Command third = new Command("cmd-3", EntityId.parse("urn:ngsi-ld:Streetlight:lamp-7"), "dim", Map.of(),
                T0.plusSeconds(10));
        CompletableFuture<CommandResult> garbled = bridge.execute(third).toCompletableFuture();
        send(bridge, PREFIX + "lamp-7/ack/cmd-3", "{\"status\": \"done\"}");
        assertEquals(CommandState.FAILED, garbled.getNow(null).state());
        assertTrue(garbled.getNow(null).reason().contains("invalid acknowledgement"), garbled.getNow(null).reason());
        assertEquals(1, bridge.device("lamp-7").orElseThrow().counts().acksRejected());
    }

    @Test
    void anAckFromAnotherDeviceDoesNotEndTheCommand() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "lamp-7/state", "{\"online\": true}");
        CompletableFuture<CommandResult> result = bridge.execute(command("urn:ngsi-ld:Streetlight:lamp-7",
                Duration.ofSeconds(10))).toCompletableFuture();
        send(bridge, PREFIX + "lamp-8/ack/cmd-1", "{\"status\": \"completed\"}");
        assertFalse(result.isDone());
        assertEquals(1, bridge.device("lamp-8").orElseThrow().counts().acksRejected());
        send(bridge, PREFIX + "lamp-7/ack/cmd-1", "{\"status\": \"completed\"}");
        assertEquals(CommandState.COMPLETED, result.getNow(null).state());
    }

    @Test
    void anAckAfterTheDeadlineIsLate() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "lamp-7/state", "{\"online\": true}");
        CompletableFuture<CommandResult> result = bridge.execute(command("urn:ngsi-ld:Streetlight:lamp-7",
                Duration.ofSeconds(5))).toCompletableFuture();
        clock.advance(Duration.ofSeconds(6));
        bridge.checkPresence();
        assertEquals(CommandState.EXPIRED, result.getNow(null).state());
        send(bridge, PREFIX + "lamp-7/ack/cmd-1", "{\"status\": \"completed\"}");
        assertEquals(1, bridge.device("lamp-7").orElseThrow().counts().acksLate());
        assertEquals(0, bridge.device("lamp-7").orElseThrow().counts().acksAccepted());
    }

    @Test
    void aCommandForAnEntityWithoutKnownDeviceIsRejected() {
        DeviceBridge bridge = bridge();
        CommandResult result = bridge.execute(command("urn:ngsi-ld:Streetlight:lamp-7", Duration.ofSeconds(5)))
                .toCompletableFuture().getNow(null);
        assertEquals(CommandState.REJECTED, result.state());
        assertTrue(result.reason().startsWith("no known device owns urn:ngsi-ld:Streetlight:lamp-7"), result.reason());
        assertEquals(List.of(), outbound.published);
    }

    @Test
    void theRegistryRoutesCommandsToItsDevice() {
        DeviceBridge bridge = bridge("group-ctl=urn:ngsi-ld:StreetlightGroup:zone-3");
        bridge.execute(command("urn:ngsi-ld:StreetlightGroup:zone-3", Duration.ofSeconds(5)));
        assertEquals(PREFIX + "group-ctl/cmd/cmd-1", outbound.published.get(0)[0]);
        assertEquals(List.of("StreetlightGroup"), types);
        assertEquals("unknown", bridge.device("group-ctl").orElseThrow().state());
    }

    @Test
    void aCommandWhileTheBrokerIsDisconnectedFailsAtOnce() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "lamp-7/state", "{\"online\": true}");
        outbound.connected = false;
        CommandResult result = bridge.execute(command("urn:ngsi-ld:Streetlight:lamp-7", Duration.ofSeconds(5)))
                .toCompletableFuture().getNow(null);
        assertEquals(CommandState.FAILED, result.state());
        assertEquals("MQTT broker not connected", result.reason());
    }

    @Test
    void registryEntriesThatAreMalformedAreSkippedWithTheReason() {
        DeviceRegistry.Parsed parsed = DeviceRegistry.parse(new String[] {
            "gw-1=urn:ngsi-ld:WaterObserved:g1", "no-equals", "bad id=urn:ngsi-ld:X:y", "gw-2=urn:ngsi:X:y",
            "gw-3=urn:ngsi-ld:WaterObserved:g1", "gw-4=", " ", "gw-1=urn:ngsi-ld:WaterObserved:g2"});
        List<String> problems = new ArrayList<>(parsed.problems());
        assertEquals(5, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("'no-equals'") && problems.get(0).contains("deviceId=urn1,urn2"));
        assertTrue(problems.get(1).contains("device id 'bad id'"));
        assertTrue(problems.get(2).contains("must start with 'urn:ngsi-ld:'"));
        assertTrue(problems.get(3).contains("already assigned to device gw-1"));
        assertTrue(problems.get(4).contains("empty"));
        assertEquals(2, parsed.registry().assigned("gw-1").size());
    }
}
