package nl.regie.benchmarks.stream;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Publishes numbered changes 0, 1, 2, ... at a steady rate on a thread of its own, as the swap benchmark's paced
 * publisher does: change n is due at {@code start + n / rate}; the thread parks until the next is due and, when it
 * wakes late, publishes every change due by then, so the rate holds on average without spinning a core. It keeps
 * when each change was published ({@link System#nanoTime()}, for the latency) and, when the benchmark moves to a
 * new phase, the first change of that phase, marked before that change is published.
 */
final class Pacer {

    private final LongConsumer target;
    private final long periodNanos;
    private final AtomicLongArray publishedAt;
    private final AtomicLongArray phaseStart;
    private final Thread thread;
    private volatile int requestedPhase;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long published;
    private long startNanos;

    /**
     * @param target   publishes change n
     * @param rate     changes per second
     * @param capacity the most changes it publishes (it stops there)
     * @param phases   how many phases the benchmark marks (phase 0 starts at change 0)
     */
    Pacer(LongConsumer target, int rate, int capacity, int phases) {
        this.target = target;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        this.publishedAt = new AtomicLongArray(capacity);
        this.phaseStart = new AtomicLongArray(phases + 1);
        for (int p = 1; p <= phases; p++) {
            phaseStart.set(p, Long.MAX_VALUE);
        }
        this.thread = new Thread(this::run, "stream-bench-pacer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** From the next change on, the changes belong to {@code phase} (phases only go forward). */
    void phase(int phase) {
        requestedPhase = phase;
    }

    /** Stops publishing and waits for the thread; marks the end of the last phase. */
    void stop() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(10));
        if (failure != null) {
            throw new IllegalStateException("the publisher failed at change " + published + ": " + failure, failure);
        }
    }

    private void run() {
        startNanos = System.nanoTime();
        long n = 0;
        int phase = 0;
        try {
            while (running && n < publishedAt.length()) {
                long due = startNanos + n * periodNanos;
                long now = System.nanoTime();
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                    continue;
                }
                int wanted = requestedPhase;
                while (phase < wanted) {
                    phaseStart.set(++phase, n);
                }
                publishedAt.set((int) n, now);
                target.accept(n);
                n++;
                published = n;
            }
        } catch (Throwable e) {
            failure = e;
        } finally {
            published = n;
            for (int p = phase + 1; p < phaseStart.length(); p++) {
                phaseStart.set(p, n);
            }
        }
    }

    /** How many changes were published so far. */
    long published() {
        return published;
    }

    /** When change n was published ({@link System#nanoTime()}), or 0 if it was not (yet). */
    long publishedAt(long n) {
        return n >= 0 && n < publishedAt.length() ? publishedAt.get((int) n) : 0;
    }

    /** The first change of a phase (after {@link #stop()}: {@code phase == phases} is the end of the last one). */
    long phaseStart(int phase) {
        return phaseStart.get(phase);
    }

    /** The seconds from the first change of {@code phase} to the first of the next one (after stop). */
    double phaseSeconds(int phase) {
        long from = phaseStart.get(phase);
        long to = phaseStart.get(phase + 1);
        if (to <= from) {
            return 0;
        }
        return (publishedAt(to - 1) - publishedAt(from)) / 1e9 + periodNanos / 1e9;
    }

    /** The phase change n belongs to (while running, phases not started yet start at infinity). */
    int phaseOf(long n) {
        int p = 0;
        while (p + 1 < phaseStart.length() && n >= phaseStart.get(p + 1)) {
            p++;
        }
        return p;
    }
}
