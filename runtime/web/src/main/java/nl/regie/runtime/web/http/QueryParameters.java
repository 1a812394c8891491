package nl.regie.runtime.web.http;

import java.util.Collection;
import java.util.Map;

/**
 * Reading query parameters the same way in every list endpoint: unknown names refused, each value given once,
 * and the paging pair {@code limit} (1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}) and
 * {@code offset} (default 0). Every problem is an IllegalArgumentException naming the parameter.
 */
final class QueryParameters {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    private QueryParameters() {
    }

    /** Refuses a parameter not in {@code known}. */
    static void checkKnown(Map<String, String[]> parameters, Collection<String> known) {
        for (String name : parameters.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown query parameter '" + name + "'; known are " + known);
            }
        }
    }

    /** The one value of a parameter, trimmed, or null if it is absent. */
    static String single(Map<String, String[]> parameters, String name) {
        String[] values = parameters.get(name);
        if (values == null) {
            return null;
        }
        if (values.length != 1 || values[0].isBlank()) {
            throw new IllegalArgumentException("parameter '" + name + "' must be given once, with a value");
        }
        return values[0].trim();
    }

    /** The {@code limit} parameter. */
    static int limit(Map<String, String[]> parameters) {
        return integer(parameters, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    }

    /** The {@code offset} parameter. */
    static int offset(Map<String, String[]> parameters) {
        return integer(parameters, "offset", 0, 0, Integer.MAX_VALUE);
    }

    static int integer(Map<String, String[]> parameters, String name, int fallback, int min, int max) {
        String text = single(parameters, name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException("parameter '" + name + "' must be between " + min + " and " + max
                        + ", was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter '" + name + "' must be a whole number, was '" + text + "'", e);
        }
    }
}
