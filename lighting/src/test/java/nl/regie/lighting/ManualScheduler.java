package nl.regie.lighting;

import java.time.Duration;
import java.util.PriorityQueue;

/** A {@link TaskScheduler} on virtual wall-clock time: tasks run when the test calls {@link #runReady} or {@link #advance}. */
final class ManualScheduler implements TaskScheduler {

    private record Task(long due, long seq, Runnable runnable) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due != b.due
            ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    @Override
    public void execute(Runnable task) {
        tasks.add(new Task(now, seq++, task));
    }

    @Override
    public void schedule(Runnable task, Duration delay) {
        tasks.add(new Task(now + delay.toNanos(), seq++, task));
    }

    /** Runs every task that is due now, including those the tasks add. */
    void runReady() {
        while (!tasks.isEmpty() && tasks.peek().due <= now) {
            tasks.poll().runnable.run();
        }
    }

    /** Moves time on by {@code by}, running the tasks in due order as their time comes. */
    void advance(Duration by) {
        long end = now + by.toNanos();
        while (!tasks.isEmpty() && tasks.peek().due <= end) {
            Task task = tasks.poll();
            now = Math.max(now, task.due);
            task.runnable.run();
        }
        now = end;
    }

    /** Tasks not run yet. */
    int queued() {
        return tasks.size();
    }
}
