package nl.regie.lighting;

import java.time.Duration;

/**
 * Runs the plugin's own work off the bus thread: command outcomes and retries. Wall-clock based, because retries
 * and command timeouts must happen when no reading comes. The component backs it with a named daemon thread;
 * tests with a manual one.
 */
interface TaskScheduler {

    /** Runs {@code task} soon, on the scheduler's thread. */
    void execute(Runnable task);

    /** Runs {@code task} after {@code delay} of wall-clock time. */
    void schedule(Runnable task, Duration delay);
}
