package nl.regie.launcher.broker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The broker's refusals on the console: one line per client and kind of refusal at most once a minute, with a count of
 * the refusals left out since, so that a client that keeps trying cannot flood the log. The clients remembered are the
 * {@value #REMEMBERED} seen last; one beyond them starts afresh. Thread-safe.
 */
final class RefusalLog {

    static final Duration EVERY = Duration.ofMinutes(1);
    static final int REMEMBERED = 1_000;

    private record Last(Instant at, long suppressed) {
    }

    private final Consumer<String> out;
    private final Clock clock;
    private final Map<String, Last> last = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Last> eldest) {
            return size() > REMEMBERED;
        }
    };

    RefusalLog(Consumer<String> out, Clock clock) {
        this.out = Objects.requireNonNull(out, "out");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Logs {@code message} unless {@code client} (a client id and a kind) had a line in the last minute; then counts it. */
    void refused(String client, String message) {
        Instant now = clock.instant();
        long suppressed;
        synchronized (last) {
            Last previous = last.get(client);
            if (previous != null && now.isBefore(previous.at().plus(EVERY))) {
                last.put(client, new Last(previous.at(), previous.suppressed() + 1));
                return;
            }
            suppressed = previous == null ? 0 : previous.suppressed();
            last.put(client, new Last(now, 0));
        }
        out.accept(message + (suppressed == 0 ? "" : " (and " + suppressed + " more refusals of this client since the"
                + " last such line)"));
    }
}
