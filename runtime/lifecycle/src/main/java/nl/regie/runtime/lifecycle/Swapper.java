package nl.regie.runtime.lifecycle;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import nl.regie.runtime.lifecycle.HealthGate.Health;
import nl.regie.runtime.spi.bus.BusHolds;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.log.Logger;

/**
 * Installs plugins and swaps a running plugin's jar for another, health-gated, while the bus holds its readings: stop, update, start,
 * wait for the health gate; if the new version fails it, the same again with the previous jar. The plugin's
 * durable subscriptions stay parked on the bus in between and are taken over, in order, by whichever version
 * registers its listeners again.
 *
 * <p>Never refreshes anything but the plugin itself, and that only when nothing else wires to it: Felix drops an
 * unused old revision by itself on update and uninstall, so the refresh here is a fallback for a framework that
 * keeps it pending. A refresh happens while the plugin is stopped, so it restarts nothing.
 */
final class Swapper {

    /** How often a start is tried when it clashes with another thread's resolve. */
    private static final int START_ATTEMPTS = 5;

    private static final long REFRESH_TIMEOUT_SECONDS = 10;

    /**
     * What a swap did.
     *
     * @param promoted  whether the new jar runs
     * @param failure   why the new jar was not promoted (null if it was); also why the previous one did not come
     *                  back healthy, if it did not
     * @param held      readings held while swapping
     * @param dropped   readings dropped while held (a full queue) or at the end of the hold (not taken over)
     * @param gap       the longest delivery gap
     * @param took      from stopping the old version until the new one passed (or the old one was back)
     * @param discarded probes of the revisions that were replaced, for the leak check
     */
    record Result(boolean promoted, String failure, long held, long dropped, Duration gap, Duration took,
            List<LeakProbe> discarded) {
    }

    /**
     * What an install did.
     *
     * @param failure why the plugin is not healthy (null if it is)
     * @param took    from installing until it was healthy (or the deadline passed)
     */
    record Installed(String failure, Duration took) {
    }

    private final BundleContext context;
    private final FrameworkWiring wiring;
    private final BusHolds holds;
    private final HealthGate gate;
    private final LeakCheck leaks;
    private final Logger logger;

    Swapper(BundleContext context, FrameworkWiring wiring, BusHolds holds, HealthGate gate, LeakCheck leaks,
            Logger logger) {
        this.context = context;
        this.wiring = wiring;
        this.holds = holds;
        this.gate = gate;
        this.leaks = leaks;
        this.logger = logger;
    }

    /**
     * Installs and starts a new plugin, and waits for its health gate. A plugin that does not pass it stays installed.
     *
     * @param location    its bundle location
     * @param beforeStart asked once the bundle is installed, before it starts; what it refuses is not started
     * @throws LifecycleException NOT_A_BUNDLE if the framework refuses the jar; whatever beforeStart throws
     */
    Installed install(String location, PluginJar jar, Duration deadline, String what, BeforeStart beforeStart)
            throws LifecycleException {
        long start = System.nanoTime();
        Map<String, Long> refusedBefore = gate.refusals(jar.symbolicName());
        Bundle bundle;
        try {
            bundle = context.installBundle(location, new ByteArrayInputStream(jar.bytes()));
        } catch (BundleException e) {
            throw new LifecycleException(Reason.NOT_A_BUNDLE, what + ": the framework refuses it: " + e.getMessage());
        }
        beforeStart.check(bundle);
        AtomicBoolean interrupted = new AtomicBoolean();
        String failure;
        try {
            start(bundle);
            failure = awaitHealthy(bundle, deadline, refusedBefore, interrupted);
        } catch (BundleException e) {
            failure = "it did not start: " + e.getMessage() + (e.getCause() != null ? " (" + e.getCause() + ")" : "");
        }
        if (interrupted.get()) {
            Thread.currentThread().interrupt();
        }
        return new Installed(failure, Duration.ofNanos(System.nanoTime() - start));
    }

    /** A check of a newly installed bundle before it starts; it uninstalls the bundle if it refuses it. */
    @FunctionalInterface
    interface BeforeStart {
        void check(Bundle installed) throws LifecycleException;
    }

    /**
     * Swaps the plugin's jar.
     *
     * @param bundle   the plugin
     * @param target   the jar to run
     * @param previous the jar that runs now, restored if the target fails
     * @param deadline how long each version gets to become healthy
     * @param what     how a refusal starts
     * @throws LifecycleException BUSY if the bus holds the plugin already (an operation outside this lifecycle)
     */
    Result swap(Bundle bundle, byte[] target, byte[] previous, Duration deadline, String what) throws LifecycleException {
        String symbolicName = bundle.getSymbolicName();
        BusHolds.Hold hold;
        try {
            hold = holds.hold(symbolicName);
        } catch (IllegalStateException e) {
            throw new LifecycleException(Reason.BUSY, what + ": the bus holds " + symbolicName + "'s readings already ("
                    + e.getMessage() + ")");
        }
        List<LeakProbe> discarded = new ArrayList<>();
        long start = System.nanoTime();
        AtomicBoolean interrupted = new AtomicBoolean();
        String failure;
        try {
            Map<String, Long> refusedBefore = gate.refusals(symbolicName);
            failure = replace(bundle, target, discarded, false);
            if (failure == null) {
                failure = awaitHealthy(bundle, deadline, refusedBefore, interrupted);
            }
            if (failure != null) {
                refusedBefore = gate.refusals(symbolicName);
                String restored = replace(bundle, previous, discarded, true);
                if (restored == null) {
                    restored = awaitHealthy(bundle, interrupted.get() ? Duration.ZERO : deadline, refusedBefore,
                            interrupted);
                }
                if (restored != null) {
                    failure += "; and the previous version " + bundle.getVersion() + " is not healthy either: " + restored;
                }
            }
        } finally {
            hold.close();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (interrupted.get()) {
            Thread.currentThread().interrupt();
        }
        // What no version took over is dropped when the hold ends: count it with what overflowed while held.
        return new Result(failure == null, failure, hold.held(), hold.droppedWhileHeld() + hold.droppedAtEnd(),
                hold.longestGap(), took, discarded);
    }

    /**
     * Waits for the health gate; null if the plugin passed, else why not. An interrupt ends the wait as a failure
     * (the caller gave up: the previous version is restored) and is remembered, to be restored at the end.
     */
    private String awaitHealthy(Bundle bundle, Duration deadline, Map<String, Long> refusedBefore,
            AtomicBoolean interrupted) {
        try {
            Health health = gate.await(bundle, deadline, refusedBefore);
            return health.healthy() ? null : health.reason();
        } catch (InterruptedException e) {
            interrupted.set(true);
            return "interrupted while waiting for " + bundle.getVersion() + " to become healthy";
        }
    }

    /**
     * Stops the plugin, replaces its jar and starts it.
     *
     * @param discarded where the probe of the replaced revision goes
     * @param failed    whether the revision replaced is one that failed its health gate
     * @return null if it started, else why not
     */
    private String replace(Bundle bundle, byte[] content, List<LeakProbe> discarded, boolean failed) {
        LeakProbe probe = leaks.probe(bundle);
        if (failed && probe != null) {
            probe = probe.threadsOnly();
        }
        try {
            bundle.stop();
        } catch (BundleException e) {
            // SCR or an activator failed while stopping; the bundle is stopped regardless (OSGi core 4.4.8).
            logger.warn("Plugin {} {} did not stop cleanly: {}", bundle.getSymbolicName(), bundle.getVersion(), e.toString());
        }
        try {
            bundle.update(new ByteArrayInputStream(content));
        } catch (BundleException e) {
            return "the framework refused the jar: " + e.getMessage();
        }
        discarded.add(probe);
        dropOldRevision(bundle);
        try {
            start(bundle);
            return null;
        } catch (BundleException e) {
            return bundle.getVersion() + " did not start: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause() + ")" : "");
        }
    }

    /**
     * Starts a bundle, trying again a few times when Felix gives up resolving it only because another thread holds
     * the framework's global resolve lock (it does that rather than risk a deadlock, as this thread holds the
     * bundle's own lock): a momentary clash with another resolve, not a problem of the plugin.
     */
    private static void start(Bundle bundle) throws BundleException {
        for (int attempt = 1; ; attempt++) {
            try {
                bundle.start();
                return;
            } catch (BundleException e) {
                boolean contention = e.getMessage() != null && e.getMessage().contains("Unable to acquire global lock");
                if (!contention || attempt == START_ATTEMPTS) {
                    throw e;
                }
                try {
                    Thread.sleep(50L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Lets the framework drop the plugin's replaced (or uninstalled) revision if it keeps it pending, by refreshing
     * the plugin alone, and only if nothing else wires to it: a refresh of anything more would restart other plugins.
     */
    void dropOldRevision(Bundle bundle) {
        if (!wiring.getRemovalPendingBundles().contains(bundle)) {
            return;
        }
        Collection<Bundle> closure = wiring.getDependencyClosure(List.of(bundle));
        if (closure.size() > 1) {
            logger.info("Plugin {}: its old revision stays until the next refresh, because {} wire to it; not"
                    + " refreshing, which would restart them", bundle.getSymbolicName(),
                    closure.stream().filter(b -> b != bundle).map(Bundle::getSymbolicName).toList());
            return;
        }
        logger.info("Plugin {}: the framework keeps its old revision pending; refreshing the plugin alone (nothing else"
                + " wires to it)", bundle.getSymbolicName());
        CountDownLatch refreshed = new CountDownLatch(1);
        wiring.refreshBundles(List.of(bundle), event -> refreshed.countDown());
        try {
            if (!refreshed.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                logger.warn("Plugin {}: refreshing it alone to drop its old revision took over {} s",
                        bundle.getSymbolicName(), REFRESH_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
