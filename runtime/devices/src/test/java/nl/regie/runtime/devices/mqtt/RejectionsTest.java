package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

class RejectionsTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final String TOPIC = "regie/v1/demo/dev/d/tele";

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingAuditLog audit = new RecordingAuditLog();
    private final Rejections rejections = new Rejections(log.logger(), audit);

    private static DeviceSnapshot snapshot(DeviceStatus device) {
        return device.snapshot(Set.of(), Duration.ofSeconds(300));
    }

    private void reject(DeviceStatus device, Topics.Kind kind, String why, Instant at) {
        rejections.reject(device, kind, TOPIC, why.getBytes(StandardCharsets.UTF_8), why, at);
    }

    @Test
    void eachKindIsCountedOnItsDeviceWithTheLastRejectionKept() {
        DeviceStatus device = new DeviceStatus("d");
        reject(device, Topics.Kind.TELEMETRY, "one", T0);
        reject(device, Topics.Kind.STATE, "two", T0);
        reject(device, Topics.Kind.STATE, "three", T0);
        reject(device, Topics.Kind.ACK, "four", T0.plusSeconds(1));
        DeviceSnapshot.Counts counts = snapshot(device).counts();
        assertEquals(1, counts.telemetryRejected());
        assertEquals(2, counts.stateRejected());
        assertEquals(1, counts.acksRejected());
        DeviceSnapshot.Rejection last = snapshot(device).lastRejection();
        assertEquals(new DeviceSnapshot.Rejection(T0.plusSeconds(1), TOPIC, "four", "four", 4), last);
    }

    @Test
    void aDeviceLogsAtMostOneLineAMinuteWithACountOfTheOthers() {
        DeviceStatus noisy = new DeviceStatus("noisy");
        DeviceStatus quiet = new DeviceStatus("quiet");
        reject(noisy, Topics.Kind.TELEMETRY, "bad", T0);
        reject(noisy, Topics.Kind.TELEMETRY, "bad", T0.plusSeconds(10));
        reject(quiet, Topics.Kind.STATE, "odd", T0.plusSeconds(10));
        reject(noisy, Topics.Kind.ACK, "bad", T0.plusMillis(59_999));
        reject(noisy, Topics.Kind.TELEMETRY, "worse", T0.plusSeconds(60));
        reject(noisy, Topics.Kind.TELEMETRY, "worst", T0.plusSeconds(120));
        assertEquals(List.of(
                "Device noisy: rejected the message on " + TOPIC + ": bad",
                "Device quiet: rejected the message on " + TOPIC + ": odd",
                "Device noisy: rejected the message on " + TOPIC + ": worse (and 2 more rejected messages of this device"
                        + " since the last such line)",
                "Device noisy: rejected the message on " + TOPIC + ": worst"), log.messages("warn"));
    }

    /** The audit log gets what the log gets, when it gets it: the device, the topic, the reason, the ones left out. */
    @Test
    void eachLoggedRejectionIsAuditedWithTheDeviceAsActor() {
        DeviceStatus noisy = new DeviceStatus("noisy");
        reject(noisy, Topics.Kind.ACK, "not yours", T0);
        reject(noisy, Topics.Kind.TELEMETRY, "too far ahead", T0.plusSeconds(10));
        reject(noisy, Topics.Kind.TELEMETRY, "too far ahead", T0.plusSeconds(61));
        assertEquals(List.of(
                new AuditEvent(T0, AuditEvent.DEVICE, "noisy", "", "ack", TOPIC, "rejected", "not yours"),
                new AuditEvent(T0.plusSeconds(61), AuditEvent.DEVICE, "noisy", "", "telemetry", TOPIC, "rejected",
                        "too far ahead (and 1 more rejected messages of this device since the last such line)")),
                audit.events());
    }

    @Test
    void theReasonIsKeptAndLoggedOnOneLine() {
        DeviceStatus device = new DeviceStatus("d");
        reject(device, Topics.Kind.TELEMETRY, "name 'a\nb' is\tbad\u0000", T0);
        String escaped = "name 'a\\u000ab' is\\u0009bad\\u0000";
        assertEquals(escaped, snapshot(device).lastRejection().reason());
        assertEquals(List.of("Device d: rejected the message on " + TOPIC + ": " + escaped), log.messages("warn"));
    }

    @Test
    void oneLineEscapesControlCharactersOnly() {
        String plain = "ordinary text, with ünïcödé and 'quotes'";
        assertSame(plain, Rejections.oneLine(plain), "nothing to escape: the same text");
        assertEquals("\\u000d\\u000a", Rejections.oneLine("\r\n"));
        assertEquals("a\\u007fb\\u0085c", Rejections.oneLine("a\u007fb\u0085c"), "DEL and C1 controls too");
        assertEquals("", Rejections.oneLine(""));
    }
}
