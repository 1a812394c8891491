package nl.regie.lighting;

import java.util.Optional;
import java.util.OptionalDouble;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

/**
 * What lighting asks the city state: the location of a lamp or zone whose readings did not bring one, and a
 * zone's area. The component answers from {@code CityState}; tests from a map.
 */
interface CityLookup {

    Optional<Location> location(EntityId entity);

    OptionalDouble area(EntityId zone);
}
