package nl.regie.simulator;

/**
 * Simulated time: the origin plus the wall-clock time elapsed since the clock was made, times the speed.
 * Monotonic (it follows {@link System#nanoTime()}, not the wall clock), in epoch milliseconds.
 */
final class SimClock {

    private final long origin;
    private final double speed;
    private final long startNanos;

    SimClock(long origin, double speed) {
        this.origin = origin;
        this.speed = speed;
        this.startNanos = System.nanoTime();
    }

    /** Simulated time now, epoch milliseconds. */
    long now() {
        return origin + (long) ((System.nanoTime() - startNanos) * speed / 1e6);
    }

    double speed() {
        return speed;
    }
}
