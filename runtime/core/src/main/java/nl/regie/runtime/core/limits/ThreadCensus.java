package nl.regie.runtime.core.limits;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.runtime.spi.alert.RuntimeAlerts;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.lifecycle.PluginBundles;
import nl.regie.runtime.spi.lifecycle.RuntimeBundles;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleRevisions;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Counts every plugin's live threads (see {@link ThreadOwners}) every {@code threadCheckSeconds} (PID
 * {@value PluginLimits#PID}), on its own daemon thread {@value #THREAD_NAME}, and hands the counts to {@link Limits}:
 * kept for {@code /metrics}; a plugin over its {@code threads} limit is logged and audited, and raised as one of the
 * runtime's alerts ({@code plugin-threads-<symbolic name>}), resolved once it is back within the limit or gone.
 *
 * <p>This is reported, not enforced: Java 17 gives no way to refuse a thread to code in the same JVM (there is no
 * security manager to ask), and stopping the plugin would not stop the threads it started.
 */
@Component(immediate = true)
public final class ThreadCensus {

    /** The name of the counting thread. */
    static final String THREAD_NAME = "regie-limits-threads";
    /** The prefix of the alert key of a plugin over its thread limit. */
    static final String ALERT_PREFIX = "plugin-threads-";

    private final BundleContext context;
    private final RuntimeBundles runtime;
    private final Limits limits;
    private final RuntimeAlerts alerts;
    private final Logger log;
    private final ScheduledExecutorService thread;
    /** The packages of each plugin revision's wiring, worked out once. */
    private final Map<BundleWiring, Set<String>> packagesOf = new WeakHashMap<>();
    /** The plugins with an active thread alert. */
    private final Set<String> alerted = new HashSet<>();

    /** Starts counting. */
    @Activate
    public ThreadCensus(BundleContext context, @Reference(name = "limits") Limits limits,
            @Reference(name = "alerts") RuntimeAlerts alerts,
            @Reference(name = "logger", service = LoggerFactory.class) Logger log) {
        this.context = context;
        this.runtime = RuntimeBundles.of(context);
        this.limits = limits;
        this.alerts = alerts;
        this.log = log;
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
        schedule();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        thread.shutdownNow();
        if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
            log.warn("The thread {} did not end within 5 s of stopping", THREAD_NAME);
        }
    }

    private void schedule() {
        try {
            thread.schedule(() -> {
                try {
                    count();
                } catch (RuntimeException e) {
                    log.error("Counting the plugins' threads failed", e);
                }
                schedule();
            }, limits.settings().threadCheckSeconds(), TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** Counts once: every plugin's threads, told to the limits; alerts raised and resolved. */
    void count() {
        Map<ClassLoader, String> loaders = new IdentityHashMap<>();
        Map<String, String> packages = new HashMap<>();
        Map<String, Bundle> plugins = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (PluginBundles.isPlugin(bundle, runtime)) {
                plugins.put(bundle.getSymbolicName(), bundle);
                learn(bundle, loaders, packages);
            }
        }
        Map<String, Integer> counts = new ThreadOwners(loaders, packages).count(Thread.getAllStackTraces());
        Set<String> over = new TreeSet<>();
        Instant now = Instant.now();
        plugins.forEach((name, bundle) -> {
            String report = limits.threadsSeen(Owner.of(bundle), counts.getOrDefault(name, 0));
            if (report != null) {
                over.add(name);
                raise(name, report, now);
            }
        });
        for (String name : new TreeSet<>(alerted)) {
            if (!over.contains(name)) {
                alerts.resolve(alertKey(name), now);
                alerted.remove(name);
            }
        }
    }

    private void raise(String plugin, String report, Instant now) {
        try {
            alerts.raise(new AlertRequest(alertKey(plugin), "security", "pluginThreads", AlertSeverity.MEDIUM,
                    report.length() > 500 ? report.substring(0, 500) : report, null, null, now));
            alerted.add(plugin);
        } catch (RuntimeException e) {
            log.warn("Could not raise the alert about the threads of {}: {}", plugin, e.toString());
        }
    }

    static String alertKey(String plugin) {
        String key = ALERT_PREFIX + plugin;
        return key.length() > 128 ? key.substring(0, 128) : key;
    }

    /** The class loaders and packages of every revision of a plugin still in use (an old one's threads count too). */
    private void learn(Bundle bundle, Map<ClassLoader, String> loaders, Map<String, String> packages) {
        BundleRevisions revisions = bundle.adapt(BundleRevisions.class);
        if (revisions == null) {
            return;
        }
        for (BundleRevision revision : revisions.getRevisions()) {
            BundleWiring wiring = revision.getWiring();
            if (wiring == null || wiring.getClassLoader() == null) {
                continue;
            }
            loaders.putIfAbsent(wiring.getClassLoader(), bundle.getSymbolicName());
            for (String pkg : packagesOf.computeIfAbsent(wiring, ThreadCensus::packages)) {
                packages.putIfAbsent(pkg, bundle.getSymbolicName());
            }
        }
    }

    private static Set<String> packages(BundleWiring wiring) {
        Set<String> packages = new HashSet<>();
        for (String resource : wiring.listResources("/", "*.class",
                BundleWiring.LISTRESOURCES_LOCAL | BundleWiring.LISTRESOURCES_RECURSE)) {
            int slash = resource.lastIndexOf('/');
            packages.add(slash > 0 ? resource.substring(0, slash).replace('/', '.') : "");
        }
        return packages;
    }
}
