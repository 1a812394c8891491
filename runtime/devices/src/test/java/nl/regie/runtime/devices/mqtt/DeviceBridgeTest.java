package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import nl.regie.runtime.devices.senml.SenmlLimits;

import org.junit.jupiter.api.Test;

/** The bridge's routing of messages without a broker: what it cannot attribute to a device. */
class DeviceBridgeTest extends MessageFixture {

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
}
