package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.runtime.devices.senml.SenmlLimits;
import nl.regie.runtime.spi.devices.DeviceDirectory.BridgeInfo;
import nl.regie.runtime.spi.devices.DeviceSnapshot;

import org.junit.jupiter.api.Test;

/** The bridge as coordinator, without a broker: what it knows from the start, and what it cannot attribute or handle. */
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
            send(bridge, PREFIX + "d" + i + "/tele", valid("d" + i));
        }
        assertEquals(2, bridge.devices().size());
        assertEquals(3, bridge.bridge().unroutable());
    }

    @Test
    void ignoredMessagesAreLoggedAtMostOnceAMinuteWithACountOfTheRest() {
        DeviceBridge bridge = new DeviceBridge(new BridgeSettings(SITE, SenmlLimits.defaults(), 3, Duration.ofSeconds(300),
                DeviceRegistry.empty(), 1), (p, r) -> readings.add(new Published(p, r)), clock, log.logger());
        send(bridge, PREFIX + "d1/tele", valid("d1"));
        send(bridge, PREFIX + "d2/tele", valid("d2"));
        clock.advance(Duration.ofSeconds(30));
        send(bridge, PREFIX + "d1/sideways", "[]");
        clock.advance(Duration.ofSeconds(30));
        send(bridge, PREFIX + "d3/tele", valid("d3"));
        List<String> lines = log.messages("warn").stream().filter(m -> m.startsWith("MQTT device bridge")).toList();
        assertEquals(List.of("MQTT device bridge: ignored a message: device d2 is beyond the 1 devices the bridge keeps"
                + " track of (message on " + PREFIX + "d2/tele dropped)",
                "MQTT device bridge: ignored a message: device d3 is beyond the 1 devices the bridge keeps track of"
                        + " (message on " + PREFIX + "d3/tele dropped) (and 1 more ignored messages since the last"
                        + " such line)"), lines);
        assertEquals(3, bridge.bridge().unroutable());
        assertEquals(4, bridge.bridge().messagesReceived());
    }

    @Test
    void aFailureWhileHandlingAMessageIsRejectedAsAnInternalError() {
        DeviceBridge bridge = new DeviceBridge(BridgeSettings.defaults(SITE), (p, r) -> {
            throw new IllegalStateException("bus closed");
        }, clock, log.logger());
        send(bridge, PREFIX + "d/tele", "[{\"n\":\"urn:ngsi-ld:Device:d:batteryLevel\",\"v\":0.5}]");
        assertEquals(List.of("Device d: unexpected failure handling a message on " + PREFIX + "d/tele"),
                log.messages("error"));
        assertInstanceOf(IllegalStateException.class, log.entries().get(0).exception());
        DeviceSnapshot device = bridge.device("d").orElseThrow();
        assertEquals(1, device.counts().telemetryRejected());
        assertEquals("internal error: java.lang.IllegalStateException: bus closed", device.lastRejection().reason());
        send(bridge, PREFIX + "d/state", "{\"online\": false}");
        assertEquals(1, bridge.device("d").orElseThrow().counts().stateRejected(), "counted as its kind");
    }

    @Test
    void theRegistrysDevicesAndTypesAreKnownBeforeAnyMessage() {
        DeviceBridge bridge = bridge("gw-1=urn:ngsi-ld:WaterObserved:g1,urn:ngsi-ld:WeatherObserved:w1");
        assertEquals(Set.of("WaterObserved", "WeatherObserved"), Set.copyOf(types));
        assertEquals(Set.of("WaterObserved", "WeatherObserved"), bridge.entityTypes());
        DeviceSnapshot gateway = bridge.device("gw-1").orElseThrow();
        assertEquals("unknown", gateway.state());
        assertEquals(List.of(EntityId.parse("urn:ngsi-ld:WaterObserved:g1"), EntityId.parse("urn:ngsi-ld:WeatherObserved:w1")),
                gateway.entities());
        assertEquals(new BridgeInfo(true, true, "tcp://127.0.0.1:1", "regie-demo", SITE, 0, 0, 0, 0, 1), bridge.bridge());
        outbound.connected = false;
        assertFalse(bridge.bridge().connected());
        assertEquals(List.of(PREFIX + "+/tele", PREFIX + "+/ack/+", PREFIX + "+/state"), bridge.topicFilters());
    }

    /** A pack the device may send: it makes the device known. */
    private static String valid(String device) {
        return "[{\"n\":\"urn:ngsi-ld:Device:" + device + ":batteryLevel\",\"u\":\"/\",\"v\":0.5}]";
    }
}
