package nl.regie.benchmarks;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts deliveries per subscriber and lets the benchmark thread wait until every subscriber has received
 * what was published. Subscribers call {@link #delivered(int)}; the benchmark thread calls {@link #expect}
 * before publishing and then one of the await methods.
 */
final class Deliveries implements Sink {

    /** Counters 128 bytes apart, so subscriber threads do not share a cache line. */
    private static final int STRIDE = 16;

    private final int subscribers;
    private final AtomicLongArray counts;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long target;
    private volatile Thread waiter;
    private long expected;

    Deliveries(int subscribers) {
        this.subscribers = subscribers;
        this.counts = new AtomicLongArray(subscribers * STRIDE);
    }

    @Override
    public void delivered(int subscriber) {
        if (counts.incrementAndGet(subscriber * STRIDE) == target && pending.decrementAndGet() == 0) {
            LockSupport.unpark(waiter);
        }
    }

    /** Announces that each subscriber is about to receive {@code count} more; call before publishing them. */
    void expect(int count) {
        expected += count;
        waiter = Thread.currentThread();
        pending.set(subscribers);
        target = expected;
    }

    /** Waits, parked, until every subscriber has received everything expected. For throughput runs. */
    void awaitParked() {
        while (pending.get() != 0) {
            LockSupport.park(this);
        }
    }

    /** Waits, spinning, until every subscriber has received everything expected. For latency runs. */
    void awaitSpinning() {
        while (pending.get() != 0) {
            Thread.onSpinWait();
        }
    }

    @Override
    public int subscribers() {
        return subscribers;
    }
}
