package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.api.actuation.Command;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.devices.senml.SenmlLimits;
import nl.regie.runtime.testing.MutableClock;
import nl.regie.runtime.testing.RecordingLogger;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The base of the bridge's tests without a broker: messages go straight into {@link DeviceBridge#onMessage}, readings
 * are recorded with their publisher, commands go to a recording {@link MqttOutbound}, and the clock moves by hand.
 */
abstract class MessageFixture {

    static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    static final String SITE = "demo";
    static final String PREFIX = "regie/v1/demo/dev/";

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

    final MutableClock clock = new MutableClock(T0);
    final RecordingLogger log = new RecordingLogger();
    final List<Published> readings = new CopyOnWriteArrayList<>();
    final List<String> types = new CopyOnWriteArrayList<>();
    final FakeOutbound outbound = new FakeOutbound();
    final ObjectMapper json = new ObjectMapper();

    /** A bridge for site demo with these registry entries, attached to {@link #outbound}, telling {@link #types}. */
    DeviceBridge bridge(String... registry) {
        DeviceRegistry.Parsed parsed = DeviceRegistry.parse(registry);
        assertEquals(List.of(), parsed.problems());
        DeviceBridge bridge = new DeviceBridge(new BridgeSettings(SITE, SenmlLimits.defaults(), 3.0, Duration.ofSeconds(300),
                parsed.registry(), 1000), (publisher, reading) -> readings.add(new Published(publisher, reading)), clock,
                log.logger());
        bridge.attach(outbound, "tcp://127.0.0.1:1", "regie-demo");
        bridge.onEntityTypes(types::add);
        return bridge;
    }

    /** Makes devices known with a birth, as only a valid message does: what they send from then on is theirs. */
    static void born(DeviceBridge bridge, String... devices) {
        for (String device : devices) {
            send(bridge, PREFIX + device + "/state", "{\"online\": true}");
        }
    }

    static void send(DeviceBridge bridge, String topic, String payload) {
        bridge.onMessage(topic, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** The readings published other than presence. */
    List<Reading> telemetryReadings() {
        return readings.stream().map(Published::reading).filter(r -> !r.attribute().equals(DeviceBridge.DEVICE_STATE)).toList();
    }

    /** The presence announced for a device, in order. */
    List<String> deviceStates(String device) {
        return readings.stream().map(Published::reading)
                .filter(r -> r.attribute().equals(DeviceBridge.DEVICE_STATE) && r.entity().localId().equals(device))
                .map(r -> ((Value.Text) r.value()).value()).toList();
    }

    /** Command cmd-1: dim the target to 0.3, due {@code timeout} after T0. */
    Command command(String target, Duration timeout) {
        return new Command("cmd-1", EntityId.parse(target), "dim", Map.of("level", Value.of(0.3)), T0.plus(timeout));
    }
}
