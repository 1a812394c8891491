package nl.regie.mobility;

import java.util.Locale;
import java.util.Optional;

/** How full a crowd zone is, least full first; {@link #modelName()} is what the plugin publishes as {@code crowdLevel}. */
public enum CrowdLevel {
    /** People can move freely. */
    NORMAL,
    /** Movement is restricted; a crowd that needs watching. */
    BUSY,
    /** Dense enough to become dangerous: act now. */
    CRITICAL;

    /** The published spelling: {@code normal}, {@code busy} or {@code critical}. */
    public String modelName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the Smart Data Models attribute {@code congested} is true at this level (busy or critical). */
    public boolean congested() {
        return this != NORMAL;
    }

    /** The level with this model name ({@code busy}), or empty for anything else. */
    public static Optional<CrowdLevel> parse(String modelName) {
        for (CrowdLevel level : values()) {
            if (level.modelName().equals(modelName)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}
