package nl.regie.runtime.ngsild.temporal;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;
import nl.regie.runtime.spi.history.Aggregate;

/**
 * The parameters of a temporal query (clause 6.18 and 6.19: {@code GET /temporal/entities} and
 * {@code /temporal/entities/{id}}), read strictly: {@code timerel} ({@code before}, {@code after},
 * {@code between}) with {@code timeAt} and {@code endTimeAt}, {@code attrs}, {@code lastN}, {@code options}
 * ({@code temporalValues}, {@code aggregatedValues}) with {@code aggrMethods} and {@code aggrPeriodDuration}; for a
 * query of many entities {@code type} (which Regie's history is kept by), {@code id}, {@code idPattern}, {@code limit}
 * and {@code count}. What Regie does not do ({@code q}, geo-queries, {@code timeproperty} other than
 * {@code observedAt}, the aggregations its buckets do not keep) is refused as OperationNotSupported rather than
 * ignored. Plain Java.
 *
 * @param type        Regie's entity type, or null for one entity
 * @param ids         entity ids asked for; empty for all
 * @param idPattern   or null
 * @param attrs       Regie's attribute names; empty for all
 * @param from        the range's start, inclusive
 * @param to          the range's end, exclusive
 * @param lastN       the last N instances of each attribute; 0 for all
 * @param simplified  {@code options=temporalValues}
 * @param aggregates  the aggregations asked for, by their NGSI-LD names; empty unless {@code aggregatedValues}
 * @param period      {@code aggrPeriodDuration}, or null
 * @param limit       the most entities of a page
 * @param count       whether the total is answered in {@code NGSILD-Results-Count}
 */
public record TemporalQuery(String type, Set<String> ids, Pattern idPattern, Set<String> attrs, Instant from,
        Instant to, int lastN, boolean simplified, Map<String, Aggregate> aggregates, Duration period, int limit,
        boolean count) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    private static final Set<String> KNOWN = Set.of("type", "id", "idPattern", "attrs", "timerel", "timeAt",
            "endTimeAt", "lastN", "options", "aggrMethods", "aggrPeriodDuration", "limit", "count", "timeproperty",
            "format");
    private static final Set<String> NOT_DONE = Set.of("q", "georel", "geometry", "coordinates", "geoproperty",
            "csf", "scopeQ", "lang", "datasetId", "pick", "omit");
    /** NGSI-LD's aggregation names and the bucket aggregate each is. */
    private static final Map<String, Aggregate> METHODS = Map.of("totalCount", Aggregate.COUNT, "sum", Aggregate.SUM,
            "avg", Aggregate.AVG, "min", Aggregate.MIN, "max", Aggregate.MAX);

    /**
     * Reads the parameters.
     *
     * @param one whether the query is of one entity (no type needed, no timerel needed)
     * @throws NgsiLdException BadRequestData naming the parameter, OperationNotSupported for what Regie does not do
     */
    public static TemporalQuery parse(Map<String, String[]> parameters, LdContext names, boolean one, Instant now) {
        for (String name : parameters.keySet()) {
            if (NOT_DONE.contains(name)) {
                throw new NgsiLdException(ProblemType.OPERATION_NOT_SUPPORTED, "Regie's temporal API does not do the"
                        + " parameter '" + name + "'");
            }
            if (!KNOWN.contains(name)) {
                throw NgsiLdException.badData("unknown parameter '" + shorten(name) + "'");
            }
        }
        String timeproperty = single(parameters, "timeproperty");
        if (timeproperty != null && !timeproperty.equals("observedAt")) {
            throw new NgsiLdException(ProblemType.OPERATION_NOT_SUPPORTED, "Regie's history is kept by observedAt;"
                    + " timeproperty '" + shorten(timeproperty) + "' is not kept");
        }
        String type = null;
        String typeText = single(parameters, "type");
        if (typeText != null) {
            type = names.regieName(typeText);
        } else if (!one) {
            throw NgsiLdException.badData("a temporal query needs 'type': Regie's history is kept by entity type");
        }
        Set<String> ids = list(parameters, "id");
        Pattern idPattern = null;
        String pattern = single(parameters, "idPattern");
        if (pattern != null) {
            try {
                idPattern = Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw NgsiLdException.badData("idPattern is not a regular expression: " + e.getDescription());
            }
        }
        Set<String> attrs = new LinkedHashSet<>();
        for (String a : list(parameters, "attrs")) {
            attrs.add(names.regieName(a));
        }
        Instant[] range = range(parameters, one, now);
        int lastN = number(parameters, "lastN", 0, 1, 10_000);
        Set<String> options = list(parameters, "options");
        String format = single(parameters, "format");
        boolean simplified = options.contains("temporalValues") || "temporalValues".equals(format);
        boolean aggregated = options.contains("aggregatedValues") || "aggregatedValues".equals(format);
        for (String option : options) {
            if (!Set.of("temporalValues", "aggregatedValues", "normalized", "sysAttrs").contains(option)) {
                throw NgsiLdException.badData("unknown option '" + shorten(option) + "'; the temporal API knows"
                        + " temporalValues and aggregatedValues");
            }
        }
        if (simplified && aggregated) {
            throw NgsiLdException.badData("options temporalValues and aggregatedValues exclude each other");
        }
        Map<String, Aggregate> aggregates = new java.util.LinkedHashMap<>();
        Duration period = null;
        if (aggregated) {
            Set<String> methods = list(parameters, "aggrMethods");
            if (methods.isEmpty()) {
                throw NgsiLdException.badData("aggregatedValues needs aggrMethods");
            }
            for (String m : methods) {
                Aggregate a = METHODS.get(m);
                if (a == null) {
                    if (Set.of("distinctCount", "stddev", "sumsq").contains(m)) {
                        throw new NgsiLdException(ProblemType.OPERATION_NOT_SUPPORTED, "Regie's history buckets keep"
                                + " count, sum, min, max and the mean; not " + m);
                    }
                    throw NgsiLdException.badData("unknown aggrMethods '" + shorten(m) + "'");
                }
                aggregates.put(m, a);
            }
            String duration = single(parameters, "aggrPeriodDuration");
            try {
                period = duration == null ? Duration.between(range[0], range[1]) : Duration.parse(duration);
            } catch (DateTimeParseException e) {
                throw NgsiLdException.badData("aggrPeriodDuration must be an ISO 8601 duration such as PT1H, was '"
                        + shorten(duration) + "'");
            }
            if (period.isNegative() || period.toSeconds() < 1 || period.getNano() != 0) {
                throw NgsiLdException.badData("aggrPeriodDuration must be a whole number of seconds, at least one");
            }
        } else if (parameters.containsKey("aggrMethods") || parameters.containsKey("aggrPeriodDuration")) {
            throw NgsiLdException.badData("aggrMethods and aggrPeriodDuration need options=aggregatedValues");
        }
        int limit = number(parameters, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        boolean count = "true".equals(single(parameters, "count"));
        return new TemporalQuery(type, ids, idPattern, attrs, range[0], range[1], lastN, simplified,
                Map.copyOf(aggregates), period, limit, count);
    }

    private static Instant[] range(Map<String, String[]> parameters, boolean one, Instant now) {
        String timerel = single(parameters, "timerel");
        Instant timeAt = time(parameters, "timeAt");
        Instant end = time(parameters, "endTimeAt");
        Instant later = now.plusSeconds(1);
        if (timerel == null) {
            if (timeAt != null || end != null) {
                throw NgsiLdException.badData("timeAt and endTimeAt need timerel");
            }
            if (!one) {
                throw NgsiLdException.badData("a temporal query needs timerel (before, after or between) and timeAt");
            }
            return new Instant[] {Instant.EPOCH, later};
        }
        if (timeAt == null) {
            throw NgsiLdException.badData("timerel needs timeAt");
        }
        return switch (timerel) {
            case "before" -> new Instant[] {Instant.EPOCH, timeAt};
            case "after" -> {
                if (!timeAt.isBefore(later)) {
                    throw NgsiLdException.badData("timerel=after with timeAt " + timeAt + " asks for the future");
                }
                yield new Instant[] {timeAt, later};
            }
            case "between" -> {
                if (end == null) {
                    throw NgsiLdException.badData("timerel=between needs endTimeAt");
                }
                if (!timeAt.isBefore(end)) {
                    throw NgsiLdException.badData("timeAt must be before endTimeAt");
                }
                yield new Instant[] {timeAt, end};
            }
            default -> throw NgsiLdException.badData("timerel must be before, after or between, was '"
                    + shorten(timerel) + "'");
        };
    }

    private static Instant time(Map<String, String[]> parameters, String name) {
        String text = single(parameters, name);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw NgsiLdException.badData(name + " must be a date and time such as 2030-01-01T00:00:00Z, was '"
                    + shorten(text) + "'");
        }
    }

    private static String single(Map<String, String[]> parameters, String name) {
        String[] values = parameters.get(name);
        if (values == null || values.length == 0) {
            return null;
        }
        if (values.length > 1) {
            throw NgsiLdException.badData("parameter '" + name + "' is given " + values.length + " times");
        }
        return values[0];
    }

    private static Set<String> list(Map<String, String[]> parameters, String name) {
        String text = single(parameters, name);
        Set<String> result = new LinkedHashSet<>();
        if (text == null) {
            return result;
        }
        List<String> parts = new ArrayList<>(List.of(text.split(",")));
        if (parts.size() > 100) {
            throw NgsiLdException.badData("parameter '" + name + "' lists more than 100 values");
        }
        for (String part : parts) {
            if (part.isBlank()) {
                throw NgsiLdException.badData("parameter '" + name + "' has an empty value");
            }
            result.add(part.strip());
        }
        return result;
    }

    private static int number(Map<String, String[]> parameters, String name, int otherwise, int min, int max) {
        String text = single(parameters, name);
        if (text == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(text);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw NgsiLdException.badData(name + " must be a whole number from " + min + " to " + max + ", was '"
                    + shorten(text) + "'");
        }
    }

    private static String shorten(String text) {
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
}
