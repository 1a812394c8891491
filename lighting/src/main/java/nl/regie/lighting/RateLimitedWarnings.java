package nl.regie.lighting;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Warnings about bad input, at most one per kind per interval (wall clock), so that a device sending nonsense
 * every few seconds does not flood the log; the next warning of the kind says how many were left out.
 * Thread-safe.
 */
final class RateLimitedWarnings {

    private static final int MAX_KINDS = 1_000;

    private final Consumer<String> sink;
    private final Clock clock;
    private final Duration interval;
    private final Map<String, Window> windows = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_KINDS;
        }
    };

    private static final class Window {
        Instant last;
        int suppressed;
    }

    RateLimitedWarnings(Consumer<String> sink, Clock clock, Duration interval) {
        this.sink = sink;
        this.clock = clock;
        this.interval = interval;
    }

    /** Logs {@code message} unless a warning of the same {@code kind} was logged within the interval. */
    void warn(String kind, String message) {
        String line;
        synchronized (windows) {
            Instant now = clock.instant();
            Window window = windows.computeIfAbsent(kind, k -> new Window());
            if (window.last != null && Duration.between(window.last, now).compareTo(interval) < 0) {
                window.suppressed++;
                return;
            }
            line = window.suppressed == 0 ? message
                    : message + " (" + window.suppressed + " similar warnings left out)";
            window.last = now;
            window.suppressed = 0;
        }
        sink.accept(line);
    }
}
