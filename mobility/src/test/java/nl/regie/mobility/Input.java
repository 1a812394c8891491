package nl.regie.mobility;

import java.time.Instant;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

/** Device readings as the simulator sends them. */
final class Input {

    static final Location DAM = Location.of(4.8925, 52.3731);
    static final Location PRINS_HENDRIKKADE = Location.of(4.9005, 52.3775);
    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");

    private Input() {
    }

    static Reading count(String zone, double people, Instant at) {
        return reading(EntityId.of(CrowdLevels.TYPE, zone), "peopleCount", Value.of(people), "count", at, DAM);
    }

    static Reading area(String zone, double squareMetres, Instant at) {
        return reading(EntityId.of(CrowdLevels.TYPE, zone), "area", Value.of(squareMetres), "m2", at, DAM);
    }

    static Reading speed(String segment, double kmh, Instant at) {
        return reading(EntityId.of(CongestionLevels.TYPE, segment), "averageVehicleSpeed", Value.of(kmh), "km/h", at,
                PRINS_HENDRIKKADE);
    }

    static Reading intensity(String segment, double perHour, Instant at) {
        return reading(EntityId.of(CongestionLevels.TYPE, segment), "intensity", Value.of(perHour), "1/h", at,
                PRINS_HENDRIKKADE);
    }

    static Reading reading(EntityId entity, String attribute, Value value, String unit, Instant at, Location location) {
        return new Reading(entity, attribute, value, unit, at, at, entity.localId(), location);
    }

    /** {@link #T0} plus some minutes. */
    static Instant minute(long minutes) {
        return T0.plusSeconds(60 * minutes);
    }
}
