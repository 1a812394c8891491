package nl.regie.lighting;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;

import org.osgi.service.log.Logger;

/**
 * The streetlights lighting has seen, each with its last known state, and where they stand. Not thread-safe: the
 * engine confines it to its lock.
 */
final class Lamps {

    private final Map<EntityId, Lamp> lamps = new HashMap<>();
    private final CityLookup city;
    private final Logger log;

    Lamps(CityLookup city, Logger log) {
        this.city = city;
        this.log = log;
    }

    /**
     * Takes the time and location of a streetlight's reading, registering the lamp on first sight.
     *
     * @return the lamp, or empty if the reading is older than the lamp's newest: the newer state stands
     */
    Optional<Lamp> observe(Reading reading) {
        Lamp lamp = lamps.computeIfAbsent(reading.entity(), Lamp::new);
        if (lamp.observedAt != null && reading.observedAt().isBefore(lamp.observedAt)) {
            return Optional.empty();
        }
        lamp.observedAt = reading.observedAt();
        if (reading.location() != null) {
            lamp.location = reading.location();
        }
        return Optional.of(lamp);
    }

    /**
     * Whether the lamp's location is known; one its readings did not bring is looked up in the city state, and
     * a lamp found in neither gets a warning (and is looked up again the next time).
     */
    boolean located(Lamp lamp) {
        if (lamp.location == null) {
            lamp.location = city.location(lamp.id).orElse(null);
            if (lamp.location == null) {
                log.warn("Streetlight " + lamp.id.localId()
                        + " has no known location; it is left alone until a reading brings one");
            }
        }
        return lamp.location != null;
    }

    /** The lamp with that id, or {@code null} if none has reported. */
    Lamp get(EntityId id) {
        return lamps.get(id);
    }

    /** Every lamp known, in no particular order. */
    Collection<Lamp> all() {
        return Collections.unmodifiableCollection(lamps.values());
    }

    /** How many lamps are known. */
    int count() {
        return lamps.size();
    }
}
