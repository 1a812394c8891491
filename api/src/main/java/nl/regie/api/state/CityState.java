package nl.regie.api.state;

import java.util.List;
import java.util.Optional;

import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The common operational picture: the current state of every entity seen on the bus. The runtime feeds it
 * from the bus; plugins and the HTTP API read it. Results are snapshots, ordered by entity id.
 */
@ProviderType
public interface CityState {

    /** The current state of one entity, or empty if the bus has never carried a reading for it. */
    Optional<EntityState> entity(EntityId id);

    /** Every entity, ordered by id. */
    List<EntityState> all();

    /** All entities of one type, for example {@code WasteContainer}. */
    List<EntityState> byType(String entityType);

    /**
     * The entities with a known location within a distance of a point, nearest first.
     *
     * @param center     the point
     * @param metres     the radius in metres; must not be negative
     * @param entityType only entities of this type, or {@code null} for all types
     * @throws IllegalArgumentException if the radius is negative or not finite
     */
    List<EntityState> near(Location center, double metres, String entityType);

    /**
     * The entities with a known location inside a bounding box.
     *
     * @param box        the box
     * @param entityType only entities of this type, or {@code null} for all types
     */
    List<EntityState> within(BoundingBox box, String entityType);

    /** The number of entities known. */
    int size();

    /**
     * What this plugin published that the city state still holds: the current value of every attribute whose latest
     * reading came from this plugin, on topics the filter matches, as readings (observed and received at the value's
     * {@code observedAt}, located where the entity is). This is how a plugin restores what it had concluded after an
     * update or a restart: the city state kept it. Its own values are returned whatever its {@code reads} scope says.
     *
     * @param topicFilter an MQTT-style filter such as {@code WasteContainer/+/full}
     * @throws IllegalArgumentException naming what is wrong with a malformed filter
     */
    List<Reading> own(String topicFilter);
}
