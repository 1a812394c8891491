package nl.regie.api.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import nl.regie.api.model.EntityId;

/**
 * The entries of a plugin's array settings, checked. A typed configuration's {@code String[]} value holds entries
 * such as {@code gauge-01=1.5} or {@code a|Amstel|4.90|52.37}; these methods split, check and convert them, and every
 * error is an {@link IllegalArgumentException} whose message has the form
 * {@code key entry 'entry': problem}, naming the setting, the bad entry and what is expected, for example
 * {@code flood.level.by.gauge entry 'gauge-01:1.5': expected gauge=level in metres, such as gauge-01=1.5}.
 *
 * <p>Plain Java, no state: call it from the plugin's settings class, where the configuration is read.
 * <pre>{@code
 * Map<String, Double> levels = new LinkedHashMap<>();
 * Map<String, String> seen = new HashMap<>();
 * for (String entry : ConfigEntries.entries(config.flood_level_by_gauge())) {
 *     ConfigEntries.Pair pair = ConfigEntries.pair("flood.level.by.gauge", entry, "gauge=level, such as g-1=1.5");
 *     String gauge = ConfigEntries.id("flood.level.by.gauge", entry, pair.name());
 *     ConfigEntries.unique("flood.level.by.gauge", entry, "gauge", gauge, seen);
 *     levels.put(gauge, ConfigEntries.number("flood.level.by.gauge", entry, "level", pair.value()));
 * }
 * }</pre>
 */
public final class ConfigEntries {

    private ConfigEntries() {
    }

    /**
     * An entry {@code name=value}, both parts stripped and non-empty.
     *
     * @param name  what is left of the first {@code '='}
     * @param value what is right of it (may itself contain {@code '='})
     */
    public record Pair(String name, String value) {
    }

    /**
     * The non-blank entries of an array value, stripped, in order. Each element is also split at commas, so that a
     * comma-separated list arriving as one string (a {@code .cfg} line, a config file read without metatype) means
     * the same as an array. {@code null} (the setting is absent) and {@code null} elements give no entries.
     */
    public static List<String> entries(String[] values) {
        List<String> entries = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                for (String entry : value == null ? new String[0] : value.split(",")) {
                    if (!entry.isBlank()) {
                        entries.add(entry.strip());
                    }
                }
            }
        }
        return entries;
    }

    /**
     * Splits an entry {@code name=value} at its first {@code '='}.
     *
     * @param expected what the entry should look like, for the error: {@code "gauge=name, such as gauge-01=Amstel"}
     * @throws IllegalArgumentException if there is no {@code '='} or either side is blank:
     *                                  {@code key entry 'entry': expected <expected>}
     */
    public static Pair pair(String key, String entry, String expected) {
        int eq = entry.indexOf('=');
        String name = eq < 0 ? "" : entry.substring(0, eq).strip();
        String value = eq < 0 ? "" : entry.substring(eq + 1).strip();
        if (name.isEmpty() || value.isEmpty()) {
            throw bad(key, entry, "expected " + expected);
        }
        return new Pair(name, value);
    }

    /**
     * Splits an entry {@code a|b|c} into exactly {@code count} fields, each stripped (a field may be empty).
     *
     * @param expected what the entry should look like, for the error: {@code "id|name|lon|lat"}
     * @throws IllegalArgumentException if the number of fields differs:
     *                                  {@code key entry 'entry': expected <expected> (4 fields separated by '|'),
     *                                  found 3 fields}
     */
    public static List<String> fields(String key, String entry, int count, String expected) {
        if (count < 1) {
            throw new IllegalArgumentException("count " + count + " must be at least 1");
        }
        String[] fields = entry.split("\\|", -1);
        if (fields.length != count) {
            throw bad(key, entry, "expected " + expected + " (" + count + (count == 1 ? " field" : " fields")
                    + " separated by '|'), found " + fields.length + (fields.length == 1 ? " field" : " fields"));
        }
        List<String> stripped = new ArrayList<>(count);
        for (String field : fields) {
            stripped.add(field.strip());
        }
        return List.copyOf(stripped);
    }

    /**
     * A finite decimal number.
     *
     * @param what the number's name in the error, such as {@code "level"}
     * @throws IllegalArgumentException if {@code text} is not one: {@code key entry 'entry': the <what> '<text>' is
     *                                  not a number}
     */
    public static double number(String key, String entry, String what, String text) {
        String stripped = text == null ? "" : text.strip();
        try {
            double value = Double.parseDouble(stripped);
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the key and the entry
        }
        throw bad(key, entry, "the " + what + " '" + stripped + "' is not a number");
    }

    /**
     * A local id as an entity's ({@link EntityId}): 1 to 128 letters, digits, {@code '.'}, {@code '_'}, {@code '-'}
     * or {@code ':'}.
     *
     * @return the id, stripped
     * @throws IllegalArgumentException if it is not one: {@code key entry 'entry': the id '<id>' must be 1 to 128
     *                                  letters, digits, '.', '_', '-' or ':'}
     */
    public static String id(String key, String entry, String text) {
        String id = text == null ? "" : text.strip();
        try {
            EntityId.of("Thing", id);
        } catch (IllegalArgumentException e) {
            throw bad(key, entry, "the id '" + id + "' must be 1 to 128 letters, digits, '.', '_', '-' or ':'");
        }
        return id;
    }

    /**
     * Checks that no earlier entry of the same setting used {@code name}, and remembers this entry as its user.
     *
     * @param what the name's meaning in the error, such as {@code "id"} or {@code "gauge"}
     * @param seen the entries so far by name, kept by the caller for one setting; this entry is added to it
     * @throws IllegalArgumentException if an earlier entry used the name: {@code key entry 'entry': the <what>
     *                                  '<name>' is also used by '<earlier entry>'}
     */
    public static void unique(String key, String entry, String what, String name, Map<String, String> seen) {
        String earlier = seen.putIfAbsent(name, entry);
        if (earlier != null) {
            throw bad(key, entry, "the " + what + " '" + name + "' is also used by '" + earlier + "'");
        }
    }

    /**
     * An error about one entry, for the checks a plugin adds itself (ranges, names, rules across fields).
     *
     * @return {@code IllegalArgumentException("key entry 'entry': problem")}, to throw
     */
    public static IllegalArgumentException bad(String key, String entry, String problem) {
        return new IllegalArgumentException(key + " entry '" + entry + "': " + problem);
    }
}
