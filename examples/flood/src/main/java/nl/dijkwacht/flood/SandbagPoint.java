package nl.dijkwacht.flood;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

/**
 * A place where residents can get sandbags: a Smart Data Models {@code PointOfInterest} with category
 * {@value #CATEGORY}, taken from the configuration.
 *
 * @param id       the local id, for example {@code waterlooplein}
 * @param name     what residents call it, for example {@code Waterlooplein}
 * @param location where it is
 */
public record SandbagPoint(String id, String name, Location location) {

    /** The entity type of sandbag points. */
    public static final String ENTITY_TYPE = "PointOfInterest";
    /** The value of their {@code category} attribute. */
    public static final String CATEGORY = "sandbagPoint";

    /**
     * Creates a point.
     *
     * @throws NullPointerException     naming the missing field
     * @throws IllegalArgumentException if the id is not a valid entity local id
     */
    public SandbagPoint {
        Objects.requireNonNull(name, "sandbag point name is required");
        Objects.requireNonNull(location, "sandbag point location is required");
        EntityId.of(ENTITY_TYPE, id);
    }

    /** Its entity id, {@code urn:ngsi-ld:PointOfInterest:{id}}. */
    public EntityId entity() {
        return EntityId.of(ENTITY_TYPE, id);
    }

    /** The readings that put it on the bus: {@code PointOfInterest/{id}/name} and {@code .../category}. */
    public List<Reading> readings(Instant at, String source) {
        return List.of(
                new Reading(entity(), "name", Value.of(name), "", at, at, source, location),
                new Reading(entity(), "category", Value.of(CATEGORY), "", at, at, source, location));
    }
}
