package nl.regie.mobility;

import java.util.Locale;
import java.util.Optional;

/**
 * How congested a road segment is, least congested first; {@link #modelName()} is what the plugin publishes as
 * {@code congestionLevel}.
 */
public enum CongestionLevel {
    /** Traffic flows at or near its free-flow speed. */
    FREE,
    /** Slowed, but moving. */
    MODERATE,
    /** Slow, close to capacity. */
    HEAVY,
    /** Queuing, stop and go. */
    JAMMED;

    /** The published spelling: {@code free}, {@code moderate}, {@code heavy} or {@code jammed}. */
    public String modelName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the Smart Data Models attribute {@code congested} is true at this level (heavy or jammed). */
    public boolean congested() {
        return this == HEAVY || this == JAMMED;
    }

    /** The level with this model name ({@code busy}), or empty for anything else. */
    public static Optional<CongestionLevel> parse(String modelName) {
        for (CongestionLevel level : values()) {
            if (level.modelName().equals(modelName)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}
