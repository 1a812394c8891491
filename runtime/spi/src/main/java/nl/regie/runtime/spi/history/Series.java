package nl.regie.runtime.spi.history;

import java.util.List;
import java.util.Objects;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

/**
 * The history of one attribute of one entity, as one source reported it.
 *
 * @param entity    the entity
 * @param attribute the attribute
 * @param unit      its SenML unit, {@code ""} for none
 * @param source    who published it: a device or a plugin (what the read policy judges a reading by)
 * @param location  where the entity first reported from, or null
 * @param points    the points in time order
 */
public record Series(EntityId entity, String attribute, String unit, String source, Location location,
        List<Point> points) {

    /** Checks the fields and keeps an unmodifiable copy of the points. */
    public Series {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(source, "source");
        points = List.copyOf(points);
    }
}
