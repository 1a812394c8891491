package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.devices.DeviceSnapshot;

import org.junit.jupiter.api.Test;

/** Presence: births, wills and silence. */
class DeviceBridgePresenceTest extends MessageFixture {

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
        send(bridge, PREFIX + "d/state", "{\"online\": true}");
        readings.clear();
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
        assertEquals("online", bridge.device("d").orElseThrow().state());
        assertEquals(List.of(), readings);
        // An empty payload clears a retained birth: no statement, no error.
        bridge.onMessage(PREFIX + "d/state", new byte[0]);
        assertEquals(6, bridge.device("d").orElseThrow().counts().stateRejected());
    }

    @Test
    void malformedStateMessagesOfADeviceNeverHeardOfLeaveItUnknown() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "e/state", "{\"online\": \"yes\"}");
        send(bridge, PREFIX + "e/state", "{\"online\": true, \"location\": [200, 1]}");
        send(bridge, PREFIX + "e/state", "[true]");
        assertTrue(bridge.device("e").isEmpty());
        assertEquals(List.of(), readings);
        assertEquals(3, bridge.unknownDevices().messages());
    }
}
