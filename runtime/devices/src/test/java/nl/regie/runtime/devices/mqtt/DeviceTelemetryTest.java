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
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

/** Telemetry on its own: packs from one device record into readings, or rejected whole. */
class DeviceTelemetryTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final String TOPIC = "regie/v1/demo/dev/lamp-7/tele";

    private final List<String> publishers = new CopyOnWriteArrayList<>();
    private final List<Reading> readings = new CopyOnWriteArrayList<>();
    private final RecordingLogger log = new RecordingLogger();
    private final RecordingAuditLog audit = new RecordingAuditLog();
    private final DeviceTelemetry telemetry = new DeviceTelemetry(new SenmlParser(SenmlLimits.defaults()),
            new RecordNames(DeviceRegistry.empty()), Duration.ofSeconds(300), (publisher, reading) -> {
                publishers.add(publisher);
                readings.add(reading);
            }, new Rejections(log.logger(), audit));
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

    /**
     * A reading dated beyond the tolerance ahead of the runtime's clock would hold its attribute in the city state
     * against every real reading: the whole pack is refused, saying by how much, and audited; up to the tolerance,
     * and anything in the past, is taken.
     */
    @Test
    void aPackWithAReadingDatedTooFarAheadIsRejectedWholeAndAudited() {
        double now = T0.toEpochMilli() / 1000.0;
        String name = "\"urn:ngsi-ld:Streetlight:lamp-7:powerConsumption\"";
        accept("[{\"bt\":" + (now + 300) + ",\"n\":" + name + ",\"v\":40},{\"n\":" + name + ",\"v\":41,\"t\":-86400}]");
        assertEquals(2, readings.size(), "exactly the tolerance ahead, and a day back, are taken");

        accept("[{\"bt\":" + now + ",\"n\":" + name + ",\"v\":42},{\"n\":" + name + ",\"v\":2.6,\"t\":86400}]");
        assertEquals(2, readings.size(), "nothing of the pack with a reading a day ahead is published");
        DeviceSnapshot snapshot = snapshot();
        assertEquals(1, snapshot.counts().telemetryRejected());
        assertEquals("record 1: dated 2026-06-02T10:00:00Z, 86400 s ahead of the runtime's clock (2026-06-01T10:00:00Z);"
                + " readings dated more than 300 s ahead are refused (futureToleranceSeconds, configuration"
                + " nl.regie.runtime.mqtt)", snapshot.lastRejection().reason());
        assertEquals(List.of(new AuditEvent(T0, AuditEvent.DEVICE, "lamp-7", "", "telemetry", TOPIC, "rejected",
                snapshot.lastRejection().reason())), audit.events());

        accept("[{\"n\":" + name + ",\"v\":43,\"t\":301}]");
        assertEquals(2, snapshot().counts().telemetryRejected(), "a relative time ahead is checked the same way");
    }

    /** Without a tolerance (devices on a simulated clock), any date is taken. */
    @Test
    void withoutAToleranceAnyDateIsTaken() {
        DeviceTelemetry simulated = new DeviceTelemetry(new SenmlParser(SenmlLimits.defaults()),
                new RecordNames(DeviceRegistry.empty()), null, (publisher, reading) -> readings.add(reading),
                new Rejections(log.logger(), audit));
        double yearAhead = T0.plus(Duration.ofDays(365)).toEpochMilli() / 1000.0;
        simulated.accept(lamp, TOPIC, ("[{\"bt\":" + yearAhead + ",\"n\":\"urn:ngsi-ld:Streetlight:lamp-7:on\",\"vb\":true}]")
                .getBytes(StandardCharsets.UTF_8), T0);
        assertEquals(1, readings.size());
        assertEquals(T0.plus(Duration.ofDays(365)), readings.get(0).observedAt());
    }
}
