package nl.regie.runtime.spi.history;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.EntityId;

/**
 * What a {@link History#query} asks for: the series of one entity, or of every entity of a type (within an area),
 * over a time range, raw or in buckets.
 *
 * @param entity     one entity, or null for a type-wide query
 * @param type       the entity type of a type-wide query, or null with an entity
 * @param bbox       only entities whose series were first reported within this area, or null for anywhere
 * @param attributes only these attributes; empty for all
 * @param from       the start of the range, inclusive
 * @param to         the end of the range, exclusive
 * @param bucket     the bucket length (a whole number of seconds), or null for raw readings
 * @param aggregate  what each bucket holds; ignored for raw readings
 * @param maxPoints  the most points the answer may hold across its series, 1 to {@link History#MAX_POINTS}
 */
public record HistoryQuery(EntityId entity, String type, BoundingBox bbox, Set<String> attributes, Instant from,
        Instant to, Duration bucket, Aggregate aggregate, int maxPoints) {

    /**
     * Checks the query.
     *
     * @throws IllegalArgumentException if neither or both of entity and type are given, the range is empty or
     *         reversed, the bucket is not a positive whole number of seconds, or the limit is out of range
     */
    public HistoryQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(aggregate, "aggregate");
        attributes = Set.copyOf(attributes);
        if ((entity == null) == (type == null)) {
            throw new IllegalArgumentException("a history query names either an entity or a type");
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("'from' (" + from + ") must be before 'to' (" + to + ")");
        }
        if (bucket != null && (bucket.isNegative() || bucket.isZero() || bucket.getNano() != 0)) {
            throw new IllegalArgumentException("a bucket must be a positive whole number of seconds, was " + bucket);
        }
        if (maxPoints < 1 || maxPoints > History.MAX_POINTS) {
            throw new IllegalArgumentException("maxPoints must be between 1 and " + History.MAX_POINTS);
        }
    }

    /** A query of one entity's attributes (all when {@code attributes} is empty). */
    public static HistoryQuery ofEntity(EntityId entity, Set<String> attributes, Instant from, Instant to,
            Duration bucket, Aggregate aggregate, int maxPoints) {
        return new HistoryQuery(entity, null, null, attributes, from, to, bucket, aggregate, maxPoints);
    }

    /** A query of every entity of a type, within {@code bbox} if it is not null. */
    public static HistoryQuery ofType(String type, BoundingBox bbox, Set<String> attributes, Instant from, Instant to,
            Duration bucket, Aggregate aggregate, int maxPoints) {
        return new HistoryQuery(null, type, bbox, attributes, from, to, bucket, aggregate, maxPoints);
    }
}
