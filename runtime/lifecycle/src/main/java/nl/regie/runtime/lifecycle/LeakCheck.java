package nl.regie.runtime.lifecycle;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.service.log.Logger;

/**
 * Checks, after an update or removal, that the old revisions of a plugin left nothing behind: no thread it
 * started still alive, and its class loader collected. Runs on its own daemon thread, {@value #THREAD_NAME}, so
 * the caller of the operation never waits for it; both waits are bounded.
 */
final class LeakCheck implements AutoCloseable {

    /** The name of the thread the checks run on. */
    static final String THREAD_NAME = "regie-lifecycle-leaks";

    private static final long POLL_MILLIS = 50;
    private static final long MAX_GC_PAUSE_MILLIS = 2_000;

    private final Duration threadGrace;
    private final int gcRounds;
    private final Logger logger;
    private final ExecutorService executor;
    /** Threads reported as leaked, per plugin, held weakly. Guarded by itself. */
    private final Map<String, List<WeakReference<Thread>>> leaked = new HashMap<>();

    /** How long {@link #close} waits for the leak-check thread to end. */
    static final long STOP_WAIT_SECONDS = 5;

    /**
     * @param threadGrace how long a stopped plugin's threads get to end before they count as leaked
     * @param gcRounds    how many rounds of System.gc() a class loader gets to be collected
     */
    LeakCheck(Duration threadGrace, int gcRounds, Logger logger) {
        this.threadGrace = threadGrace;
        this.gcRounds = gcRounds;
        this.logger = logger;
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Checks the probes later, on the leak-check thread, and hands over what leaked (empty if nothing).
     *
     * @param probes probes taken before the revisions were stopped (nulls are skipped)
     * @param done   called with the leaks, one line each, naming the plugin
     */
    void checkLater(List<LeakProbe> probes, Consumer<List<String>> done) {
        List<LeakProbe> present = probes.stream().filter(Objects::nonNull).toList();
        String names = present.stream().map(p -> p.symbolicName() + " " + p.version()).distinct()
                .collect(Collectors.joining(", "));
        try {
            executor.execute(() -> {
                try {
                    done.accept(check(present));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    logger.error("The leak check of {} failed", names, e);
                }
            });
        } catch (RejectedExecutionException e) {
            logger.info("Leak check of {} skipped: the lifecycle is stopping", names);
        }
    }

    /** Checks the probes now, on the calling thread. */
    List<String> check(List<LeakProbe> probes) throws InterruptedException {
        List<String> leaks = new ArrayList<>();
        awaitThreadsEnded(probes);
        for (LeakProbe probe : probes) {
            for (LeakProbe.SeenThread seen : probe.threads()) {
                Thread thread = seen.thread().get();
                if (thread != null && thread.isAlive()) {
                    remember(probe.symbolicName(), thread);
                    String frame = LeakProbe.topFrame(thread.getStackTrace(), probe.packages());
                    leaks.add("thread " + seen.name() + " still runs " + (frame != null ? frame : seen.frame()));
                }
            }
        }
        // Each System.gc() is a full, stop-the-world collection that pauses every plugin's delivery, so the rounds
        // are spaced out (50 ms, doubling, at most 2 s apart) rather than fired back to back; most old revisions
        // are gone after the first one or two.
        long pause = POLL_MILLIS;
        for (int round = 0; round < gcRounds && probes.stream().anyMatch(LeakCheck::loaderAlive); round++) {
            System.gc();
            Thread.sleep(pause);
            pause = Math.min(MAX_GC_PAUSE_MILLIS, pause * 2);
        }
        for (LeakProbe probe : probes) {
            if (loaderAlive(probe)) {
                leaks.add("class loader of " + probe.symbolicName() + " " + probe.version() + " was not collected");
            }
        }
        return leaks;
    }

    private static boolean loaderAlive(LeakProbe probe) {
        return probe.loader() != null && probe.loader().get() != null;
    }

    /**
     * Probes a plugin's current revision, leaving out threads already reported as leaked by one of its earlier
     * revisions (they run the same packages' code, but are not this revision's).
     */
    LeakProbe probe(Bundle bundle) {
        Set<Thread> known;
        synchronized (leaked) {
            List<WeakReference<Thread>> threads = leaked.getOrDefault(bundle.getSymbolicName(), List.of());
            known = threads.stream().map(WeakReference::get).filter(Objects::nonNull)
                    .collect(Collectors.toCollection(() -> Collections.newSetFromMap(new IdentityHashMap<>())));
        }
        return LeakProbe.of(bundle, known);
    }

    private void remember(String symbolicName, Thread thread) {
        synchronized (leaked) {
            List<WeakReference<Thread>> threads = leaked.computeIfAbsent(symbolicName, name -> new ArrayList<>());
            threads.removeIf(reference -> reference.get() == null || !reference.get().isAlive());
            if (threads.stream().noneMatch(reference -> reference.get() == thread)) {
                threads.add(new WeakReference<>(thread));
            }
        }
    }

    private void awaitThreadsEnded(List<LeakProbe> probes) throws InterruptedException {
        long end = System.nanoTime() + threadGrace.toNanos();
        while (System.nanoTime() - end < 0 && probes.stream().flatMap(p -> p.threads().stream())
                .map(seen -> seen.thread().get()).anyMatch(thread -> thread != null && thread.isAlive())) {
            Thread.sleep(POLL_MILLIS);
        }
    }

    /**
     * Stops the leak-check thread and waits for it to end (it sleeps between polls, so an interrupt ends it at once);
     * checks not yet done are dropped.
     */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                logger.warn("The leak-check thread did not end within {} s of stopping", STOP_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
