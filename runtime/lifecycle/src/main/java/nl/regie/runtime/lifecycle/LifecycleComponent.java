package nl.regie.runtime.lifecycle;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import nl.regie.runtime.signatures.CheckedSignatures;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.bus.BusHolds;
import nl.regie.runtime.spi.lifecycle.HistoryEntry;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.Outcome.Operation;
import nl.regie.runtime.spi.lifecycle.Outcome.Result;
import nl.regie.runtime.spi.lifecycle.PluginLifecycle;
import nl.regie.runtime.spi.lifecycle.PluginRecord;
import nl.regie.runtime.spi.monitor.ScopeMonitor;
import nl.regie.runtime.spi.policy.AccessPolicy;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@link PluginLifecycle}: checks what it is given ({@link JarInspector}, {@link Preflight}), serialises
 * operations per plugin ({@link PluginLocks}), swaps jars behind the health gate while the bus holds the plugin's
 * readings ({@link Swapper}, {@link HealthGate}), keeps history and jars ({@link PluginStore}), and checks what old
 * revisions leave behind ({@link LeakCheck}). Configured under the PID {@value #PID}.
 */
@Component(immediate = true, service = PluginLifecycle.class, configurationPid = LifecycleComponent.PID)
@Designate(ocd = LifecycleComponent.Config.class)
public final class LifecycleComponent implements PluginLifecycle {

    /** The configuration PID. */
    public static final String PID = "nl.regie.runtime.lifecycle";
    /** The framework property naming the folder where histories and jars are kept. */
    public static final String STATE_DIR_PROPERTY = "regie.state.dir";
    /** Where, in the state folder, the jars whose signatures held are recorded ({@link CheckedSignatures}). */
    static final String SIGNATURES_FOLDER = "plugin-signatures";

    /** The reason of an install that restored the version that ran before a restart. */
    static final String RESTORED = "restored as it ran before the restart";

    /** Where the lifecycle installs plugins from (their bundle location). */
    static final String LOCATION_PREFIX = "regie-plugin:";
    /** How long a stopped plugin's threads get to end before they count as leaked. */
    static final Duration THREAD_GRACE = Duration.ofSeconds(2);
    /** Rounds of System.gc() an old class loader gets to be collected: spaced 50 ms doubling to 2 s, about 9 s. */
    static final int GC_ROUNDS = 9;

    /** The lifecycle's configuration. */
    @ObjectClassDefinition(id = PID, name = "Regie plugin lifecycle",
            description = "How plugins are installed, updated, rolled back and removed.")
    public @interface Config {

        /** How long a new version gets to become healthy, in seconds. */
        @AttributeDefinition(name = "Update deadline (s)", min = "1",
                description = "How long a new version of a plugin gets for all its components to become active and"
                        + " its health checks to pass; past it, the previous version is restored.")
        int update_deadline_seconds() default 10;
    }

    private final BundleContext context;
    private final Logger logger;
    private final PluginStore store;
    private final FolderWriter folder;
    private final PluginLocks locks = new PluginLocks();
    private final Preflight preflight;
    private final HealthGate gate;
    private final Swapper swapper;
    private final LeakCheck leaks;
    private final LeakReporter leakReports;
    private final InstalledPlugins plugins;
    private final PluginAudit audit;

    /** Where every operation is recorded; without one (the sovereignty bundle left out) only the log says. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuditLog auditLog;
    /** Which keys the operator trusts, for which party: the highest-ranked policy (the operator's, once it runs). */
    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile AccessPolicy policy;
    /** What each plugin version was refused, for the health gate; absent only while the core is not there. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ScopeMonitor scopes;
    private final SignatureCheck signatures;
    private final ExecutorService healthChecks;
    private volatile Duration deadline;

    /** Opens the store (reading the histories kept in {@code regie.state.dir}) and starts the leak-check thread. */
    @Activate
    public LifecycleComponent(BundleContext context, Config config, @Reference(name = "holds") BusHolds holds,
            @Reference(name = "scr") ServiceComponentRuntime scr,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        this.context = context;
        this.audit = new PluginAudit(() -> auditLog);
        this.logger = logger;
        this.deadline = deadline(config);
        String property = context.getProperty(STATE_DIR_PROPERTY);
        Path state = property == null || property.isBlank() ? null : Path.of(property);
        this.store = new PluginStore(state, logger);
        this.signatures = new SignatureCheck(Boolean.parseBoolean(context.getProperty(SignatureCheck.UNSIGNED_PROPERTY)),
                () -> policy, new CheckedSignatures(state == null ? null : state.resolve(SIGNATURES_FOLDER),
                        logger::warn));
        if (signatures.unsignedAllowed()) {
            logger.warn("Unsigned plugins are let in ({}=true, the launcher's --dev-unsigned-plugins): they act for no"
                    + " party. Never on a shared machine.", SignatureCheck.UNSIGNED_PROPERTY);
        }
        if (!store.persistent()) {
            logger.info("Plugin history and kept jars live in memory only: the framework property {} is not set",
                    STATE_DIR_PROPERTY);
        }
        this.folder = new FolderWriter(context, logger);
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        AtomicInteger threads = new AtomicInteger();
        this.healthChecks = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "regie-lifecycle-health-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.preflight = new Preflight(context, wiring, logger);
        this.gate = new HealthGate(context, scr, healthChecks, () -> scopes);
        this.leaks = new LeakCheck(THREAD_GRACE, GC_ROUNDS, logger);
        this.swapper = new Swapper(context, wiring, holds, gate, leaks, logger);
        this.leakReports = new LeakReporter(leaks, store, logger);
        this.plugins = new InstalledPlugins(context, store, gate, locks);
    }

    @Modified
    void modified(Config config) {
        this.deadline = deadline(config);
    }

    /** Stops the leak check and the health-check threads and waits for them to end. */
    @Deactivate
    void deactivate() throws InterruptedException {
        leaks.close();
        healthChecks.shutdownNow();
        if (!healthChecks.awaitTermination(LeakCheck.STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
            logger.warn("A plugin's health check did not return within {} s of the lifecycle stopping; its thread is"
                    + " left to end by itself", LeakCheck.STOP_WAIT_SECONDS);
        }
    }

    private Duration deadline(Config config) {
        int seconds = config.update_deadline_seconds();
        if (seconds < 1) {
            logger.error("Configuration {}: update.deadline.seconds {} must be at least 1; using 10", PID, seconds);
            seconds = 10;
        }
        return Duration.ofSeconds(seconds);
    }

    @Override
    public List<PluginRecord> list() {
        return plugins.bundles().stream().map(plugins::record).toList();
    }

    @Override
    public Optional<PluginRecord> status(String symbolicName) {
        return plugins.bundle(symbolicName).map(plugins::record);
    }

    @Override
    public List<HistoryEntry> history(String symbolicName) {
        return store.history(symbolicName);
    }

    @Override
    public Outcome install(Path jar, String origin) throws LifecycleException {
        try {
            PluginJar offered = JarInspector.read(jar, "Cannot install " + (jar == null ? "a plugin" : jar.getFileName()));
            String what = "Cannot install " + offered.describe();
            SignatureCheck.Signer signer = signatures.check(offered, what);
            try (PluginLocks.Lease lease = locks.acquire(offered.symbolicName(), "install of " + offered.version()
                    + " by " + origin, what)) {
                plugins.requireAbsent(offered.symbolicName(), what);
                // The jar that ran when the history was last written, coming back from the plugins folder after a
                // restart (the framework starts with an empty cache): the plugin is restored, not installed anew.
                boolean restored = store.lastRunning(offered.symbolicName())
                        .filter(running -> running.version().equals(offered.versionText())
                                && running.sha256().equals(offered.sha256())).isPresent();
                if (!restored) {
                    preflight.check(offered, null, what);
                }
                return audited(installChecked(offered, what, origin, restored), signer);
            }
        } catch (LifecycleException e) {
            logRefusal(e, origin, Operation.INSTALL, jar == null ? "?" : String.valueOf(jar.getFileName()));
            throw e;
        }
    }

    /**
     * Installs a checked jar. A restored plugin (its history carries on, with its previous versions and rollback to
     * them; nothing new is recorded or audited) skips the pre-flight's candidate: nothing runs that it could disturb,
     * so the plugin itself is resolved before it starts, and refused and uninstalled just the same if it does not.
     */
    private Outcome installChecked(PluginJar offered, String what, String origin, boolean restored)
            throws LifecycleException {
        store.keepJar(offered.symbolicName(), offered.versionText(), offered.bytes());
        Swapper.Installed installed = swapper.install(LOCATION_PREFIX + offered.symbolicName(), offered, deadline, what,
                restored ? bundle -> preflight.resolveInstalled(bundle, offered, what) : bundle -> { });
        String failure = installed.failure();
        Outcome outcome = new Outcome(offered.symbolicName(), Operation.INSTALL,
                failure == null ? Result.INSTALLED : Result.UNHEALTHY, null, offered.versionText(),
                failure == null ? restored ? RESTORED : "" : failure, 0, 0, Duration.ZERO, List.of(), origin,
                Instant.now());
        if (!restored || failure != null) {
            store.append(offered.symbolicName(), new HistoryEntry(outcome, offered.sha256()));
        }
        folder.running(offered.symbolicName(), offered.bytes(), origin);
        logger.info("{}", OperationLog.line(outcome, offered.versionText(), failure, installed.took()));
        return outcome;
    }

    @Override
    public Outcome update(String symbolicName, Path jar, String origin) throws LifecycleException {
        String what = "Cannot update " + symbolicName;
        try {
            plugins.require(symbolicName, what);
            PluginJar offered = JarInspector.read(jar, what);
            if (!offered.symbolicName().equals(symbolicName)) {
                throw new LifecycleException(Reason.WRONG_PLUGIN, what + " with " + jar.getFileName() + ": that jar is "
                        + offered.describe() + ", not " + symbolicName);
            }
            try (PluginLocks.Lease lease = locks.acquire(symbolicName, "update to " + offered.version() + " by " + origin,
                    what)) {
                Bundle bundle = plugins.require(symbolicName, what);
                if (bundle.getVersion().equals(offered.version())) {
                    throw new LifecycleException(Reason.SAME_VERSION, what + ": version " + offered.version()
                            + " is installed already; give the new jar another Bundle-Version");
                }
                SignatureCheck.Signer signer;
                try {
                    signer = signatures.check(offered, what);
                    preflight.check(offered, bundle, what);
                } catch (LifecycleException e) {
                    if (FolderWriter.ORIGIN.equals(origin)) {
                        // Put the running jar back in the folder, or a restart would install the refused one.
                        PluginJar running = plugins.runningJar(bundle);
                        folder.restore(symbolicName, running.bytes(), running.versionText());
                    }
                    throw e;
                }
                return audited(swap(bundle, offered, Operation.UPDATE, what, origin), signer);
            }
        } catch (LifecycleException e) {
            logRefusal(e, origin, Operation.UPDATE, symbolicName);
            throw e;
        }
    }

    @Override
    public Outcome rollback(String symbolicName, String origin) throws LifecycleException {
        String what = "Cannot roll back " + symbolicName;
        try (PluginLocks.Lease lease = locks.acquire(symbolicName, "rollback by " + origin, what)) {
            Bundle bundle = plugins.require(symbolicName, what);
            String running = bundle.getVersion().toString();
            String previous = store.previousVersion(symbolicName, running).orElseThrow(() -> new LifecycleException(
                    Reason.NO_PREVIOUS_VERSION, what + ": it has no earlier version to go back to (" + running
                            + " was not installed by an update this runtime recorded)"));
            byte[] jar = store.jar(symbolicName, previous).orElseThrow(() -> new LifecycleException(
                    Reason.NO_PREVIOUS_VERSION, what + ": the jar of its previous version " + previous
                            + " is no longer kept"));
            PluginJar target = JarInspector.check(jar, "the kept jar of " + previous + " ", what);
            // Checked again: the policy may no longer list the key that signed the earlier version.
            SignatureCheck.Signer signer = signatures.check(target, what);
            preflight.check(target, bundle, what);
            return audited(swap(bundle, target, Operation.ROLLBACK, what, origin), signer);
        } catch (LifecycleException e) {
            logRefusal(e, origin, Operation.ROLLBACK, symbolicName);
            throw e;
        }
    }

    /** Swaps a plugin to another jar under its lock, records the outcome, and schedules the leak check. */
    private Outcome swap(Bundle bundle, PluginJar target, Operation operation, String what, String origin)
            throws LifecycleException {
        String symbolicName = bundle.getSymbolicName();
        PluginJar running = plugins.runningJar(bundle);
        store.keepJar(symbolicName, target.versionText(), target.bytes());
        Swapper.Result swap = swapper.swap(bundle, target.bytes(), running.bytes(), deadline, what);
        String failure = swap.failure();
        Outcome outcome = new Outcome(symbolicName, operation, swap.promoted() ? Result.PROMOTED : Result.ROLLED_BACK,
                running.versionText(), bundle.getVersion().toString(),
                failure == null ? "" : target.version() + " was not healthy: " + failure, swap.held(), swap.dropped(),
                swap.gap(), List.of(), origin, Instant.now());
        PluginJar now = swap.promoted() ? target : running;
        store.append(symbolicName, new HistoryEntry(outcome, now.sha256()));
        if (!swap.promoted() && FolderWriter.ORIGIN.equals(origin)) {
            folder.restore(symbolicName, running.bytes(), running.versionText());
        } else {
            folder.running(symbolicName, now.bytes(), origin);
        }
        logger.info("{}", OperationLog.line(outcome, target.versionText(), failure, swap.took()));
        leakReports.checkLater(outcome, swap.discarded());
        return outcome;
    }

    @Override
    public Outcome remove(String symbolicName, String origin) throws LifecycleException {
        String what = "Cannot remove " + symbolicName;
        try (PluginLocks.Lease lease = locks.acquire(symbolicName, "removal by " + origin, what)) {
            Bundle bundle = plugins.require(symbolicName, what);
            PluginJar running = plugins.runningJar(bundle);
            SignatureCheck.Signer removed = signerOf(symbolicName);
            LeakProbe probe = leaks.probe(bundle);
            try {
                bundle.uninstall();
            } catch (BundleException e) {
                throw new IllegalStateException("Plugin " + symbolicName + " " + running.version()
                        + " could not be uninstalled: " + e.getMessage(), e);
            }
            swapper.dropOldRevision(bundle);
            Outcome outcome = new Outcome(symbolicName, Operation.REMOVE, Result.REMOVED, running.versionText(), null,
                    "", 0, 0, Duration.ZERO, List.of(), origin, Instant.now());
            store.append(symbolicName, new HistoryEntry(outcome, null));
            folder.removed(symbolicName, origin);
            logger.info("{}", OperationLog.line(outcome, null, null, Duration.ZERO));
            leakReports.checkLater(outcome, probe == null ? List.of() : List.of(probe));
            return audited(outcome, removed);
        } catch (LifecycleException e) {
            logRefusal(e, origin, Operation.REMOVE, symbolicName);
            throw e;
        }
    }

    private void logRefusal(LifecycleException e, String origin, Operation operation, String target) {
        logger.info("Refused ({}, by {}): {}", e.reason(), origin, e.getMessage());
        audit.refused(e, origin, operation, target);
    }

    /**
     * Records an operation in the audit log, naming the key that signed the jar it was about; a restore after a
     * restart is not a deployment and is not recorded.
     */
    private Outcome audited(Outcome outcome, SignatureCheck.Signer signer) {
        if (!RESTORED.equals(outcome.reason())) {
            audit.outcome(outcome, signer);
        }
        return outcome;
    }

    /** The key that signed a running plugin, as the policy saw it. */
    private SignatureCheck.Signer signerOf(String symbolicName) {
        AccessPolicy current = policy;
        if (current == null) {
            return SignatureCheck.Signer.UNSIGNED;
        }
        return current.keyOfPlugin(symbolicName).map(key -> new SignatureCheck.Signer(key,
                current.partyOfKey(key).orElse(AccessPolicy.NO_PARTY))).orElse(SignatureCheck.Signer.UNSIGNED);
    }
}
