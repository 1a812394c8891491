package nl.regie.runtime.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.runtime.spi.alert.RuntimeAlerts;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.config.ConfigFiles;
import nl.regie.runtime.spi.config.ConfigInForce;
import nl.regie.runtime.spi.lifecycle.RuntimeBundles;
import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.cm.SynchronousConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.MetaTypeService;

/**
 * Watches the configuration folder the launcher names in the framework property {@value #DIR}: one file
 * {@code <pid>.cfg} per configuration, checked against the PID's metatype and applied to ConfigAdmin (see
 * {@link ConfigFolder} for what happens when). Without the property it does nothing and says so at DEBUG; either
 * way it offers what it did as {@link ConfigFiles} for the HTTP API.
 *
 * <p>The folder owns what it applied: it listens to ConfigAdmin, twice: as a {@link SynchronousConfigurationListener}
 * it is told while the changing call is still in progress, so a check is queued before ConfigAdmin has handed the
 * change to anyone else; as a {@link ConfigurationListener} it is told again once the change is complete (a change of
 * binding may be reported before it is stored), and checks again, which finds nothing when the first check put it
 * right. A configuration changed, deleted or rebound by anyone else (a plugin calling ConfigurationAdmin
 * directly) is put back as its file says, and one of the PIDs only a file may set ({@link ConfigGuard#FILE_ONLY}:
 * the policy, the HTTP tokens, the per-plugin limits) set without a file is deleted. Each is logged, counted ({@code regie_config_put_back_total}),
 * audited (kind {@value AuditEvent#CONFIG}) and raised as one of the runtime's alerts
 * ({@code config-changed-<pid>}, resolved when the operator changes or removes the file). ConfigurationAdmin does not
 * say who made a change: the audit record names the bundles, other than the runtime's, that hold a ConfigurationAdmin
 * service. Between the change and its undoing (milliseconds, on the folder's thread) the changed values are in
 * ConfigAdmin and may reach their component: the status says {@code changed} for as long as they are there.
 *
 * <p>Once the configurations it applied are in force (each component they configure runs on them, as the component
 * runtime reports; see {@link InForceCheck}), it registers {@link ConfigInForce}, and after each reading that applied
 * more or saw more bundles resolved, updates it once they are in force too: the launcher's ready line waits for that.
 * Without a folder that is at once.
 *
 * <p>Threads: one daemon thread {@code regie-config-folder} that reads the folder every second (the framework
 * property {@value #POLL_MILLIS} changes that), at once when a bundle is installed, resolved or updated, and
 * checks what ConfigAdmin reports changed; stopped on deactivation.
 */
@Component(immediate = true, service = {ConfigFiles.class, SynchronousConfigurationListener.class,
    ConfigurationListener.class, MetricSource.class},
        property = MetricSource.ORDER + ":Integer=95")
public final class ConfigFolderComponent implements ConfigFiles, SynchronousConfigurationListener, MetricSource {

    /** Framework property: the configuration folder; absent turns the folder off. */
    public static final String DIR = "regie.config.dir";
    /** Framework property: how often the folder is read, in milliseconds (10 or more; default 1000). */
    public static final String POLL_MILLIS = "regie.config.poll.millis";

    static final long DEFAULT_POLL_MILLIS = 1000;
    static final long MIN_POLL_MILLIS = 10;
    /** How often the applied configurations are checked until they are in force. */
    static final long IN_FORCE_CHECK_MILLIS = 10;
    /** How long they may take before the folder gives up waiting and says which components never took them. */
    static final Duration IN_FORCE_LIMIT = Duration.ofSeconds(60);

    private final Path dir;
    private final long pollMillis;
    private final ConfigFolder folder;
    private final ScheduledExecutorService thread;
    private final BundleContext context;
    private final BundleListener pluginArrivals;
    private final Logger log;
    private final InForceCheck inForceCheck;
    /** What the folder last set out to bring in force, and how many bundles were resolved then (its thread only). */
    private Set<String> settling;
    private int settlingBundles = -1;
    private long settleGeneration;
    private volatile ServiceRegistration<ConfigInForce> inForce;

    /** Where put-backs are recorded; without one they are logged and counted only. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuditLog audit;

    /** Where put-backs are raised as alerts; without the core bundle they are not. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RuntimeAlerts alerts;

    /** Starts watching the folder, if one is configured. */
    @Activate
    public ConfigFolderComponent(BundleContext context, @Reference(name = "configAdmin") ConfigurationAdmin configAdmin,
            @Reference(name = "metaType") MetaTypeService metaType,
            @Reference(name = "componentRuntime") ServiceComponentRuntime componentRuntime,
            @Reference(name = "logger", service = LoggerFactory.class) Logger log) {
        this.context = context;
        this.log = log;
        this.inForceCheck = new InForceCheck(componentRuntime);
        this.pollMillis = pollMillis(context.getProperty(POLL_MILLIS), log);
        this.dir = dir(context.getProperty(DIR), log);
        if (dir == null) {
            this.folder = null;
            this.thread = null;
            this.pluginArrivals = null;
            markInForce(Integer.MAX_VALUE);
            return;
        }
        this.folder = new ConfigFolder(dir, Path.of("").toAbsolutePath(), new MetaTypeSchemas(context, metaType, log),
                new ConfigAdminStore(configAdmin), log, Clock.systemUTC(), new Alarm());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "regie-config-folder");
            t.setDaemon(true);
            return t;
        });
        Runnable poll = () -> {
            // Counted before the folder is read: a bundle resolved meanwhile is counted by the next reading.
            int resolved = resolvedBundles(context);
            try {
                folder.poll();
            } catch (RuntimeException e) {
                log.error("The configuration folder {} could not be read", dir, e);
            }
            settle(resolved);
        };
        thread.scheduleWithFixedDelay(poll, 0, pollMillis, TimeUnit.MILLISECONDS);
        // A plugin that arrives (FileInstall installs, then starts) gets its pending file at once, not at the next poll,
        // so that it mostly starts on its configuration rather than on its defaults for a moment; a plugin that is
        // uninstalled leaves its file pending again, not applied to nobody.
        this.pluginArrivals = event -> {
            if (event.getType() == BundleEvent.UNINSTALLED) {
                folder.bundleUninstalled();
            }
            if (event.getType() == BundleEvent.INSTALLED || event.getType() == BundleEvent.UPDATED
                    || event.getType() == BundleEvent.RESOLVED || event.getType() == BundleEvent.UNINSTALLED) {
                try {
                    thread.execute(poll);
                } catch (RejectedExecutionException e) {
                    // stopping
                }
            }
        };
        context.addBundleListener(pluginArrivals);
        log.info("Watching the configuration folder {} for <pid>.cfg files", dir);
    }

    @Deactivate
    void deactivate() {
        if (thread != null) {
            try {
                context.removeBundleListener(pluginArrivals);
            } catch (IllegalStateException e) {
                // the runtime bundle is stopping: its listeners go with it
            }
            thread.shutdownNow();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ServiceRegistration<ConfigInForce> registration = inForce;
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
    }

    private Set<String> applied() {
        Set<String> pids = new TreeSet<>();
        for (FileStatus status : folder.statuses()) {
            if (status.state() == State.APPLIED) {
                pids.add(status.pid());
            }
        }
        return pids;
    }

    /**
     * After a reading of the folder: when what is applied, or the number of bundles resolved, changed since the last
     * reading, checks until the applied files are in force again, then marks that. A metatype is read only from a
     * resolved bundle, so a shipped bundle's file may be applied only at a later reading than the first.
     */
    private void settle(int resolved) {
        Set<String> pids = applied();
        if (pids.equals(settling) && resolved == settlingBundles) {
            return;
        }
        settling = pids;
        settlingBundles = resolved;
        long generation = ++settleGeneration;
        awaitInForce(pids, resolved, System.nanoTime(), generation);
    }

    /**
     * Checks on the folder's thread, every few milliseconds, until {@code pids} are in force or a newer settle began.
     */
    private void awaitInForce(Set<String> pids, int resolved, long since, long generation) {
        if (generation != settleGeneration) {
            return;
        }
        List<String> waiting;
        try {
            waiting = inForceCheck.waiting(pids);
        } catch (RuntimeException e) {
            log.warn("Could not ask the component runtime whether the configuration folder's files are in force: {}",
                    e.toString());
            return;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - since);
        if (waiting.isEmpty()) {
            log.debug("The configuration folder's {} applied file(s) are in force after {} ms", pids.size(),
                    took.toMillis());
            markInForce(resolved);
        } else if (took.compareTo(IN_FORCE_LIMIT) > 0) {
            log.warn("The configuration folder's files are not in force after {} s: {} still run without theirs",
                    IN_FORCE_LIMIT.toSeconds(), String.join(", ", waiting));
        } else {
            try {
                thread.schedule(() -> awaitInForce(pids, resolved, since, generation), IN_FORCE_CHECK_MILLIS,
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // stopping
            }
        }
    }

    /** Registers {@link ConfigInForce}, or updates its {@value ConfigInForce#BUNDLES} property. */
    private void markInForce(int resolved) {
        Dictionary<String, Object> properties = new Hashtable<>(Map.of(ConfigInForce.BUNDLES, resolved));
        try {
            ServiceRegistration<ConfigInForce> registration = inForce;
            if (registration == null) {
                inForce = context.registerService(ConfigInForce.class, new ConfigInForce() { }, properties);
            } else {
                registration.setProperties(properties);
            }
        } catch (IllegalStateException e) {
            // the bundle is stopping
        }
    }

    /** The bundles resolved now (resolved, starting, active or stopping), the framework's own included. */
    static int resolvedBundles(BundleContext context) {
        int resolved = 0;
        for (Bundle bundle : context.getBundles()) {
            if ((bundle.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0) {
                resolved++;
            }
        }
        return resolved;
    }

    /** Checks a configuration ConfigAdmin reports changed, on the folder's thread (a factory configuration is not the folder's). */
    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (folder == null || event.getFactoryPid() != null) {
            return;
        }
        String pid = event.getPid();
        try {
            thread.execute(() -> {
                try {
                    folder.guard(pid);
                } catch (RuntimeException e) {
                    log.error("Checking configuration {} after a change failed", pid, e);
                }
            });
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** Writes {@code regie_config_put_back_total} by PID. */
    @Override
    public void collect(MetricWriter out) {
        MetricWriter.Family family = out.counter("regie_config_put_back_total", "Configurations the config folder"
                + " applied and someone changed through ConfigurationAdmin, put back as the file says (or, for a PID"
                + " only a file may set, deleted), by PID.");
        if (folder != null) {
            folder.putBack().forEach((pid, count) -> family.sample(count, "pid", pid));
        }
    }

    /** Audits a change put back and raises it as an alert of the runtime's. */
    private final class Alarm implements ConfigGuard.Alarm {

        @Override
        public void changed(String pid, String detail) {
            String suspects = "bundles other than the runtime's holding a ConfigurationAdmin service: " + suspects();
            AuditLog auditLog = audit;
            if (auditLog != null) {
                auditLog.record(new AuditEvent(Instant.now(), AuditEvent.CONFIG, "unknown", "", "change", pid,
                        "put back", detail + "; ConfigurationAdmin does not say who; " + suspects));
            }
            RuntimeAlerts runtimeAlerts = alerts;
            if (runtimeAlerts != null) {
                String description = detail + ". " + suspects;
                try {
                    runtimeAlerts.raise(new AlertRequest(alertKey(pid), "security", "configurationChanged",
                            AlertSeverity.HIGH, description.length() > 500 ? description.substring(0, 497) + "..."
                                    : description, null, null, Instant.now()));
                } catch (RuntimeException e) {
                    log.warn("Could not raise the alert about configuration {}: {}", pid, e.toString());
                }
            }
        }

        @Override
        public void resolved(String pid) {
            RuntimeAlerts runtimeAlerts = alerts;
            if (runtimeAlerts != null) {
                runtimeAlerts.resolve(alertKey(pid), Instant.now());
            }
        }
    }

    static String alertKey(String pid) {
        String key = "config-changed-" + pid.replaceAll("[^A-Za-z0-9._-]", "_");
        return key.length() > 128 ? key.substring(0, 128) : key;
    }

    /** The bundles, other than the runtime's, that hold a ConfigurationAdmin service now: who could have changed it. */
    private List<String> suspects() {
        RuntimeBundles runtime = RuntimeBundles.of(context);
        List<String> holders = new ArrayList<>();
        try {
            for (Bundle bundle : context.getBundles()) {
                if (runtime.contains(bundle) || bundle.getState() == Bundle.UNINSTALLED) {
                    continue;
                }
                ServiceReference<?>[] used = bundle.getServicesInUse();
                if (used != null && Arrays.stream(used).anyMatch(reference -> Arrays.asList(
                        (String[]) reference.getProperty(Constants.OBJECTCLASS))
                        .contains(ConfigurationAdmin.class.getName()))) {
                    holders.add(bundle.getSymbolicName() + " " + bundle.getVersion());
                }
            }
        } catch (IllegalStateException e) {
            // stopping
        }
        return holders;
    }

    @Override
    public Optional<Path> folder() {
        return Optional.ofNullable(dir);
    }

    @Override
    public long pollMillis() {
        return pollMillis;
    }

    @Override
    public List<FileStatus> files() {
        return folder == null ? List.of() : folder.statuses();
    }

    private static Path dir(String value, Logger log) {
        if (value == null || value.isBlank()) {
            log.debug("No configuration folder: the framework property {} is not set, so no <pid>.cfg files are read", DIR);
            return null;
        }
        try {
            return Path.of(value.strip()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            log.error("The configuration folder is off: {} = {} is not a valid path ({})", DIR, value, e.getReason());
            return null;
        }
    }

    /** The poll interval; a value that is not a whole number of at least {@value #MIN_POLL_MILLIS} is logged and ignored. */
    static long pollMillis(String value, Logger log) {
        if (value == null || value.isBlank()) {
            return DEFAULT_POLL_MILLIS;
        }
        try {
            long millis = Long.parseLong(value.strip());
            if (millis >= MIN_POLL_MILLIS) {
                return millis;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        log.warn("{} = {} is not a whole number of milliseconds of at least {}; reading the configuration folder every {} ms",
                POLL_MILLIS, value, MIN_POLL_MILLIS, DEFAULT_POLL_MILLIS);
        return DEFAULT_POLL_MILLIS;
    }
}
