package nl.regie.api.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the bus delivers when an entity, or one attribute of an entity, is deleted: the city state drops what the
 * deleting source published of it, and {@code GET /api/entities/{id}} no longer shows it. A listener gets it in
 * {@link nl.regie.api.bus.ReadingListener#onDelete}, in order with the readings of the same entity. Immutable.
 *
 * @param entity    the entity
 * @param attribute the attribute deleted, or {@code null} when the whole entity is
 * @param source    who deleted it: the plugin's symbolic name (a plugin deletes only what it published), or a runtime
 *                  part
 * @param deletedAt when it was deleted (the wall clock of the runtime)
 */
@ProviderType
public record Deletion(EntityId entity, String attribute, String source, Instant deletedAt) {

    /**
     * Checks every field.
     *
     * @throws NullPointerException     naming the missing field
     * @throws IllegalArgumentException naming the malformed field
     */
    public Deletion {
        Objects.requireNonNull(entity, "deletion entity is required");
        Objects.requireNonNull(source, "deletion source is required");
        Objects.requireNonNull(deletedAt, "deletion deletedAt is required");
        if (attribute != null && !Reading.validAttribute(attribute)) {
            throw new IllegalArgumentException("deletion attribute '" + attribute
                    + "' must start with a lower-case letter and contain only letters, digits and '_' (at most 64)");
        }
        if (source.isBlank()) {
            throw new IllegalArgumentException("deletion source must not be blank");
        }
    }

    /** The attribute deleted, or empty when the whole entity is. */
    public Optional<String> optionalAttribute() {
        return Optional.ofNullable(attribute);
    }

    /** Whether the whole entity is deleted rather than one attribute. */
    public boolean wholeEntity() {
        return attribute == null;
    }

    /** The topics it concerns: {@code {EntityType}/{localId}/{attribute}}, or {@code {EntityType}/{localId}/#}. */
    public String topic() {
        return entity.topicPrefix() + '/' + (attribute == null ? "#" : attribute);
    }
}
