package nl.regie.runtime.spi.history;

import java.util.Locale;

/** What a bucket of a {@link HistoryQuery} holds of the numbers observed in it. Booleans count as 0 and 1. */
public enum Aggregate {
    /** The mean. */
    AVG,
    /** The least. */
    MIN,
    /** The greatest. */
    MAX,
    /** The sum. */
    SUM,
    /** How many readings. */
    COUNT,
    /** The one observed last. */
    LAST;

    /** The name as a query parameter gives it: {@code avg}, {@code min}, ... */
    public String parameter() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The aggregate a query parameter names.
     *
     * @throws IllegalArgumentException naming the word and the aggregates there are
     */
    public static Aggregate parse(String text) {
        for (Aggregate a : values()) {
            if (a.parameter().equals(text)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown aggregate '" + text + "'; known are avg, min, max, sum, count, last");
    }
}
