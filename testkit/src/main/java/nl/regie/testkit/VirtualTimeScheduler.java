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
 * A scheduler on {@link TestClock}'s time: what is scheduled runs when the test moves the clock past it, on the test's
 * thread, in order of time (then of scheduling). The runtime's actuation schedules its deadlines here in the kit.
 */
final class VirtualTimeScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final TestClock clock;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean shutdown;

    VirtualTimeScheduler(TestClock clock) {
        this.clock = clock;
    }

    /** A task due at an instant. */
    private final class Task implements ScheduledFuture<Object> {
        final Instant due;
        final long order = sequence.incrementAndGet();
        final Runnable action;
        volatile boolean cancelled;
        volatile boolean done;

        Task(Instant due, Runnable action) {
            this.due = due;
            this.action = action;
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
            synchronized (VirtualTimeScheduler.this) {
                cancelled = tasks.remove(this) || cancelled;
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
                throw new IllegalStateException("not due yet: move the test clock to " + due);
            }
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) throws ExecutionException {
            return get();
        }
    }

    /** Runs every task due up to {@code until}, moving the clock to each task's time; then sets the clock to it. */
    void runUntil(Instant until) {
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due.isAfter(until)) {
                    break;
                }
                tasks.poll();
            }
            if (next.due.isAfter(clock.instant())) {
                clock.set(next.due);
            }
            next.done = true;
            next.action.run();
        }
        clock.set(until);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (shutdown) {
            throw new RejectedExecutionException("the test kit is closed");
        }
        Task task = new Task(clock.instant().plusNanos(Math.max(0, unit.toNanos(delay))), command);
        synchronized (this) {
            tasks.add(task);
        }
        return task;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("the runtime schedules Runnables only");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("the runtime's actuation schedules single deadlines only");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("the runtime's actuation schedules single deadlines only");
    }

    /** Runs at once, on the caller's thread. */
    @Override
    public void execute(Runnable command) {
        command.run();
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
