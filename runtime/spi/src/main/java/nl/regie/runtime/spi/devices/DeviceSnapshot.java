package nl.regie.runtime.spi.devices;

import java.time.Instant;
import java.util.List;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

/**
 * What the bridge knows about one device at one moment, for {@code GET /api/devices/{deviceId}}.
 *
 * @param id             the device id (the {@code {d}} of its topics)
 * @param state          {@code online}, {@code stale}, {@code offline}, or {@code unknown} for a device the
 *                       registry names but that has not spoken yet
 * @param stateSince     when it entered that state, or null if unknown
 * @param lastSeen       when the last message of any kind arrived from it, or null if none did
 * @param type           the entity type its birth announced, or null
 * @param entities       the entities its birth announced and the registry assigns, by URN
 * @param location       the location its birth announced, or null
 * @param intervalSeconds the reporting interval it announced, or the default; silence for this times the
 *                       stale factor makes it stale
 * @param counts         its counters
 * @param lastRejection  the last message of it that was rejected, or null
 */
public record DeviceSnapshot(String id, String state, Instant stateSince, Instant lastSeen, String type,
        List<EntityId> entities, Location location, long intervalSeconds, Counts counts, Rejection lastRejection) {

    /** The most bytes of a rejected payload kept to show. */
    public static final int MAX_KEPT_PAYLOAD_BYTES = 1024;


    /** Copies the entity list. */
    public DeviceSnapshot {
        entities = List.copyOf(entities);
    }

    /**
     * The counters of a device.
     *
     * @param telemetryAccepted SenML packs turned into readings
     * @param telemetryRejected SenML packs rejected whole
     * @param readingsPublished readings put on the bus (its telemetry and its {@code deviceState})
     * @param stateMessages     birth and will messages accepted
     * @param stateRejected     malformed or refused state messages
     * @param commandsSent      commands published to it
     * @param acksAccepted      acknowledgements that ended a command
     * @param acksRejected      malformed acknowledgements, or ones for a command sent to another device
     * @param acksLate          acknowledgements that came after the command's deadline, or for an unknown command
     * @param acksDuplicate     acknowledgements for a command it had already acknowledged
     */
    public record Counts(long telemetryAccepted, long telemetryRejected, long readingsPublished, long stateMessages,
            long stateRejected, long commandsSent, long acksAccepted, long acksRejected, long acksLate,
            long acksDuplicate) {
    }

    /**
     * A rejected message.
     *
     * @param at           when it arrived
     * @param topic        its MQTT topic
     * @param reason       why it was rejected
     * @param payload      its first {@value #MAX_KEPT_PAYLOAD_BYTES} bytes as UTF-8 text (malformed
     *                     bytes replaced)
     * @param payloadBytes its full size in bytes
     */
    public record Rejection(Instant at, String topic, String reason, String payload, int payloadBytes) {

        /** Whether {@link #payload()} is only the beginning of the payload. */
        public boolean truncated() {
            return payloadBytes > MAX_KEPT_PAYLOAD_BYTES;
        }
    }
}
