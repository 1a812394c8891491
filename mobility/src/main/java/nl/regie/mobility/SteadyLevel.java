package nl.regie.mobility;

import java.time.Duration;
import java.time.Instant;

/**
 * The level of one zone or segment, which rises at once but falls only when the lower verdict has held for a while
 * (an off-delay, measured in event time). Hysteresis ({@link Bands}) keeps a level against small wobbles; the delay
 * keeps it against a single low reading in a long high spell, so that one overcrowding or one jam is one alert, not
 * several. Alarm-management practice (ISA-18.2, EEMUA 191) prescribes the same pair, deadband and off-delay, against
 * chattering alarms. Escalation is never delayed: a crowd turning critical is reported on the reading that shows it.
 *
 * <p>Not thread-safe: used from the plugin's bus thread only.
 */
final class SteadyLevel {

    private int level = -1;
    private Instant lowerSince;

    /**
     * Starts from a level a previous instance reached (restored from the city state after an update or a restart), so
     * that the hysteresis and the hold go on from there instead of from nothing. Ignored once a verdict has been taken.
     */
    void restore(int restored) {
        if (level < 0 && restored >= 0) {
            level = restored;
        }
    }

    /** The level now, or -1 before the first {@link #update}. */
    int level() {
        return level;
    }

    /**
     * Takes a new verdict.
     *
     * @param verdict the level the latest reading shows
     * @param at      when that reading was observed
     * @param hold    how long a lower verdict must last before the level falls; zero for at once
     * @return the level now
     */
    int update(int verdict, Instant at, Duration hold) {
        if (level < 0 || verdict >= level) {
            level = verdict;
            lowerSince = null;
            return level;
        }
        if (lowerSince == null) {
            lowerSince = at;
        }
        if (Duration.between(lowerSince, at).compareTo(hold) >= 0) {
            level = verdict;
            lowerSince = null;
        }
        return level;
    }
}
