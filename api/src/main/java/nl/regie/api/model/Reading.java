package nl.regie.api.model;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One value of one attribute of one entity at one instant. Immutable; the unit of data on the bus.
 *
 * <p>Its bus topic is {@code {EntityType}/{localId}/{attribute}}, see {@link #topic()}.
 *
 * @param entity     the entity the value belongs to
 * @param attribute  the attribute, a Smart Data Models name such as {@code fillingLevel}
 * @param value      the typed value
 * @param unit       the SenML unit (RFC 8428 / RFC 8798) such as {@code /}, {@code Cel}, {@code W};
 *                   empty for a value without unit
 * @param observedAt when the value was measured
 * @param receivedAt when the runtime received it
 * @param source     who produced it: a device id or a plugin's symbolic name
 * @param location   where it was measured, or {@code null} if the reading does not say
 */
@ProviderType
public record Reading(EntityId entity, String attribute, Value value, String unit, Instant observedAt,
        Instant receivedAt, String source, Location location) {

    private static final Pattern ATTRIBUTE = Pattern.compile("[a-z][A-Za-z0-9_]{0,63}");

    /**
     * Creates a reading, checking every required field.
     *
     * @throws NullPointerException     naming the missing field
     * @throws IllegalArgumentException naming the malformed field
     */
    public Reading {
        Objects.requireNonNull(entity, "reading entity is required");
        Objects.requireNonNull(attribute, "reading attribute is required");
        Objects.requireNonNull(value, "reading value is required");
        Objects.requireNonNull(unit, "reading unit is required (use \"\" for none)");
        Objects.requireNonNull(observedAt, "reading observedAt is required");
        Objects.requireNonNull(receivedAt, "reading receivedAt is required");
        Objects.requireNonNull(source, "reading source is required");
        if (!ATTRIBUTE.matcher(attribute).matches()) {
            throw new IllegalArgumentException("reading attribute '" + attribute
                    + "' must start with a lower-case letter and contain only letters, digits and '_' (at most 64)");
        }
        if (source.isBlank()) {
            throw new IllegalArgumentException("reading source must not be blank");
        }
    }

    /**
     * A reading observed and received now, without location.
     *
     * @throws NullPointerException     naming the missing field
     * @throws IllegalArgumentException naming the malformed field
     */
    public static Reading of(EntityId entity, String attribute, Value value, String unit, String source) {
        Instant now = Instant.now();
        return new Reading(entity, attribute, value, unit, now, now, source, null);
    }

    /** The type of the entity, for example {@code WasteContainer}. */
    public String entityType() {
        return entity.type();
    }

    /** The bus topic of this reading: {@code {EntityType}/{localId}/{attribute}}. */
    public String topic() {
        return entity.topicPrefix() + '/' + attribute;
    }

    /** This reading with another location. */
    public Reading withLocation(Location newLocation) {
        return new Reading(entity, attribute, value, unit, observedAt, receivedAt, source, newLocation);
    }
}
