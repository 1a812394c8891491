package nl.regie.notifiers.delivery;

import java.time.Duration;

/**
 * How long to wait before a retry: {@code first}, doubling with each failed attempt, at most {@code max}.
 *
 * @param first       the wait after the first failed attempt, more than 0
 * @param max         the longest wait, at least {@code first}
 * @param maxAttempts how many attempts a message gets in all, at least 1
 */
public record Backoff(Duration first, Duration max, int maxAttempts) {

    /** Checks the fields. */
    public Backoff {
        if (first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("retry wait must be more than 0, not " + first.toMillis() + " ms");
        }
        if (max.compareTo(first) < 0) {
            throw new IllegalArgumentException("longest retry wait (" + max.toMillis()
                    + " ms) must be at least the first (" + first.toMillis() + " ms)");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, not " + maxAttempts);
        }
    }

    /** The wait after failed attempt number {@code attempt} (1 for the first). */
    public Duration after(int attempt) {
        Duration wait = first;
        for (int i = 1; i < attempt && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
