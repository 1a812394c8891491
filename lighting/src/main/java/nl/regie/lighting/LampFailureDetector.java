package nl.regie.lighting;

import java.util.HashMap;
import java.util.Map;

import nl.regie.api.model.EntityId;

/**
 * Tells failed lamps: a lamp that says it is on, at a level above 0, but whose meter reads less than
 * {@code failure.watts} on {@code failure.reports} consecutive reports has failed (a broken LED driver or
 * lamp). It has recovered when it draws at least {@code failure.watts} again. A report while the lamp is off or
 * at level 0 proves nothing: it breaks a streak but does not end a failure. Not thread-safe: the engine
 * confines it to its lock.
 */
final class LampFailureDetector {

    /** What a report changed. */
    enum Change { NONE, FAILED, RECOVERED }

    private static final class Streak {
        int lowReports;
        boolean failed;
    }

    private final Map<EntityId, Streak> lamps = new HashMap<>();
    private double failureWatts;
    private int reports;

    LampFailureDetector(double failureWatts, int reports) {
        configure(failureWatts, reports);
    }

    /** Applies new thresholds; streaks under way count on. */
    void configure(double newFailureWatts, int newReports) {
        this.failureWatts = newFailureWatts;
        this.reports = newReports;
    }

    /**
     * Takes one report of a lamp.
     *
     * @param on    whether it says it is on
     * @param level its reported level, 0..1
     * @param watts its meter reading
     * @return whether the lamp has just failed or recovered
     */
    Change report(EntityId lamp, boolean on, double level, double watts) {
        Streak streak = lamps.computeIfAbsent(lamp, l -> new Streak());
        if (watts >= failureWatts) {
            streak.lowReports = 0;
            if (streak.failed) {
                streak.failed = false;
                return Change.RECOVERED;
            }
            return Change.NONE;
        }
        if (!on || level <= 0) {
            streak.lowReports = 0;
            return Change.NONE;
        }
        streak.lowReports++;
        if (!streak.failed && streak.lowReports >= reports) {
            streak.failed = true;
            return Change.FAILED;
        }
        return Change.NONE;
    }

    /** Marks a lamp as failed already, for an alert raised before a restart. */
    void knownFailed(EntityId lamp) {
        lamps.computeIfAbsent(lamp, l -> new Streak()).failed = true;
    }

    /** Whether the lamp is taken as failed. */
    boolean failed(EntityId lamp) {
        Streak streak = lamps.get(lamp);
        return streak != null && streak.failed;
    }
}
