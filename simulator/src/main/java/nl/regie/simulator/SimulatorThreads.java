package nl.regie.simulator;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The simulator's own two threads, both daemons, each a single-thread scheduler: {@code regie-simulator} runs the
 * models, all publishing and all commands (the models are confined to it and need no locks);
 * {@code regie-simulator-ping} sends the connections' keep-alive pings. {@link #stop} ends both.
 */
final class SimulatorThreads {

    static final String SCHEDULER = "regie-simulator";
    static final String PINGER = "regie-simulator-ping";

    private final ScheduledThreadPoolExecutor scheduler = executor(SCHEDULER);
    private final ScheduledThreadPoolExecutor pinger = executor(PINGER);

    /** The thread of the models, the publishing and the commands. */
    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** The thread of the keep-alive pings. */
    ScheduledExecutorService pinger() {
        return pinger;
    }

    /** Cancels what is scheduled and waits up to two seconds for each thread to end; {@code warnings} hears if not. */
    void stop(Consumer<String> warnings) {
        scheduler.shutdownNow();
        pinger.shutdownNow();
        try {
            for (ScheduledThreadPoolExecutor executor : new ScheduledThreadPoolExecutor[] {scheduler, pinger}) {
                if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                    warnings.accept("simulator: " + executor + " did not stop within 2 s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ScheduledThreadPoolExecutor executor(String name) {
        // One thread each; should it ever die of an error, its replacement gets the same name.
        ThreadFactory threads = work -> {
            Thread thread = new Thread(work, name);
            thread.setDaemon(true);
            return thread;
        };
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, threads);
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        return executor;
    }
}
