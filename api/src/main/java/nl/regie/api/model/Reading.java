package nl.regie.api.model;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

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
        if (!validAttribute(attribute)) {
            throw new IllegalArgumentException("reading attribute '" + attribute
                    + "' must start with a lower-case letter and contain only letters, digits and '_' (at most 64)");
        }
        if (source.isBlank()) {
            throw new IllegalArgumentException("reading source must not be blank");
        }
    }

    /**
     * Whether a name is a valid attribute: {@code [a-z][A-Za-z0-9_]{0,63}}, checked character by character (every
     * reading is checked, and a regular expression was a measurable share of the device bridge's time).
     */
    static boolean validAttribute(String attribute) {
        int length = attribute.length();
        if (length == 0 || length > 64) {
            return false;
        }
        char first = attribute.charAt(0);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = attribute.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
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

    /**
     * The value as a number, when it is one: {@code reading.number().ifPresent(level -> ...)}; empty for a boolean or
     * a text.
     */
    public OptionalDouble number() {
        return value instanceof Value.Number n ? OptionalDouble.of(n.value()) : OptionalDouble.empty();
    }

    /** The value as a text, when it is one; empty for a number or a boolean. */
    public Optional<String> text() {
        return value instanceof Value.Text t ? Optional.of(t.value()) : Optional.empty();
    }

    /**
     * A reading a plugin computed from this one, about the same entity: the time rule for computed readings says it
     * is observed when this reading was (never at the wall clock's now), so it stays right when a backlog is replayed
     * or devices run ahead; received now, at this reading's location.
     *
     * @param source the computing plugin's symbolic name
     * @throws NullPointerException     naming the missing field
     * @throws IllegalArgumentException naming the malformed field
     */
    public Reading derive(String attribute, Value value, String unit, String source) {
        return new Reading(entity, attribute, value, unit, observedAt, Instant.now(), source, location);
    }

    /**
     * A reading a plugin computed from several readings (a density from a count and an area, a route from the bins'
     * levels): observed at the newest {@code observedAt} among them, by the time rule for computed readings; received
     * now, without location (add one with {@link #withLocation}).
     *
     * @param from the readings it follows from, at least one
     * @throws IllegalArgumentException when {@code from} is empty, or naming the malformed field
     * @throws NullPointerException     naming the missing field
     */
    public static Reading derived(EntityId entity, String attribute, Value value, String unit, String source,
            Collection<Reading> from) {
        Objects.requireNonNull(from, "the readings a computed reading derives from are required");
        Instant newest = from.stream().map(Reading::observedAt).max(Comparator.naturalOrder())
                .orElseThrow(() -> new IllegalArgumentException(
                        "a computed reading derives from at least one reading: its observedAt is theirs"));
        return new Reading(entity, attribute, value, unit, newest, Instant.now(), source, null);
    }

    /** This reading with another location. */
    public Reading withLocation(Location newLocation) {
        return new Reading(entity, attribute, value, unit, observedAt, receivedAt, source, newLocation);
    }
}
