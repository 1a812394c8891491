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
import nl.regie.runtime.devices.senml.SenmlParser;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

/** Telemetry on its own: packs from one device record into readings, or rejected whole. */
class DeviceTelemetryTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final String TOPIC = "regie/v1/demo/dev/lamp-7/tele";

    private final List<String> publishers = new CopyOnWriteArrayList<>();
    private final List<Reading> readings = new CopyOnWriteArrayList<>();
    private final RecordingLogger log = new RecordingLogger();
    private final DeviceTelemetry telemetry = new DeviceTelemetry(new SenmlParser(SenmlLimits.defaults()),
            new RecordNames(DeviceRegistry.empty()), (publisher, reading) -> {
                publishers.add(publisher);
                readings.add(reading);
            }, new Rejections(log.logger()));
    private final DeviceStatus lamp = new DeviceStatus("lamp-7");

    private void accept(String pack) {
        telemetry.accept(lamp, TOPIC, pack.getBytes(StandardCharsets.UTF_8), T0);
    }

    private DeviceSnapshot snapshot() {
        return lamp.snapshot(Set.of(), Duration.ofSeconds(300));
    }

    @Test
    void eachRecordBecomesAReadingOfTheDeviceWhereItsBirthSaidItIs() {
        Location at = Location.of(4.9, 52.37);
        lamp.birth(T0, "Streetlight", List.of(), at, null);
        accept("[{\"bn\":\"urn:ngsi-ld:Streetlight:lamp-7:\",\"n\":\"powerConsumption\",\"u\":\"W\",\"v\":40,\"t\":-5},"
                + "{\"n\":\"status\",\"vs\":\"ok\"}]");
        EntityId entity = EntityId.of("Streetlight", "lamp-7");
        assertEquals(List.of(
                new Reading(entity, "powerConsumption", Value.of(40), "W", T0.minusSeconds(5), T0, "lamp-7", at),
                new Reading(entity, "status", Value.of("ok"), "", T0, T0, "lamp-7", at)), readings);
        assertEquals(List.of("mqtt:lamp-7", "mqtt:lamp-7"), publishers);
        assertEquals(1, snapshot().counts().telemetryAccepted());
        assertEquals(2, snapshot().counts().readingsPublished());
    }

    @Test
    void oneRefusedRecordRejectsThePackWithNothingPublished() {
        accept("[{\"n\":\"urn:ngsi-ld:Streetlight:lamp-7:powerConsumption\",\"v\":40},"
                + "{\"n\":\"urn:ngsi-ld:Streetlight:lamp-8:powerConsumption\",\"v\":41}]");
        assertEquals(List.of(), readings);
        DeviceSnapshot snapshot = snapshot();
        assertEquals(0, snapshot.counts().telemetryAccepted());
        assertEquals(1, snapshot.counts().telemetryRejected());
        assertTrue(snapshot.lastRejection().reason().startsWith("record 1: device lamp-7 may not report on"
                + " urn:ngsi-ld:Streetlight:lamp-8"), snapshot.lastRejection().reason());
        assertEquals(1, log.messages("warn").size());
    }

    @Test
    void aPackTheParserRefusesIsRejectedWithTheParsersReason() {
        accept("[{\"n\":\"urn:ngsi-ld:Streetlight:lamp-7:powerConsumption\"}]");
        assertEquals(List.of(), readings);
        String reason = snapshot().lastRejection().reason();
        assertTrue(reason.startsWith("invalid SenML: record 0"), reason);
        assertEquals(TOPIC, snapshot().lastRejection().topic());
    }
}
