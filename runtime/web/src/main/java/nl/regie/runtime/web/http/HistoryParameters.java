package nl.regie.runtime.web.http;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import nl.regie.api.model.BoundingBox;
import nl.regie.runtime.spi.history.Aggregate;

/**
 * The query parameters of the history endpoints, parsed and checked: {@code attrs} (comma-separated, at most
 * {@value #MAX_ATTRIBUTES}), {@code from} and {@code to} (ISO-8601 times with an offset; {@code to} defaults to now,
 * {@code from} to a day before {@code to}; at most {@value #MAX_RANGE_DAYS} days apart), {@code bucket} ({@code 30s},
 * {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601 such as {@code PT5M}; at least a second, at most
 * {@value #MAX_BUCKETS} buckets in the range), {@code aggregate} (avg, min, max, sum, count, last; only with a bucket,
 * avg by default), {@code options=temporal} or {@code format=ngsi-ld} for the NGSI-LD temporal representation, and
 * for {@code /api/history} {@code type} (required) and {@code bbox}. Every problem is an IllegalArgumentException
 * naming the parameter.
 */
record HistoryParameters(Set<String> attributes, Instant from, Instant to, Duration bucket, Aggregate aggregate,
        boolean temporal, String type, BoundingBox bbox) {

    static final int MAX_ATTRIBUTES = 20;
    static final int MAX_RANGE_DAYS = 400;
    static final int MAX_BUCKETS = 10_000;
    static final Duration DEFAULT_RANGE = Duration.ofDays(1);

    private static final Set<String> ENTITY = Set.of("attrs", "from", "to", "bucket", "aggregate", "options", "format");
    private static final Set<String> AREA = Set.of("attrs", "from", "to", "bucket", "aggregate", "options", "format",
            "type", "bbox");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})([smhd])");
    private static final Pattern ATTRIBUTE = Pattern.compile("[a-z][A-Za-z0-9_]{0,63}");
    static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z0-9]{0,63}");

    /** The parameters of {@code /api/entities/{id}/history}, with {@code now} as the default end. */
    static HistoryParameters entity(Map<String, String[]> parameters, Instant now) {
        QueryParameters.checkKnown(parameters, ENTITY);
        return parse(parameters, now, null, null);
    }

    /** The parameters of {@code /api/history}, with {@code now} as the default end. */
    static HistoryParameters area(Map<String, String[]> parameters, Instant now) {
        QueryParameters.checkKnown(parameters, AREA);
        String type = QueryParameters.single(parameters, "type");
        if (type == null) {
            throw new IllegalArgumentException("parameter 'type' is required: the entity type to query");
        }
        if (!TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("parameter 'type' must be an entity type (an upper-case letter, then"
                    + " letters and digits), was '" + type + "'");
        }
        String bboxText = QueryParameters.single(parameters, "bbox");
        BoundingBox bbox = null;
        if (bboxText != null) {
            double[] b = EntityQuery.numbers("bbox", bboxText, 4, "west,south,east,north");
            try {
                bbox = new BoundingBox(b[0], b[1], b[2], b[3]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter 'bbox': " + e.getMessage(), e);
            }
        }
        return parse(parameters, now, type, bbox);
    }

    private static HistoryParameters parse(Map<String, String[]> parameters, Instant now, String type,
            BoundingBox bbox) {
        Set<String> attributes = attributes(QueryParameters.single(parameters, "attrs"));
        Instant to = time(parameters, "to", now);
        Instant from = time(parameters, "from", to.minus(DEFAULT_RANGE));
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("parameter 'from' (" + from + ") must be before 'to' (" + to + ")");
        }
        if (Duration.between(from, to).compareTo(Duration.ofDays(MAX_RANGE_DAYS)) > 0) {
            throw new IllegalArgumentException("parameters 'from' and 'to' may be at most " + MAX_RANGE_DAYS
                    + " days apart");
        }
        Duration bucket = bucket(QueryParameters.single(parameters, "bucket"));
        if (bucket != null && Duration.between(from, to).dividedBy(bucket) > MAX_BUCKETS) {
            throw new IllegalArgumentException("parameter 'bucket' (" + bucket + ") is too small for the range: it"
                    + " would make more than " + MAX_BUCKETS + " buckets");
        }
        String aggregateText = QueryParameters.single(parameters, "aggregate");
        Aggregate aggregate = Aggregate.AVG;
        if (aggregateText != null) {
            if (bucket == null) {
                throw new IllegalArgumentException("parameter 'aggregate' needs a 'bucket'");
            }
            try {
                aggregate = Aggregate.parse(aggregateText.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter 'aggregate': " + e.getMessage(), e);
            }
        }
        String options = QueryParameters.single(parameters, "options");
        if (options != null && !options.equals("temporal")) {
            throw new IllegalArgumentException("parameter 'options' may only be 'temporal', was '" + options + "'");
        }
        String format = QueryParameters.single(parameters, "format");
        if (format != null && !format.equals("ngsi-ld")) {
            throw new IllegalArgumentException("parameter 'format' may only be 'ngsi-ld', was '" + format + "'");
        }
        return new HistoryParameters(attributes, from, to, bucket, aggregate, options != null || format != null,
                type, bbox);
    }

    /** The {@code attrs} parameter: attribute names, comma-separated, at most {@value #MAX_ATTRIBUTES}; none is all. */
    static Set<String> attributes(String text) {
        if (text == null) {
            return Set.of();
        }
        Set<String> attributes = new LinkedHashSet<>();
        for (String word : text.split(",", -1)) {
            String name = word.trim();
            if (!ATTRIBUTE.matcher(name).matches()) {
                throw new IllegalArgumentException("parameter 'attrs' must be attribute names separated by commas;"
                        + " '" + name + "' is not one");
            }
            attributes.add(name);
        }
        if (attributes.size() > MAX_ATTRIBUTES) {
            throw new IllegalArgumentException("parameter 'attrs' may name at most " + MAX_ATTRIBUTES
                    + " attributes, named " + attributes.size());
        }
        return attributes;
    }

    /** A time parameter (ISO-8601 with an offset), or {@code fallback} when absent. */
    static Instant time(Map<String, String[]> parameters, String name, Instant fallback) {
        String text = QueryParameters.single(parameters, name);
        if (text == null) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("parameter '" + name + "' must be an ISO-8601 time with an offset,"
                    + " such as 2026-03-01T08:00:00Z, was '" + text + "'", e);
        }
    }

    /** A bucket length: {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}, or ISO-8601; null when absent. */
    static Duration bucket(String text) {
        return length("bucket", text);
    }

    /** A length parameter: {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}, or ISO-8601; null when absent. */
    static Duration length(String name, String text) {
        if (text == null) {
            return null;
        }
        Duration length;
        Matcher m = SHORT_DURATION.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            length = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                length = Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("parameter '" + name + "' must be a length such as 30s, 5m, 1h, 1d or"
                        + " PT5M, was '" + text + "'", e);
            }
        }
        if (length.compareTo(Duration.ofSeconds(1)) < 0 || length.getNano() != 0) {
            throw new IllegalArgumentException("parameter '" + name + "' must be a whole number of seconds, at least 1s,"
                    + " was '" + text + "'");
        }
        if (length.compareTo(Duration.ofDays(MAX_RANGE_DAYS)) > 0) {
            throw new IllegalArgumentException("parameter '" + name + "' may be at most " + MAX_RANGE_DAYS + " days, was '"
                    + text + "'");
        }
        return length;
    }
}
