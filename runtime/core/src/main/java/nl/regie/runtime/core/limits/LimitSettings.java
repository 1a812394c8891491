package nl.regie.runtime.core.limits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The per-plugin limits as configured (PID {@value PluginLimits#PID}): the values every plugin gets, and overrides
 * for some plugins, each {@code {symbolicName} {limit}={value}...} where the name may hold {@code *} (any characters)
 * and {@code ?} (one); the first override that names a plugin counts. Immutable.
 *
 * @param defaults           every plugin's limits, but where an override says otherwise
 * @param overrides          the overrides, in the order written
 * @param threadCheckSeconds how often the threads of every plugin are counted
 */
public record LimitSettings(LimitValues defaults, List<Override> overrides, int threadCheckSeconds) {

    /** How often threads are counted by default, in seconds. */
    public static final int DEFAULT_THREAD_CHECK_SECONDS = 10;
    /** The configuration key of {@link #threadCheckSeconds()}. */
    public static final String THREAD_CHECK_SECONDS = "threadCheckSeconds";
    /** The configuration key of {@link #overrides()}. */
    public static final String OVERRIDES = "overrides";

    /** The settings without configuration. */
    public static final LimitSettings DEFAULTS = new LimitSettings(LimitValues.DEFAULTS, List.of(),
            DEFAULT_THREAD_CHECK_SECONDS);

    private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9._*?-]{1,256}");

    /**
     * Other limits for the plugins whose symbolic names match a pattern.
     *
     * @param pattern the symbolic name, or a glob
     * @param values  the plugins' limits
     * @param text    as written
     */
    public record Override(String pattern, LimitValues values, String text) {

        /** Whether a plugin's symbolic name matches. */
        boolean matches(String symbolicName) {
            return Pattern.matches(glob(pattern), symbolicName);
        }

        private static String glob(String pattern) {
            StringBuilder regex = new StringBuilder();
            for (char c : pattern.toCharArray()) {
                switch (c) {
                    case '*' -> regex.append(".*");
                    case '?' -> regex.append('.');
                    default -> regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return regex.toString();
        }
    }

    /** Copies the list. */
    public LimitSettings {
        overrides = List.copyOf(overrides);
    }

    /** The limits of a plugin: those of the first override that names it, else the defaults. */
    public LimitValues forPlugin(String symbolicName) {
        for (Override override : overrides) {
            if (override.matches(symbolicName)) {
                return override.values();
            }
        }
        return defaults;
    }

    /**
     * The settings configuration properties describe; keys it does not know (ConfigAdmin's own) are ignored.
     *
     * @throws IllegalArgumentException naming the key and what is wrong with its value; nothing is applied
     */
    public static LimitSettings parse(Map<String, ?> properties) {
        Map<String, Integer> given = new LinkedHashMap<>();
        for (String name : LimitValues.NAMES) {
            if (properties.get(name) != null) {
                given.put(name, whole(name, properties.get(name)));
            }
        }
        LimitValues defaults = LimitValues.DEFAULTS.with(given);
        int seconds = DEFAULT_THREAD_CHECK_SECONDS;
        if (properties.get(THREAD_CHECK_SECONDS) != null) {
            seconds = whole(THREAD_CHECK_SECONDS, properties.get(THREAD_CHECK_SECONDS));
            if (seconds < 1 || seconds > 3600) {
                throw new IllegalArgumentException(THREAD_CHECK_SECONDS + " = " + seconds + " is out of range: it must"
                        + " be from 1 to 3600");
            }
        }
        List<Override> overrides = new ArrayList<>();
        for (String element : elements(properties.get(OVERRIDES))) {
            overrides.add(override(element, defaults));
        }
        return new LimitSettings(defaults, overrides, seconds);
    }

    private static Override override(String element, LimitValues defaults) {
        String where = OVERRIDES + ": '" + element + "'";
        String[] words = element.strip().split("\\s+");
        if (words.length < 2) {
            throw new IllegalArgumentException(where + " must be '{symbolicName} {limit}={value}...', such as"
                    + " 'nl.regie.mobility publishPerSecond=50000'");
        }
        if (!NAME_PATTERN.matcher(words[0]).matches()) {
            throw new IllegalArgumentException(where + ": '" + words[0] + "' is not a symbolic name or pattern of"
                    + " letters, digits, '.', '_', '-' with '*' or '?'");
        }
        Map<String, Integer> changes = new LinkedHashMap<>();
        for (int i = 1; i < words.length; i++) {
            int equals = words[i].indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException(where + ": '" + words[i] + "' must be {limit}={value}");
            }
            String name = words[i].substring(0, equals);
            if (changes.put(name, whole(name, words[i].substring(equals + 1))) != null) {
                throw new IllegalArgumentException(where + " gives " + name + " twice");
            }
        }
        try {
            return new Override(words[0], defaults.with(changes), String.join(" ", words));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static int whole(String name, Object value) {
        if (value instanceof Integer number) {
            return number;
        }
        if (value instanceof Long number && number >= Integer.MIN_VALUE && number <= Integer.MAX_VALUE) {
            return number.intValue();
        }
        if (value instanceof String text) {
            try {
                return Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(name + " = " + value + " is not a whole number");
    }

    private static List<String> elements(Object value) {
        if (value == null) {
            return List.of();
        }
        List<String> raw;
        if (value instanceof String text) {
            raw = text.isBlank() ? List.of() : Arrays.asList(text.split(","));
        } else if (value instanceof String[] array) {
            raw = Arrays.asList(array);
        } else if (value instanceof Collection<?> collection && collection.stream().allMatch(String.class::isInstance)) {
            raw = collection.stream().map(String.class::cast).toList();
        } else {
            throw new IllegalArgumentException(OVERRIDES + " must be text, comma-separated, was " + value);
        }
        return raw.stream().map(String::strip).filter(element -> !element.isEmpty()).toList();
    }
}
