package nl.regie.runtime.spi.alert;

import java.util.Locale;
import java.util.Objects;

import nl.regie.api.alert.Alert;

/**
 * Which alerts a query wants: by state, and optionally by category and by source (the raising plugin's symbolic
 * name); a {@code null} category or source matches any.
 *
 * @param state    active, resolved or all
 * @param category only alerts of this category, or {@code null}
 * @param source   only alerts raised by this plugin, or {@code null}
 */
public record AlertFilter(State state, String category, String source) {

    /** Checks that the state is given. */
    public AlertFilter {
        Objects.requireNonNull(state, "alert state is required");
    }

    /** An alert's state, as a query names it. */
    public enum State {
        ACTIVE, RESOLVED, ALL;

        /** The name in a query: {@code active}, {@code resolved} or {@code all}. */
        public String queryName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The state with a query name, in any case.
         *
         * @throws IllegalArgumentException naming the value and the allowed ones
         */
        public static State parse(String name) {
            for (State state : values()) {
                if (state.name().equalsIgnoreCase(name)) {
                    return state;
                }
            }
            throw new IllegalArgumentException("unknown alert state '" + name + "': use active, resolved or all");
        }
    }

    /** Every active alert. */
    public static AlertFilter activeAlerts() {
        return new AlertFilter(State.ACTIVE, null, null);
    }

    /** Whether an alert matches the category and source (the state is the store's business). */
    public boolean matches(Alert alert) {
        return (category == null || category.equals(alert.category()))
                && (source == null || source.equals(alert.source()));
    }
}
