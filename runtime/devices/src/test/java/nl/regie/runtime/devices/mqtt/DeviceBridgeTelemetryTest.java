package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.devices.DeviceSnapshot;

import org.junit.jupiter.api.Test;

/** Telemetry: SenML packs into readings, the check of what a device may report on, and rejections. */
class DeviceBridgeTelemetryTest extends MessageFixture {

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
        born(bridge, "lamp-7");
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
        born(bridge, "d1");
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
        born(bridge, "bin-001");
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
        born(bridge, "noisy", "other");
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
        born(bridge, "d");
        String payload = "[" + "x".repeat(5000);
        send(bridge, PREFIX + "d/tele", payload);
        DeviceSnapshot.Rejection rejection = bridge.device("d").orElseThrow().lastRejection();
        assertEquals(1024, rejection.payload().length());
        assertEquals(5001, rejection.payloadBytes());
        assertTrue(rejection.truncated());
    }
}
