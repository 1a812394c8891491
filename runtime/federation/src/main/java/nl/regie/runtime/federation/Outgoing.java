package nl.regie.runtime.federation;

import java.util.Map;

/**
 * One message for the shared broker: topic, payload and MQTT 5 user properties.
 *
 * @param rule the export rule that let it out, for its count once the broker has it
 * @param seq  its number in the outbox's journal ({@link OutboxJournal}), or {@link #NOT_JOURNALED}
 */
public record Outgoing(String topic, byte[] payload, Map<String, String> properties, String rule, long seq) {

    /** The {@link #seq} of a message no journal holds. */
    public static final long NOT_JOURNALED = 0;

    /** A message no journal holds yet. */
    public Outgoing(String topic, byte[] payload, Map<String, String> properties, String rule) {
        this(topic, payload, properties, rule, NOT_JOURNALED);
    }

    /** The same message with its number in the journal. */
    Outgoing numbered(long number) {
        return new Outgoing(topic, payload, properties, rule, number);
    }
}
