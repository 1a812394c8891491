package nl.regie.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ScheduledExecutorService} on {@link TestClock}'s time, for a plugin's own timed work (retries, timeouts,
 * a periodic plan): hand it to the plugin where it would make its own executor. Nothing runs on a thread of its own:
 * what is submitted or falls due runs on the test's thread, in order of time (then of submission), when the test calls
 * {@link #runDue()} or moves the clock ({@link TestClock#advance}), which also runs the runtime's own deadlines in
 * the same order. {@link #execute} runs a task at the next {@code runDue()}, not at once, as another thread would.
 * Periodic tasks are run again each period until cancelled; a task that throws is not run again, as a
 * {@link java.util.concurrent.ScheduledThreadPoolExecutor} does.
 */
public final class TestScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final TestClock clock;
    private final boolean runsAtOnce;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean shutdown;

    /**
     * @param runsAtOnce whether {@link #execute} runs a task on the caller's thread at once (the runtime's actuation,
     *                   which only completes futures that way) rather than at the next {@link #runDue()}
     */
    TestScheduler(TestClock clock, boolean runsAtOnce) {
        this.clock = clock;
        this.runsAtOnce = runsAtOnce;
    }

    /** A task due at an instant; a periodic one is put back with its next time. */
    private final class Task implements ScheduledFuture<Object> {
        Instant due;
        long order = sequence.incrementAndGet();
        final Runnable action;
        /** Zero for a one-off task; positive for a fixed rate, negative for a fixed delay (as the JDK encodes them). */
        final long periodNanos;
        volatile boolean cancelled;
        volatile boolean done;
        volatile Throwable failure;
        /** Where a Callable's result goes, or null for a Runnable. */
        volatile Object[] result;

        Task(Instant due, Runnable action, long periodNanos) {
            this.due = due;
            this.action = action;
            this.periodNanos = periodNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), due).toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task task = (Task) other;
            int byTime = due.compareTo(task.due);
            return byTime != 0 ? byTime : Long.compare(order, task.order);
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            synchronized (TestScheduler.this) {
                if (!done) {
                    tasks.remove(this);
                    cancelled = true;
                }
            }
            return cancelled;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() throws ExecutionException {
            if (!isDone()) {
                throw new IllegalStateException("not run yet: it is due at " + due + "; move the test clock there");
            }
            if (failure != null) {
                throw new ExecutionException(failure);
            }
            Object[] box = result;
            return box == null ? null : box[0];
        }

        @Override
        public Object get(long timeout, TimeUnit unit) throws ExecutionException {
            return get();
        }

        void run() {
            try {
                action.run();
            } catch (RuntimeException | Error e) {
                failure = e;
                done = true;
                throw e;
            }
            synchronized (TestScheduler.this) {
                if (periodNanos == 0 || cancelled || shutdown) {
                    done = !cancelled;
                    return;
                }
                due = periodNanos > 0 ? due.plusNanos(periodNanos) : clock.instant().plusNanos(-periodNanos);
                order = sequence.incrementAndGet();
                tasks.add(this);
            }
        }
    }

    /**
     * Runs every task due at the clock's time now, those they submit for now included, on this thread.
     *
     * @return how many ran
     */
    public int runDue() {
        int ran = 0;
        while (runNext(clock.instant())) {
            ran++;
        }
        return ran;
    }

    /** How many tasks wait (periodic ones count once). */
    public synchronized int queued() {
        return tasks.size();
    }

    /** When the next task is due, or null if none waits. */
    synchronized Instant nextDue() {
        Task next = tasks.peek();
        return next == null ? null : next.due;
    }

    /** Runs the next task if it is due by {@code until}; the clock is already at its time. */
    boolean runNext(Instant until) {
        Task next;
        synchronized (this) {
            next = tasks.peek();
            if (next == null || next.due.isAfter(until)) {
                return false;
            }
            tasks.poll();
        }
        next.run();
        return true;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(command, delay, unit, 0);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        if (callable == null) {
            throw new NullPointerException("callable");
        }
        Object[] box = new Object[1];
        Task task = (Task) add(() -> {
            try {
                box[0] = callable.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, delay, unit, 0);
        task.result = box;
        return (ScheduledFuture<V>) task;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("the period must be positive: " + period + " " + unit);
        }
        return add(command, initialDelay, unit, unit.toNanos(period));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        if (delay <= 0) {
            throw new IllegalArgumentException("the delay must be positive: " + delay + " " + unit);
        }
        return add(command, initialDelay, unit, -unit.toNanos(delay));
    }

    private ScheduledFuture<?> add(Runnable command, long delay, TimeUnit unit, long periodNanos) {
        if (command == null) {
            throw new NullPointerException("command");
        }
        if (shutdown) {
            throw new RejectedExecutionException("the scheduler is shut down");
        }
        Task task = new Task(clock.instant().plusNanos(Math.max(0, unit.toNanos(delay))), command, periodNanos);
        synchronized (this) {
            tasks.add(task);
        }
        return task;
    }

    /** Runs at once on the caller's thread (the runtime's), or at the next {@link #runDue()} (a plugin's). */
    @Override
    public void execute(Runnable command) {
        if (runsAtOnce) {
            command.run();
        } else {
            schedule(command, 0, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> pending = new ArrayList<>();
        tasks.forEach(task -> pending.add(task.action));
        tasks.clear();
        return pending;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }
}
