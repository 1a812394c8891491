package nl.regie.lighting;

import java.time.Duration;

/**
 * A {@link TaskScheduler} that runs every task under the engine's lock. The command queue is not thread-safe and
 * its outcomes and retries run on the scheduler thread while readings arrive on the bus thread: taking the one
 * lock here keeps the two from interleaving without the queue knowing about threads.
 */
final class LockedScheduler implements TaskScheduler {

    private final TaskScheduler scheduler;
    private final Object lock;

    LockedScheduler(TaskScheduler scheduler, Object lock) {
        this.scheduler = scheduler;
        this.lock = lock;
    }

    @Override
    public void execute(Runnable task) {
        scheduler.execute(() -> {
            synchronized (lock) {
                task.run();
            }
        });
    }

    @Override
    public void schedule(Runnable task, Duration delay) {
        scheduler.schedule(() -> {
            synchronized (lock) {
                task.run();
            }
        }, delay);
    }
}
