package nl.regie.runtime.history;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.history.HistoryStatus;

/**
 * The one thread that writes the history: readings are handed to it through a bounded queue (a full queue drops the
 * reading and counts it, never blocks the bus), and it writes them in batches of up to {@value #BATCH} or whatever
 * arrived within a second, one transaction each. While a batch fills it takes what waits every {@link #SLICE}, in one
 * go, rather than waiting for each reading (a wake-up per reading costs both threads a context switch). Between batches it moves closed hours and, once an hour by the
 * store's clock, applies the retention policy. A batch the store refuses (a full disk, a failed store) is counted as
 * dropped and reported (behind, until a batch is written again); the thread goes on with the next. A store that
 * cannot be reached ({@link StoreUnavailableException}: a database server down) is different: the batch is kept and
 * written again after a pause (100 ms, doubling up to {@value #RETRY_MAX_MILLIS} ms), while new readings wait in the
 * queue, and only what overflows the queue is dropped and counted.
 */
final class HistoryWriter {

    static final int BATCH = 50_000;
    static final Duration BATCH_TIME = Duration.ofSeconds(1);
    /** While a batch fills, the writer takes what arrived this often. */
    static final Duration SLICE = Duration.ofMillis(20);
    static final Duration RETENTION_EVERY = Duration.ofHours(1);
    /** A refused write keeps the history reported as behind for this long after it, unless a batch is written. */
    static final Duration FAILURE_SHOWN = Duration.ofMinutes(1);
    /** The longest pause between two tries of a store that cannot be reached. */
    static final long RETRY_MAX_MILLIS = 5_000;

    /** Where the writer writes: the store, or a test's stand-in. Called on the writer thread only. */
    interface Sink {
        /** Writes a batch in one transaction. */
        void write(List<Reading> batch) throws SQLException;

        /** Moves closed hours and, when asked, applies the retention policy as of {@code now}. */
        void maintain(Instant now, RetentionPolicy retention) throws SQLException;

        /** The size on disk. */
        long bytes();

        /** Closes after the last write. */
        void close() throws SQLException;
    }

    private final Sink store;
    private final BlockingQueue<Reading> queue;
    private final Clock clock;
    private final Consumer<String> error;
    private final Thread thread;
    private final LongAdder written = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong caughtUpNanos = new AtomicLong(System.nanoTime());
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile RetentionPolicy policy;
    private volatile boolean running = true;
    private volatile String failure;
    private volatile long failureNanos;
    private Instant nextRetention = Instant.MIN;
    private long lastErrorLogged = Long.MIN_VALUE;

    /**
     * A writer for {@code store}, started at once.
     *
     * @param capacity readings that may wait; more are dropped and counted
     * @param error    where failures are reported (at most one a minute)
     */
    HistoryWriter(Sink store, int capacity, RetentionPolicy policy, Clock clock, Consumer<String> error) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.policy = policy;
        this.clock = clock;
        this.error = error;
        this.thread = new Thread(this::run, "regie-history-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Takes a reading to write, or drops and counts it when the queue is full. Never blocks. */
    void offer(Reading reading) {
        if (!queue.offer(reading)) {
            dropped.increment();
        }
    }

    /** The retention in force. */
    RetentionPolicy policy() {
        return policy;
    }

    void policy(RetentionPolicy next) {
        policy = next;
    }

    private void run() {
        List<Reading> batch = new ArrayList<>();
        try {
            while (running || !queue.isEmpty()) {
                Reading first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    long deadline = System.nanoTime() + BATCH_TIME.toNanos();
                    while (batch.size() < BATCH && running) {
                        queue.drainTo(batch, BATCH - batch.size());
                        long left = deadline - System.nanoTime();
                        if (batch.size() >= BATCH || left <= 0) {
                            break;
                        }
                        // Readings are taken in chunks, a slice apart, not one by one as they come: waiting for
                        // each would wake this thread once a reading, a context switch for it and the bus's
                        // delivery thread alike.
                        stopping.await(Math.min(left, SLICE.toNanos()), TimeUnit.NANOSECONDS);
                    }
                    write(batch);
                    batch.clear();
                }
                if (queue.isEmpty()) {
                    caughtUpNanos.set(System.nanoTime());
                }
                maintain();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            queue.drainTo(batch);
            if (!batch.isEmpty()) {
                write(batch);
            }
            try {
                store.close();
            } catch (SQLException | RuntimeException e) {
                error.accept("The history store did not close cleanly: " + e.getMessage());
            }
        }
    }

    private void write(List<Reading> batch) {
        long pause = 100;
        while (true) {
            try {
                store.write(batch);
                written.add(batch.size());
                // Space came back (or the store recovered): the history is no longer behind for that failure.
                failure = null;
                return;
            } catch (StoreUnavailableException e) {
                if (!running) {
                    dropped.add(batch.size());
                    failed("The history store cannot be reached as the history stops: " + batch.size()
                            + " readings are lost (" + e.getMessage() + ")");
                    return;
                }
                failed("The history store cannot be reached: " + e.getMessage() + "; " + batch.size()
                        + " readings are kept and written when it is back");
                try {
                    stopping.await(pause, TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    dropped.add(batch.size());
                    return;
                }
                pause = Math.min(RETRY_MAX_MILLIS, pause * 2);
            } catch (SQLException | RuntimeException e) {
                dropped.add(batch.size());
                failed("The history store refused " + batch.size() + " readings: " + e.getMessage());
                return;
            }
        }
    }

    private void maintain() {
        try {
            Instant now = clock.instant();
            RetentionPolicy retention = null;
            if (!now.isBefore(nextRetention)) {
                nextRetention = now.plus(RETENTION_EVERY);
                retention = policy;
            }
            store.maintain(now, retention);
        } catch (StoreUnavailableException e) {
            failed("The history store cannot be reached: " + e.getMessage());
        } catch (SQLException | RuntimeException e) {
            failed("The history's hourly move or retention failed: " + e.getMessage());
        }
    }

    private void failed(String message) {
        failure = message;
        failureNanos = System.nanoTime();
        long now = System.nanoTime();
        if (lastErrorLogged == Long.MIN_VALUE || now - lastErrorLogged >= FAILURE_SHOWN.toNanos()) {
            lastErrorLogged = now;
            error.accept(message + " (further failures within a minute are counted, not logged)");
        }
    }

    /** What the writer wrote and dropped, and whether it is behind. */
    HistoryStatus status() {
        int queued = queue.size();
        long lag = queued == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - caughtUpNanos.get());
        String problem = null;
        String lastFailure = failure;
        if (lastFailure != null && System.nanoTime() - failureNanos < FAILURE_SHOWN.toNanos()) {
            problem = "history is behind: " + lastFailure;
        } else if (queued > (queued + queue.remainingCapacity()) / 2) {
            problem = "history is behind: " + queued + " readings wait to be written, the oldest for " + lag + " ms";
        } else if (!thread.isAlive()) {
            problem = "history is not kept: its writer has stopped";
        }
        return new HistoryStatus(written.sum(), dropped.sum(), queued, lag, store.bytes(), problem);
    }

    /** Writes what waits, closes the store and ends the thread. */
    void stop() throws InterruptedException {
        running = false;
        stopping.countDown();
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
