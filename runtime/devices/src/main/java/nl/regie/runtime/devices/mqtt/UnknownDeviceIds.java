package nl.regie.runtime.devices.mqtt;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import nl.regie.runtime.spi.devices.DeviceDirectory;

import org.osgi.service.log.Logger;

/**
 * The device ids that sent messages but never a valid one (telemetry rejected, a birth refused, a goodbye or an
 * acknowledgement before any birth): they are not known devices, so they become no entity and are never online. The
 * bridge counts them in a bounded LRU map, so a flood of made-up ids costs at most {@code capacity} small entries,
 * and logs them at most once a minute in all (not once per id), with how many were left out.
 *
 * <p>Thread-safe: every method synchronizes on the instance.
 */
final class UnknownDeviceIds {

    private static final Duration LOG_EVERY = Duration.ofMinutes(1);

    /** What is kept per id: deliberately small. */
    static final class Entry {
        private long messages;
        private Instant lastHeard;
        private String lastReason;

        long messages() {
            return messages;
        }

        Instant lastHeard() {
            return lastHeard;
        }

        String lastReason() {
            return lastReason;
        }
    }

    private final int capacity;
    private final Logger log;
    private final Map<String, Entry> recent;
    private long ids;
    private long messages;
    private long forgotten;
    private Instant logged;
    private long suppressed;

    UnknownDeviceIds(int capacity, Logger log) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.log = log;
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                if (size() > UnknownDeviceIds.this.capacity) {
                    forgotten++;
                    return true;
                }
                return false;
            }
        };
    }

    /** Counts a message from a device id that has not yet sent a valid one; logs it unless one was logged lately. */
    synchronized void refused(String device, Topics.Kind kind, String topic, String reason, Instant now) {
        messages++;
        Entry entry = recent.get(device);
        if (entry == null) {
            ids++;
            entry = new Entry();
            recent.put(device, entry);
        }
        entry.messages++;
        entry.lastHeard = now;
        entry.lastReason = reason.length() > 200 ? reason.substring(0, 200) + "..." : reason;
        if (logged != null && now.isBefore(logged.plus(LOG_EVERY))) {
            suppressed++;
            return;
        }
        long left = suppressed;
        logged = now;
        suppressed = 0;
        log.warn("Unknown device {} (never sent a valid message): refused its {} message on {}: {}{}", device,
                kind.name().toLowerCase(java.util.Locale.ROOT), topic, Rejections.oneLine(entry.lastReason),
                left == 0 ? "" : " (and " + left + " more messages of unknown devices since the last such line; "
                        + recent.size() + " unknown ids counted now)");
    }

    /** A device id that sent a valid message at last is no longer unknown. */
    synchronized void forget(String device) {
        recent.remove(device);
    }

    /** What is counted of one id, or null if it is not (never heard, or forgotten). */
    synchronized Entry get(String device) {
        return recent.get(device);
    }

    synchronized DeviceDirectory.UnknownDevices counts() {
        return new DeviceDirectory.UnknownDevices(recent.size(), capacity, ids, messages, forgotten);
    }
}
