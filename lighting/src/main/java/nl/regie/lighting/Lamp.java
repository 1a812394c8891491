package nl.regie.lighting;

import java.time.Instant;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

/**
 * What lighting knows of one streetlight: its last report and the level last commanded to it. A field is
 * {@code null} until something has told it. Not thread-safe: the engine confines lamps to its lock.
 */
final class Lamp {

    final EntityId id;
    /** Where it stands: from its readings, or else from the city state. */
    Location location;
    /** The newest {@code observedAt} of its readings: the lamp's own event time. */
    Instant observedAt;
    /** Its last {@code powerState}. */
    Boolean on;
    /**
     * The level it shows: its last {@code illuminanceLevel}, or the level of a command it has since carried out.
     */
    Double reported;
    /** The target last commanded to it, or adopted from its report when it already showed the target. */
    Double commanded;
    /** Since when (event time) its reported level has disagreed with {@link #commanded}, or {@code null}. */
    Instant mismatchSince;

    Lamp(EntityId id) {
        this.id = id;
    }
}
