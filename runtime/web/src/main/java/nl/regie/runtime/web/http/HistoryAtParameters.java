package nl.regie.runtime.web.http;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import nl.regie.api.model.BoundingBox;

/**
 * The query parameters of {@code GET /api/history/at}, parsed and checked: {@code time} (ISO-8601 with an offset, now
 * by default; kept to the millisecond, as the history keeps times), {@code type} (required: one entity type or up to
 * {@value #MAX_TYPES} separated by commas), {@code bbox} ({@code w,s,e,n}), {@code attrs} (as for the other history
 * endpoints) and {@code lookBack} (how far before {@code time} a reading still counts: {@code 30s}, {@code 5m},
 * {@code 1h} or ISO-8601, {@value #DEFAULT_LOOK_BACK_MINUTES} minutes by default, at most
 * {@value #MAX_LOOK_BACK_HOURS} hours). Every problem is an IllegalArgumentException naming the parameter.
 *
 * @param time       the time the answer shows the city at
 * @param types      the entity types, in the order given, each once
 * @param bbox       only entities (and alerts) within this area, or null
 * @param attributes only these attributes; empty for all
 * @param lookBack   how far back from {@code time} the last reading of a series is looked for
 */
record HistoryAtParameters(Instant time, List<String> types, BoundingBox bbox, Set<String> attributes,
        Duration lookBack) {

    static final int MAX_TYPES = 20;
    static final int DEFAULT_LOOK_BACK_MINUTES = 60;
    static final int MAX_LOOK_BACK_HOURS = 6;

    private static final List<String> KNOWN = List.of("time", "type", "bbox", "attrs", "lookBack");

    /** The parameters, with {@code now} as the default time. */
    static HistoryAtParameters parse(Map<String, String[]> parameters, Instant now) {
        QueryParameters.checkKnown(parameters, KNOWN);
        Instant time = HistoryParameters.time(parameters, "time", now).truncatedTo(ChronoUnit.MILLIS);
        List<String> types = types(QueryParameters.single(parameters, "type"));
        BoundingBox bbox = bbox(QueryParameters.single(parameters, "bbox"));
        Set<String> attributes = HistoryParameters.attributes(QueryParameters.single(parameters, "attrs"));
        Duration lookBack = HistoryParameters.length("lookBack", QueryParameters.single(parameters, "lookBack"));
        if (lookBack == null) {
            lookBack = Duration.ofMinutes(DEFAULT_LOOK_BACK_MINUTES);
        }
        if (lookBack.compareTo(Duration.ofHours(MAX_LOOK_BACK_HOURS)) > 0) {
            throw new IllegalArgumentException("parameter 'lookBack' may be at most " + MAX_LOOK_BACK_HOURS
                    + " hours (PT" + MAX_LOOK_BACK_HOURS + "H), was " + lookBack);
        }
        return new HistoryAtParameters(time, types, bbox, attributes, lookBack);
    }

    /** The start of the look-back, inclusive. */
    Instant from() {
        return time.minus(lookBack);
    }

    /** The end of the look-back, exclusive: just after {@code time}, so that a reading observed at it counts. */
    Instant until() {
        return time.plusMillis(1);
    }

    private static List<String> types(String text) {
        if (text == null) {
            throw new IllegalArgumentException("parameter 'type' is required: the entity types to show, separated by"
                    + " commas");
        }
        Set<String> types = new LinkedHashSet<>();
        for (String word : text.split(",", -1)) {
            String type = word.trim();
            if (!HistoryParameters.TYPE.matcher(type).matches()) {
                throw new IllegalArgumentException("parameter 'type' must be entity types (each an upper-case letter,"
                        + " then letters and digits) separated by commas; '" + type + "' is not one");
            }
            types.add(type);
        }
        if (types.size() > MAX_TYPES) {
            throw new IllegalArgumentException("parameter 'type' may name at most " + MAX_TYPES + " types, named "
                    + types.size());
        }
        return new ArrayList<>(types);
    }

    private static BoundingBox bbox(String text) {
        if (text == null) {
            return null;
        }
        double[] b = EntityQuery.numbers("bbox", text, 4, "west,south,east,north");
        try {
            return new BoundingBox(b[0], b[1], b[2], b[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter 'bbox': " + e.getMessage(), e);
        }
    }
}
