package nl.regie.launcher.broker;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The messages the embedded broker dropped, by reason: a client's queue full (a subscriber slower than its publishers,
 * or away), its QoS 0 bytes over their limit, its socket not writable, a packet over the client's maximum size, ...
 * HiveMQ counts them in one counter only ({@code com.hivemq.messages.dropped.count}) and names the reason in a debug
 * line of its event log ({@code event.message-dropped}), which {@link BrokerLog} hands here; the reasons are a fixed
 * set ({@link Reason}), so they make a bounded label. Thread-safe, without a lock.
 */
public final class BrokerDrops {

    /** HiveMQ's event logger for dropped messages; its lines end with the reason. */
    static final String EVENT_LOGGER = "event.message-dropped";

    /** Why a message was dropped: {@link #label()} is what {@code /metrics} shows. */
    public enum Reason {
        /** The receiving client's queue (or a shared subscription's) was full: {@code max-queue-size}. */
        QUEUE_FULL("queue_full", "The client message queue is full", "The shared subscription message queue is full"),
        /** The receiving client's QoS 0 messages were over their memory limit. */
        QOS0_MEMORY("qos0_memory", "The QoS 0 memory limit exceeded"),
        /** The receiving client's connection took no more (QoS 0). */
        NOT_WRITABLE("not_writable", "The tcp socket was not writable"),
        /** The message was larger than the receiving client's maximum packet size. */
        TOO_LARGE("too_large", "Maximum packet size exceeded"),
        /** An extension stopped its delivery. */
        EXTENSION("extension", "Extension prevented onward delivery"),
        /** The broker failed to deliver it. */
        INTERNAL_ERROR("internal_error", "Internal error"),
        /** A reason this version does not know, or a drop HiveMQ counted without naming a reason. */
        OTHER("other");

        private final String label;
        private final String[] prefixes;

        Reason(String label, String... prefixes) {
            this.label = label;
            this.prefixes = prefixes;
        }

        public String label() {
            return label;
        }

        /** The reason of HiveMQ's text ({@code "The QoS 0 memory limit exceeded, size: 1,024 bytes, ..."}). */
        static Reason of(String text) {
            if (text != null) {
                for (Reason reason : values()) {
                    for (String prefix : reason.prefixes) {
                        if (text.startsWith(prefix)) {
                            return reason;
                        }
                    }
                }
            }
            return OTHER;
        }
    }

    private final AtomicLongArray counts = new AtomicLongArray(Reason.values().length);

    /** Counts one drop, for HiveMQ's reason text. */
    void dropped(String reasonText) {
        counts.incrementAndGet(Reason.of(reasonText).ordinal());
    }

    /** How many were dropped for this reason since the broker started. */
    public long count(Reason reason) {
        return counts.get(reason.ordinal());
    }

    /**
     * Every reason's count, by {@linkplain Reason#label() label}, in {@link Reason}'s order, zeros included (a stable
     * set of series). {@code total} is HiveMQ's own counter: what it counted beyond the reasons named is
     * {@code other}.
     */
    public Map<String, Long> byReason(long total) {
        Map<String, Long> byReason = new LinkedHashMap<>();
        long named = 0;
        for (Reason reason : Reason.values()) {
            long count = count(reason);
            byReason.put(reason.label(), count);
            named += count;
        }
        byReason.merge(Reason.OTHER.label(), Math.max(0, total - named), Long::sum);
        return byReason;
    }

    @Override
    public String toString() {
        return "BrokerDrops" + Arrays.toString(Reason.values()) + counts;
    }
}
