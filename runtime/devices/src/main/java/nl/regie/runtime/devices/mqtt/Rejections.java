package nl.regie.runtime.devices.mqtt;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;

import org.osgi.service.log.Logger;

/**
 * What happens to a message the bridge refuses from a known device: it is counted and kept (payload and reason) on
 * the device's record, and logged and audited (kind {@value AuditEvent#DEVICE}, the device as actor, outcome
 * {@code rejected}) at most once a minute per device, with a count of the messages left out since. A message from a
 * device that has not yet sent a valid one goes to {@link UnknownDeviceIds} instead.
 */
final class Rejections {

    private final Logger log;
    private final AuditLog audit;
    private final Predicate<DeviceStatus> known;
    private final UnknownDeviceIds unknown;

    /** Rejections of messages from known devices only. */
    Rejections(Logger log, AuditLog audit) {
        this(log, audit, device -> true, null);
    }

    /**
     * Rejections that tell a known device from one that has not yet sent a valid message: the latter's are counted in
     * {@code unknown} instead, and logged there at most once a minute for all such devices together.
     */
    Rejections(Logger log, AuditLog audit, Predicate<DeviceStatus> known, UnknownDeviceIds unknown) {
        this.log = Objects.requireNonNull(log, "log");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.known = Objects.requireNonNull(known, "known");
        this.unknown = unknown;
    }

    /** Records the rejection of a message of this kind on the device; logs and audits it unless the device did lately. */
    void reject(DeviceStatus device, Topics.Kind kind, String topic, byte[] payload, String why, Instant now) {
        String reason = oneLine(why);
        if (unknown != null && !known.test(device)) {
            unknown.refused(device.id(), kind, topic, reason, now);
            return;
        }
        long suppressed = device.rejected(kind, now, topic, reason, payload);
        if (suppressed >= 0) {
            String more = suppressed == 0 ? ""
                    : " (and " + suppressed + " more rejected messages of this device since the last such line)";
            log.warn("Device {}: rejected the message on {}: {}{}", device.id(), topic, reason, more);
            audit.record(new AuditEvent(now, AuditEvent.DEVICE, device.id(), "", kind.name().toLowerCase(Locale.ROOT),
                    topic, "rejected", reason + more));
        }
    }

    /** Text with control characters escaped, so that a reason stays one line however hostile the payload. */
    static String oneLine(String text) {
        StringBuilder line = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                if (line == null) {
                    line = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                line.append(String.format("\\u%04x", (int) c));
            } else if (line != null) {
                line.append(c);
            }
        }
        return line == null ? text : line.toString();
    }
}
