package nl.regie.runtime.history;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How long the history keeps raw readings and their one-minute rollups, per entity type: a default for every type
 * and overrides for some, each entry {@code {Type} rawDays={n} rollupDays={n}} (either key may be left out: it is
 * then the default). A bad entry is refused with a message naming it.
 *
 * @param raw     how long raw readings are kept by default
 * @param rollups how long one-minute rollups are kept by default
 * @param byType  other periods for some types
 */
record RetentionPolicy(Duration raw, Duration rollups, Map<String, Periods> byType) {

    /** The periods of one type. */
    record Periods(Duration raw, Duration rollups) {
    }

    /** The shipped defaults: raw readings a week, rollups 90 days. */
    static final RetentionPolicy DEFAULTS = new RetentionPolicy(Duration.ofDays(7), Duration.ofDays(90), Map.of());

    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z0-9]{0,63}");
    static final int MAX_DAYS = 36_500;

    RetentionPolicy {
        byType = Map.copyOf(byType);
    }

    /** The periods of a type. */
    Periods of(String type) {
        Periods periods = byType.get(type);
        return periods != null ? periods : new Periods(raw, rollups);
    }

    /**
     * A policy from the configuration's values.
     *
     * @throws IllegalArgumentException naming the entry or value that is wrong
     */
    static RetentionPolicy parse(int rawDays, int rollupDays, String[] typeEntries) {
        Duration raw = days("rawDays", rawDays);
        Duration rollups = days("rollupDays", rollupDays);
        Map<String, Periods> byType = new LinkedHashMap<>();
        for (String entry : typeEntries == null ? new String[0] : typeEntries) {
            String text = entry.trim();
            if (text.isEmpty()) {
                continue;
            }
            String[] words = text.split("\\s+");
            if (!TYPE.matcher(words[0]).matches()) {
                throw new IllegalArgumentException("typeRetention entry '" + text + "' must start with an entity type"
                        + " (an upper-case letter, then letters and digits)");
            }
            if (byType.containsKey(words[0])) {
                throw new IllegalArgumentException("typeRetention names " + words[0] + " twice");
            }
            Duration typeRaw = raw;
            Duration typeRollups = rollups;
            for (int i = 1; i < words.length; i++) {
                String[] pair = words[i].split("=", 2);
                if (pair.length != 2) {
                    throw new IllegalArgumentException("typeRetention entry '" + text + "': '" + words[i]
                            + "' must be rawDays={n} or rollupDays={n}");
                }
                int value;
                try {
                    value = Integer.parseInt(pair[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("typeRetention entry '" + text + "': " + pair[0]
                            + " must be a whole number of days, was '" + pair[1] + "'", e);
                }
                switch (pair[0]) {
                    case "rawDays" -> typeRaw = days("typeRetention " + words[0] + " rawDays", value);
                    case "rollupDays" -> typeRollups = days("typeRetention " + words[0] + " rollupDays", value);
                    default -> throw new IllegalArgumentException("typeRetention entry '" + text + "': unknown key '"
                            + pair[0] + "'; known are rawDays and rollupDays");
                }
            }
            byType.put(words[0], new Periods(typeRaw, typeRollups));
        }
        return new RetentionPolicy(raw, rollups, byType);
    }

    private static Duration days(String name, int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException(name + " must be between 1 and " + MAX_DAYS + " days, was " + days);
        }
        return Duration.ofDays(days);
    }
}
