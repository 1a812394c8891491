package nl.dijkwacht.flood;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Rate-limited warnings: at most one a minute for each kind of problem, so that a device that keeps sending bad
 * readings cannot fill the log. Uses the wall clock (through {@code nanoTime}) because it limits log volume,
 * which is about the operator's time, not the city's.
 */
final class Warnings {

    private static final long INTERVAL = TimeUnit.MINUTES.toNanos(1);

    private final Consumer<String> sink;
    private final LongSupplier nanoTime;
    private final Map<String, long[]> byKey = new HashMap<>(); // key -> {last logged at, suppressed since}

    Warnings(Consumer<String> sink, LongSupplier nanoTime) {
        this.sink = sink;
        this.nanoTime = nanoTime;
    }

    /** Logs {@code message} unless a warning with the same {@code key} was logged less than a minute ago. */
    void warn(String key, String message) {
        long now = nanoTime.getAsLong();
        long[] state = byKey.get(key);
        if (state != null && now - state[0] < INTERVAL) {
            state[1]++;
            return;
        }
        long suppressed = state == null ? 0 : state[1];
        byKey.put(key, new long[] {now, 0});
        sink.accept(suppressed == 0 ? message : message + " (" + suppressed + " more like it in the last minute)");
    }
}
