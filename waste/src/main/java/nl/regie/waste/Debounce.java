package nl.regie.waste;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Runs a task after a change, at most once per interval of wall-clock time (changes come with readings, and under
 * the simulator's fast clock many a second; the plan is wanted soon but not per reading). The first change after a
 * quiet spell runs at once; changes while a run is pending are covered by it; changes during or just after a run
 * schedule the next one an interval after it started.
 */
final class Debounce {

    private final LongSupplier wallClock;
    private long intervalMillis;
    private long lastRun = Long.MIN_VALUE;
    private boolean pending;

    Debounce(Duration interval, LongSupplier wallClock) {
        this.intervalMillis = interval.toMillis();
        this.wallClock = wallClock;
    }

    /**
     * Something changed.
     *
     * @return the delay in milliseconds after which to run, or -1 if a run is already pending
     */
    synchronized long changed() {
        if (pending) {
            return -1;
        }
        pending = true;
        if (lastRun == Long.MIN_VALUE) {
            return 0;
        }
        return Math.max(0, lastRun + intervalMillis - wallClock.getAsLong());
    }

    /** A run starts: it covers every change so far. */
    synchronized void started() {
        pending = false;
        lastRun = wallClock.getAsLong();
    }

    synchronized void interval(Duration interval) {
        intervalMillis = interval.toMillis();
    }
}
