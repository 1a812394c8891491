package nl.regie.mobility;

import java.util.Locale;

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
}
