package nl.regie.simulator;

/**
 * Simulated time: the origin plus the wall-clock time elapsed since the clock was started, times the speed; the origin
 * until then. Monotonic (it follows {@link System#nanoTime()}, not the wall clock), in epoch milliseconds.
 */
final class SimClock {

    private static final long NOT_STARTED = Long.MIN_VALUE;

    private final long origin;
    private final double speed;
    private volatile long startNanos;

    /** A clock that runs from now. */
    SimClock(long origin, double speed) {
        this(origin, speed, System.nanoTime());
    }

    private SimClock(long origin, double speed, long startNanos) {
        this.origin = origin;
        this.speed = speed;
        this.startNanos = startNanos;
    }

    /** A clock that stays at its origin until {@link #start}. */
    static SimClock stopped(long origin, double speed) {
        return new SimClock(origin, speed, NOT_STARTED);
    }

    /** Starts a {@linkplain #stopped stopped} clock; a clock that runs already goes on. */
    synchronized void start() {
        if (startNanos == NOT_STARTED) {
            startNanos = System.nanoTime();
        }
    }

    /** Simulated time now, epoch milliseconds. */
    long now() {
        long start = startNanos;
        return start == NOT_STARTED ? origin : origin + (long) ((System.nanoTime() - start) * speed / 1e6);
    }

    double speed() {
        return speed;
    }
}
