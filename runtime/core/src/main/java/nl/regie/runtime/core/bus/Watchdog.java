package nl.regie.runtime.core.bus;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.osgi.service.log.Logger;

/**
 * The bus's one timekeeper: a daemon thread {@code regie-bus-watchdog} that looks at every subscriber's
 * delivery in progress a few times per delivery timeout and times out the ones that overran it
 * (see {@link Subscriber#checkTimeout}). Delivery threads never read the clock, which keeps them fast.
 */
final class Watchdog {

    private final Supplier<List<Subscriber>> subscribers;
    private volatile long tickNanos;
    private final Logger log;
    private final Thread thread;
    private volatile boolean stopped;

    Watchdog(Duration deliveryTimeout, Supplier<List<Subscriber>> subscribers, Logger log) {
        this.subscribers = subscribers;
        this.tickNanos = tickNanos(deliveryTimeout);
        this.log = log;
        this.thread = new Thread(this::run, "regie-bus-watchdog");
        thread.setDaemon(true);
    }

    /** A quarter of the timeout (at most a second): a timeout is noticed between 1 and 1.25 times the timeout. */
    private static long tickNanos(Duration deliveryTimeout) {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                Math.min(deliveryTimeout.toNanos() / 4, TimeUnit.SECONDS.toNanos(1)));
    }

    /** Looks as often as a new delivery timeout needs, from its next look on (which comes at once). */
    void retime(Duration deliveryTimeout) {
        tickNanos = tickNanos(deliveryTimeout);
        LockSupport.unpark(thread);
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    boolean awaitStopped(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
        return !thread.isAlive();
    }

    private void run() {
        while (!stopped) {
            LockSupport.parkNanos(this, tickNanos);
            long now = System.nanoTime();
            for (Subscriber subscriber : subscribers.get()) {
                try {
                    subscriber.checkTimeout(now);
                } catch (RuntimeException e) {
                    log.error("Bus watchdog failed to check subscriber {}", subscriber.id(), e);
                }
            }
        }
    }
}
