package nl.regie.waste;

import java.util.ArrayList;
import java.util.List;

/** A scheduler the test drives: it records each task with its delay; {@link #runAll()} runs them. */
final class ManualScheduler implements RoutePublisher.Scheduler {

    record Task(Runnable task, long delayMillis) {
    }

    final List<Task> pending = new ArrayList<>();
    final List<Long> delays = new ArrayList<>();
    boolean closed;

    @Override
    public void schedule(Runnable task, long delayMillis) {
        pending.add(new Task(task, delayMillis));
        delays.add(delayMillis);
    }

    /** Runs every task scheduled so far (and those they schedule), as if their delays had passed. */
    void runAll() {
        while (!pending.isEmpty()) {
            pending.remove(0).task().run();
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
