package nl.regie.api.state;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A snapshot of one entity in the city state: its latest value per attribute. Immutable.
 *
 * @param id         the entity
 * @param location   its last known location, or {@code null} if no reading carried one
 * @param attributes the latest state of each attribute, by attribute name, in name order
 * @param updatedAt  when any attribute last changed
 */
@ProviderType
public record EntityState(EntityId id, Location location, Map<String, AttributeState> attributes, Instant updatedAt) {

    /** Copies the attribute map into name order, so a snapshot never changes. */
    public EntityState {
        attributes = Collections.unmodifiableMap(new TreeMap<>(attributes));
    }

    /** The state of one attribute, if the entity has reported it. */
    public Optional<AttributeState> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /** The entity's last known location, if any. */
    public Optional<Location> optionalLocation() {
        return Optional.ofNullable(location);
    }
}
