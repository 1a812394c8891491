package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.devices.senml.SenmlLimits;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

/** Presence on its own: what each message and each check announces. */
class DevicePresenceTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final String TOPIC = "regie/v1/demo/dev/bin-001/state";

    private final List<Reading> announced = new CopyOnWriteArrayList<>();
    private final RecordingLogger log = new RecordingLogger();
    private final KnownDevices devices = new KnownDevices(DeviceRegistry.empty(), 10);
    private final EntityTypes types = new EntityTypes(log.logger());
    private final DevicePresence presence = new DevicePresence(new BridgeSettings("demo", SenmlLimits.defaults(), 2.0,
            Duration.ofSeconds(100), DeviceRegistry.empty(), 10), devices, new DeviceJson(), types,
            (publisher, reading) -> announced.add(reading), new Rejections(log.logger(), event -> { }));
    private final DeviceStatus bin = devices.track("bin-001");

    private void state(String payload, Instant at) {
        presence.onState(bin, TOPIC, payload.getBytes(StandardCharsets.UTF_8), at);
    }

    private List<String> states() {
        return announced.stream().map(r -> ((Value.Text) r.value()).value()).toList();
    }

    @Test
    void aDeviceHeardFromIsAnnouncedOnlineOnlyWhenItWasNot() {
        presence.heard(bin, T0);
        presence.heard(bin, T0.plusSeconds(1));
        assertEquals(List.of("online"), states());
        Reading online = announced.get(0);
        assertEquals(new Reading(EntityId.of("Device", "bin-001"), DeviceBridge.DEVICE_STATE, Value.of("online"), "", T0,
                T0, "bin-001", null), online);
        assertEquals(1, bin.snapshot(Set.of(), Duration.ZERO).counts().readingsPublished());
    }

    @Test
    void everyBirthIsAnnouncedWithItsLocationAndTeachesItsTypes() {
        state("{\"online\": true, \"type\": \"WasteContainer\", \"location\": [4.9, 52.37],"
                + " \"entities\": [\"urn:ngsi-ld:WeatherObserved:bin-001\"]}", T0);
        state("{\"online\": true}", T0.plusSeconds(1));
        assertEquals(List.of("online", "online"), states());
        assertEquals(Location.of(4.9, 52.37), announced.get(1).location(), "a birth without location keeps the last");
        assertEquals(Set.of("WasteContainer", "WeatherObserved"), types.all());
    }

    @Test
    void aWillMakesItOfflineAndAnEmptyPayloadSaysNothing() {
        state("{\"online\": true}", T0);
        state("{\"online\": false}", T0.plusSeconds(1));
        presence.onState(bin, TOPIC, new byte[0], T0.plusSeconds(2));
        assertEquals(List.of("online", "offline"), states());
        assertEquals("offline", bin.presence().text());
        assertEquals(2, bin.snapshot(Set.of(), Duration.ZERO).counts().stateMessages());
    }

    @Test
    void silenceBeyondTheIntervalTimesTheFactorMakesOnlineDevicesStale() {
        DeviceStatus lamp = devices.track("lamp-7");
        DeviceStatus gauge = devices.track("gauge-1");
        state("{\"online\": true, \"interval\": 10}", T0);
        presence.heard(lamp, T0);
        presence.heard(gauge, T0);
        presence.onState(gauge, TOPIC, "{\"online\": false}".getBytes(StandardCharsets.UTF_8), T0);
        announced.clear();

        presence.markSilentStale(T0.plusSeconds(20));
        assertEquals(List.of(), announced, "bin-001: 10 s x 2 is not yet over");
        presence.markSilentStale(T0.plusSeconds(21));
        presence.markSilentStale(T0.plusSeconds(200));
        assertEquals(List.of("stale"), states(), "lamp-7 has no interval of its own: 100 s x 2 is not yet over");
        presence.markSilentStale(T0.plusSeconds(201));
        presence.markSilentStale(T0.plusSeconds(5000));
        assertEquals(List.of("stale", "stale"), states(), "each once; gauge-1 is offline, not stale");
        assertEquals(List.of(EntityId.of("Device", "bin-001"), EntityId.of("Device", "lamp-7")),
                announced.stream().map(Reading::entity).toList());
        assertEquals(T0.plusSeconds(201), announced.get(1).observedAt());
        assertEquals("offline", gauge.presence().text());
    }

    @Test
    void aMalformedStateMessageIsRejectedAsSuch() {
        state("{\"online\": \"yes\"}", T0);
        state("{\"online\": true, \"interval\": 0}", T0);
        state("[", T0);
        assertEquals(List.of(), announced);
        DeviceSnapshot snapshot = bin.snapshot(Set.of(), Duration.ZERO);
        assertEquals(3, snapshot.counts().stateRejected());
        String reason = snapshot.lastRejection().reason();
        assertTrue(reason.startsWith("invalid state message: not valid JSON: "), reason);
        assertEquals(List.of("Device bin-001: rejected the message on " + TOPIC + ": invalid state message: 'online'"
                + " must be true or false"), log.messages("warn"));
    }
}
