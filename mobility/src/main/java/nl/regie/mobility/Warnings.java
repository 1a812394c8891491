package nl.regie.mobility;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Warnings about bad input, at most one per key (a problem on one entity) per interval, with a count of those held
 * back. A device that keeps sending something wrong shows up in the log without flooding it.
 *
 * <p>The interval is measured on the wall clock, not in event time: it limits what a person has to read, and under
 * the simulator's fast clock ten simulated minutes pass in one real second.
 */
final class Warnings {

    /** Beyond this many keys the oldest knowledge is dropped, so unknown ids cannot grow the map without bound. */
    private static final int MAX_KEYS = 10_000;

    private final Consumer<String> sink;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private final Map<String, long[]> lastAndSuppressed = new HashMap<>();

    /**
     * @param sink          where a warning goes, e.g. the logger
     * @param nanoClock     a monotonic clock in nanoseconds, e.g. {@code System::nanoTime}
     * @param intervalNanos the least time between two warnings with the same key
     */
    Warnings(Consumer<String> sink, LongSupplier nanoClock, long intervalNanos) {
        this.sink = sink;
        this.nanoClock = nanoClock;
        this.intervalNanos = intervalNanos;
    }

    /** Warnings at most once every ten minutes per key, on {@link System#nanoTime()}. */
    static Warnings everyTenMinutes(Consumer<String> sink) {
        return new Warnings(sink, System::nanoTime, TimeUnit.MINUTES.toNanos(10));
    }

    /** Warns, unless a warning with this key was given less than the interval ago (then it is only counted). */
    synchronized void warn(String key, String message) {
        long now = nanoClock.getAsLong();
        long[] entry = lastAndSuppressed.get(key);
        if (entry != null && now - entry[0] < intervalNanos) {
            entry[1]++;
            return;
        }
        if (entry == null) {
            if (lastAndSuppressed.size() >= MAX_KEYS) {
                lastAndSuppressed.clear();
            }
            entry = new long[2];
            lastAndSuppressed.put(key, entry);
        }
        long suppressed = entry[1];
        entry[0] = now;
        entry[1] = 0;
        sink.accept(suppressed == 0 ? message : message + " (" + suppressed + " more like it since the last warning)");
    }
}
