package nl.regie.benchmarks.swap;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Publishes numbered readings 0, 1, 2, ... at a steady rate on a thread of its own. Reading n is due at
 * {@code start + n / rate}: the thread parks until the next one is due and, when it wakes late, publishes every
 * reading due by then at once, so the rate holds on average whatever the park's jitter (about 50 µs on Linux),
 * without spinning a core. Keeps when each reading was published, for the delays and for what was lost when.
 */
final class PacedPublisher {

    private final LongConsumer target;
    private final long periodNanos;
    private final long[] publishedAt;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private long startNanos;
    private long endNanos;
    private long published;
    private long longestLagNanos;
    private long longestCallNanos;

    /**
     * @param target   publishes reading n
     * @param rate     readings per second
     * @param capacity the most readings it publishes (it stops there)
     */
    PacedPublisher(String name, LongConsumer target, int rate, int capacity) {
        this.target = target;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        this.publishedAt = new long[capacity];
        this.thread = new Thread(this::run, "swap-bench-publisher-" + name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops publishing and waits for the thread; the figures below are final after this. */
    void stop() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(10));
        if (failure != null) {
            throw new IllegalStateException("the publisher failed at reading " + published + ": " + failure, failure);
        }
    }

    private void run() {
        startNanos = System.nanoTime();
        long n = 0;
        try {
            while (running && n < publishedAt.length) {
                long due = startNanos + n * periodNanos;
                long now = System.nanoTime();
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                    continue;
                }
                longestLagNanos = Math.max(longestLagNanos, now - due);
                publishedAt[(int) n] = now;
                target.accept(n);
                longestCallNanos = Math.max(longestCallNanos, System.nanoTime() - now);
                n++;
            }
        } catch (Throwable e) {
            failure = e;
        } finally {
            published = n;
            endNanos = System.nanoTime();
        }
    }

    /** How many readings were published. */
    long published() {
        return published;
    }

    /** When reading n was published ({@link System#nanoTime()}). */
    long publishedAt(long n) {
        return publishedAt[(int) n];
    }

    /** How late reading n was published: the publisher's own stall (a pause of the whole JVM shows here). */
    long lagOf(long n) {
        return publishedAt[(int) n] - (startNanos + n * periodNanos);
    }

    /** The rate achieved, readings per second. */
    double achievedRate() {
        return published * 1e9 / Math.max(1, endNanos - startNanos);
    }

    /** The furthest a reading's publish lagged behind its due time. */
    long longestLagNanos() {
        return longestLagNanos;
    }

    /** The longest one publish call took (it must never block on a swap). */
    long longestCallNanos() {
        return longestCallNanos;
    }

    /** The first reading published at or after {@code nanos}, or {@link #published()} if none. */
    long firstPublishedAtOrAfter(long nanos) {
        long lo = 0;
        long hi = published;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (publishedAt[(int) mid] < nanos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
