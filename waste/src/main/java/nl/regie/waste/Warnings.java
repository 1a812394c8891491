package nl.regie.waste;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Rate-limited warnings about bad input: a broken device can send thousands of bad readings a minute, and the
 * log must stay readable. At most one line per {@link #PERIOD_MILLIS} of wall-clock time; the next line says how
 * many were left out.
 */
final class Warnings {

    static final long PERIOD_MILLIS = 60_000;

    private final Consumer<String> sink;
    private final LongSupplier wallClock;
    private long lastAt = Long.MIN_VALUE;
    private long suppressed;

    Warnings(Consumer<String> sink, LongSupplier wallClock) {
        this.sink = sink;
        this.wallClock = wallClock;
    }

    synchronized void warn(String message) {
        long now = wallClock.getAsLong();
        if (lastAt != Long.MIN_VALUE && now - lastAt < PERIOD_MILLIS) {
            suppressed++;
            return;
        }
        lastAt = now;
        sink.accept(suppressed == 0 ? message
                : message + " (" + suppressed + " similar warnings left out in the last minute)");
        suppressed = 0;
    }
}
