package nl.regie.itests;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for conditions with a deadline, polling, instead of sleeping a fixed time and hoping. A timeout
 * fails with what was awaited and the last state seen.
 */
final class Eventually {

    /** How long anything in these tests may take to happen. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private static final long POLL_MILLIS = 20;

    private Eventually() {
    }

    /**
     * Waits until the condition holds.
     *
     * @param what  what is awaited, for the failure message
     * @param condition the condition
     * @param state what to show when the deadline passes
     */
    static void await(String what, BooleanSupplier condition, Supplier<?> state) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + TIMEOUT.toSeconds() + " s waiting for: " + what
                        + "\nlast state: " + state.get());
            }
            pause();
        }
    }

    /**
     * Checks that a condition keeps holding for a while: the way to see that something does not happen.
     *
     * @param what   what must keep holding
     * @param window how long
     * @param condition the condition
     * @param state  what to show when it stops holding
     */
    static void holdsFor(String what, Duration window, BooleanSupplier condition, Supplier<?> state) {
        long end = System.nanoTime() + window.toNanos();
        do {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("Expected to hold for " + window.toMillis() + " ms, but did not: " + what
                        + "\nstate: " + state.get());
            }
            pause();
        } while (System.nanoTime() < end);
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
