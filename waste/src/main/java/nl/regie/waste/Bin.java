package nl.regie.waste;

import java.time.Instant;

import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

/** What the plugin knows of one waste container. Guarded by the {@link BinMonitor}'s lock. */
final class Bin {

    final EntityId id;
    /** The last location a reading carried, or null. */
    Location location;
    /** Its {@code storedWasteKind} as thresholds are keyed, or null. */
    String kind;
    /** Its last fill level, NaN until one arrives. */
    double level = Double.NaN;
    Instant levelAt;
    /** Whether it is full; null until its first fill level. */
    Boolean full;
    final TemperatureTrack temperatures = new TemperatureTrack();
    /** Its status as last published ("ok", "burning"), or null before its first temperature. */
    String status;
    /** The severity of its fire alert while it burns, else null. */
    AlertSeverity fire;

    Bin(EntityId id) {
        this.id = id;
    }

    /** The key of its fire alert: alert keys allow no ':', which local ids do. */
    String fireKey() {
        return "fire-" + id.localId().replace(':', '_');
    }
}
