package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import nl.regie.runtime.devices.senml.SenmlLimits;
import nl.regie.runtime.spi.devices.DeviceDirectory;
import nl.regie.runtime.spi.devices.DeviceSnapshot;

import org.junit.jupiter.api.Test;

/**
 * Device ids that never sent a valid message: no known device, no entity, never online; counted in a bounded LRU, and
 * logged at most once a minute for all of them together.
 */
class UnknownDevicesTest extends MessageFixture {

    private DeviceBridge bridge(int maxUnknown) {
        return new DeviceBridge(new BridgeSettings(SITE, SenmlLimits.defaults(), 3.0, Duration.ofSeconds(300),
                DeviceRegistry.empty(), 100_000, Duration.ofSeconds(300), maxUnknown),
                (publisher, reading) -> readings.add(new Published(publisher, reading)), clock, log.logger());
    }

    @Test
    void twentyThousandIdsSendingOnlyRejectedPacksStayBoundedAndCounted() {
        DeviceBridge bridge = bridge(1_000);
        for (int i = 0; i < 20_000; i++) {
            send(bridge, PREFIX + "rogue-" + i + "/tele", "[{\"n\":\"fillingLevel\",\"u\":\"<script>\",\"v\":1}]");
            if (i % 2 == 0) {
                send(bridge, PREFIX + "rogue-" + i + "/tele", "not json");
            }
        }

        assertEquals(List.of(), bridge.devices(), "none of them is a known device");
        assertEquals(List.of(), readings, "nothing reached the bus: no entity, no 'online'");
        assertEquals(0, bridge.bridge().devices());
        DeviceDirectory.UnknownDevices unknown = bridge.unknownDevices();
        assertEquals(new DeviceDirectory.UnknownDevices(1_000, 1_000, 20_000, 30_000, 19_000), unknown);
        assertEquals(30_000, bridge.bridge().messagesReceived());
        assertEquals(0, bridge.bridge().unroutable(), "they are routable, just not valid");
        assertEquals(1, log.messages("warn").size(), "one line for all of them within the minute: " + log.entries().size());
        assertTrue(log.messages("warn").get(0).startsWith("Unknown device rogue-0 (never sent a valid message): refused"
                + " its telemetry message on " + PREFIX + "rogue-0/tele: invalid SenML: record 0: 'u' '<script>' is not in"
                + " the SenML Units registry"), log.messages("warn").get(0));

        clock.advance(Duration.ofSeconds(61));
        send(bridge, PREFIX + "rogue-x/tele", "[");
        assertEquals(2, log.messages("warn").size());
        assertTrue(log.messages("warn").get(1).endsWith("(and 29999 more messages of unknown devices since the last such"
                + " line; 1000 unknown ids counted now)"), log.messages("warn").get(1));
    }

    /**
     * What 20,000 made-up ids cost with the default bound of 10,000: a few megabytes of heap, the same as after
     * the first 10,000 (it was 75 MB, with an entity and an online device each, before the bound).
     */
    @Test
    void theHeapStaysBoundedWhateverTheNumberOfIds() throws InterruptedException {
        DeviceBridge bridge = bridge(BridgeSettings.DEFAULT_MAX_UNKNOWN_DEVICES);
        long before = usedHeapAfterGc();
        for (int i = 0; i < 10_000; i++) {
            send(bridge, PREFIX + "rogue-" + i + "/tele", "[{\"n\":\"x\",\"u\":\"<script>\",\"v\":1}]");
        }
        long half = usedHeapAfterGc();
        for (int i = 10_000; i < 20_000; i++) {
            send(bridge, PREFIX + "rogue-" + i + "/tele", "[{\"n\":\"x\",\"u\":\"<script>\",\"v\":1}]");
        }
        long after = usedHeapAfterGc();
        System.out.printf("20,000 unknown ids: used heap after GC %,d -> %,d (10,000) -> %,d bytes%n", before, half, after);
        assertEquals(10_000, bridge.unknownDevices().tracked());
        assertEquals(20_000, bridge.unknownDevices().messages());
        assertTrue(after - before < 16 * 1024 * 1024, "heap grew by " + (after - before) + " bytes");
        assertTrue(after - half < 4 * 1024 * 1024, "the second 10,000 ids replaced the first: " + (after - half));
        assertEquals(List.of(), readings);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    void theLeastRecentlyHeardIsForgottenFirst() {
        DeviceBridge bridge = bridge(2);
        send(bridge, PREFIX + "a/tele", "[");
        send(bridge, PREFIX + "b/tele", "[");
        send(bridge, PREFIX + "a/tele", "[");
        send(bridge, PREFIX + "c/tele", "[");

        assertEquals(new DeviceDirectory.UnknownDevices(2, 2, 3, 4, 1), bridge.unknownDevices());
    }

    @Test
    void aValidPackMakesAnUnknownDeviceKnownWithItsCountsFromThen() {
        DeviceBridge bridge = bridge(10);
        send(bridge, PREFIX + "bin-1/tele", "[{\"n\":\"fillingLevel\",\"u\":\"furlong\",\"v\":1}]");
        assertEquals(List.of(), bridge.devices());
        assertEquals(1, bridge.unknownDevices().tracked());

        send(bridge, PREFIX + "bin-1/tele", "[{\"bn\":\"urn:ngsi-ld:WasteContainer:bin-1:\",\"n\":\"fillingLevel\","
                + "\"u\":\"/\",\"v\":0.5}]");

        DeviceSnapshot device = bridge.device("bin-1").orElseThrow();
        assertEquals("online", device.state());
        assertEquals(1, device.counts().telemetryAccepted());
        assertEquals(0, bridge.unknownDevices().tracked(), "no longer unknown");
        assertEquals(List.of("online"), deviceStates("bin-1"));
        assertEquals(1, telemetryReadings().size());

        send(bridge, PREFIX + "bin-1/tele", "[");
        assertEquals(1, bridge.device("bin-1").orElseThrow().counts().telemetryRejected(),
                "a known device's rejections are its own again");
    }

    @Test
    void onlyAValidBirthMakesADeviceKnownFromItsStateTopic() {
        DeviceBridge bridge = bridge(10);
        send(bridge, PREFIX + "gw/state", "{\"online\": false}");
        send(bridge, PREFIX + "gw/state", "{\"online\": \"yes\"}");
        send(bridge, PREFIX + "gw/state", "");
        send(bridge, PREFIX + "gw/ack/cmd-1", "{\"status\": \"completed\"}");
        assertEquals(List.of(), bridge.devices());
        assertEquals(List.of(), readings);
        assertEquals(new DeviceDirectory.UnknownDevices(1, 10, 1, 4, 0), bridge.unknownDevices());

        send(bridge, PREFIX + "gw/state", "{\"online\": true, \"type\": \"WaterGauge\"}");

        assertNotNull(bridge.device("gw").orElse(null));
        assertEquals(List.of("online"), deviceStates("gw"));
        assertNull(bridge.device("nobody").orElse(null));
    }

    @Test
    void theBoundMustBePositive() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> bridge(0));
    }
}
