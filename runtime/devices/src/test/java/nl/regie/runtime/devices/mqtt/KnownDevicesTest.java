package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class KnownDevicesTest {

    private static final DeviceRegistry REGISTRY = DeviceRegistry.parse(new String[] {
        "gw-1=urn:ngsi-ld:WaterObserved:g1", "gw-2=urn:ngsi-ld:WaterObserved:g2"}).registry();

    @Test
    void theRegistrysDevicesAreKnownFromTheStart() {
        KnownDevices devices = new KnownDevices(REGISTRY, 10);
        assertEquals(2, devices.size());
        assertTrue(devices.contains("gw-1"));
        assertEquals("gw-2", devices.get("gw-2").id());
        assertEquals(Set.of("gw-1", "gw-2"), devices.all().stream().map(DeviceStatus::id).collect(Collectors.toSet()));
        assertNull(devices.get("bin-001"));
        assertFalse(devices.contains("bin-001"));
    }

    @Test
    void aDeviceIsTrackedOnceAndKeepsItsRecord() {
        KnownDevices devices = new KnownDevices(DeviceRegistry.empty(), 10);
        DeviceStatus first = devices.track("bin-001");
        assertEquals("bin-001", first.id());
        assertSame(first, devices.track("bin-001"));
        assertSame(first, devices.get("bin-001"));
        assertEquals(1, devices.size());
    }

    @Test
    void beyondTheLimitNewDevicesAreRefusedAndKnownOnesStillFound() {
        KnownDevices devices = new KnownDevices(REGISTRY, 3);
        DeviceStatus third = devices.track("bin-001");
        assertNull(devices.track("bin-002"), "the registry's two count towards the limit");
        assertFalse(devices.contains("bin-002"));
        assertSame(third, devices.track("bin-001"));
        assertSame(devices.get("gw-1"), devices.track("gw-1"));
        assertEquals(3, devices.size());
    }
}
