package nl.regie.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import nl.regie.launcher.ShippedBundles.ShippedBundle;

import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Apache Felix, embedded: started with the launcher's properties and its cache in a temporary folder, then the
 * bundles shipped in the launcher jar installed and started one by one, so that each failure is reported with
 * the bundle's name and the framework's reason. Some bundles wait for something: the runtime's devices bundle for the
 * embedded MQTT broker (a {@linkplain #awaitBefore gate} the launcher sets), FileInstall starts only once the
 * runtime's plugins-folder installer is registered (otherwise FileInstall would install the folder's jars itself,
 * around the plugin lifecycle), and the Gogo shell only when {@link #startDeferred} is called, after the launcher's
 * ready line, so that its prompt never lands in the middle of the start-up report. Stopping waits for the framework
 * and deletes the cache.
 */
final class EmbeddedFramework {

    /** Without these Regie does not run: start-up fails when one of them does not start. */
    static final Set<String> ESSENTIAL = Set.of(
            "org.apache.felix.scr", "org.apache.felix.http.jetty", "nl.regie.api", "nl.regie.runtime.spi",
            "nl.regie.runtime.core", "nl.regie.runtime.sovereignty", "nl.regie.runtime.config",
            "nl.regie.runtime.devices", "nl.regie.runtime.federation", "nl.regie.runtime.lifecycle",
            "nl.regie.runtime.web", "org.duckdb.duckdb_jdbc", "nl.regie.runtime.history",
            "nl.regie.runtime.public", "nl.regie.runtime.ngsild");
    /** Started by {@link #startDeferred}, not with the others. */
    static final Set<String> DEFERRED = Set.of("org.apache.felix.gogo.shell");
    static final String FILEINSTALL = "org.apache.felix.fileinstall";
    /** The runtime's plugins-folder installer, which FileInstall must find when it starts. */
    static final String PLUGINS_INSTALLER = "(&(objectClass=org.apache.felix.fileinstall.ArtifactInstaller)"
            + "(component.name=nl.regie.runtime.lifecycle.folder.PluginsFolderInstaller))";
    /**
     * How long FileInstall waits for the installer; the runtime registers it as it starts, so normally not at all. A
     * bound on wall-clock time, so a generous one: on a machine starved of CPU (a load of 35 on 2 cores) 10 s ran out
     * while the lifecycle was still activating, and the plugins folder went unwatched.
     */
    static final Duration INSTALLER_TIMEOUT = Duration.ofSeconds(60);
    /**
     * The operator's policy once the config folder has handed it its file: the plugins' keys are checked against it,
     * so FileInstall waits for it when the config folder holds a policy file.
     */
    static final String POLICY_FROM_FILE = "(&(objectClass=nl.regie.runtime.spi.policy.AccessPolicy)"
            + "(regie.config.file=*))";
    /** How long FileInstall waits for the policy; a file the config folder refuses never comes. */
    static final Duration POLICY_TIMEOUT = Duration.ofSeconds(10);

    private final Path storage;
    private final ConsoleLog console;
    private volatile Felix felix;
    private boolean stopped;
    private final List<Bundle> deferred = new ArrayList<>();
    private volatile boolean awaitPolicy;
    private final Map<String, Gate> gates = new HashMap<>();

    /** What must be there before a bundle starts: it returns once it is, or throws when it never will be. */
    interface Gate {
        void await() throws StartupException, InterruptedException;
    }

    /** A framework that keeps its cache in {@code storage} (deleted on stop) and reports on {@code console}. */
    EmbeddedFramework(Path storage, ConsoleLog console) {
        this.storage = storage;
        this.console = console;
    }

    /** Starts the framework, without bundles yet, and attaches the console to it. */
    synchronized BundleContext launch(Map<String, String> properties) throws StartupException {
        if (stopped) {
            throw new StartupException("stopped during start-up");
        }
        Map<String, Object> config = new HashMap<>(properties);
        config.put("felix.log.logger", new FrameworkLog(console));
        Felix framework = new Felix(config);
        try {
            framework.init();
            felix = framework;
            console.attach(framework.getBundleContext());
            framework.start();
        } catch (BundleException | RuntimeException e) {
            throw new StartupException("the OSGi framework did not start: " + ConsoleLog.reason(e), e);
        }
        return framework.getBundleContext();
    }

    /**
     * Installs the shipped bundles, then starts each one that is not a fragment, in order. A bundle that fails
     * is reported on the console and start-up goes on with the others.
     *
     * @return the failures, one line each ({@code name: reason}), for the start-up summary
     * @throws StartupException when an {@linkplain #ESSENTIAL essential} bundle is missing or did not start
     */
    List<String> startBundles(List<ShippedBundle> shipped) throws StartupException {
        return startBundles(shipped, Set.of());
    }

    /**
     * Installs and starts the shipped bundles as {@link #startBundles(List)} does, but for those named in
     * {@code leftOut} (the parts left out with {@code --without}), which are neither installed nor essential.
     */
    List<String> startBundles(List<ShippedBundle> shipped, Set<String> leftOut) throws StartupException {
        BundleContext context = felix.getBundleContext();
        Map<String, String> failures = new HashMap<>();
        List<Bundle> installed = new ArrayList<>();
        for (ShippedBundle bundle : shipped) {
            if (leftOut.contains(bundle.name())) {
                continue;
            }
            try {
                installed.add(context.installBundle(bundle.location()));
            } catch (BundleException e) {
                console.error(bundle.name(), "could not install " + bundle.file(), e);
                failures.put(bundle.name(), ConsoleLog.reason(e));
            }
        }
        for (Bundle bundle : installed) {
            if (isFragment(bundle)) {
                continue;
            }
            if (DEFERRED.contains(bundle.getSymbolicName())) {
                synchronized (this) {
                    deferred.add(bundle);
                }
                continue;
            }
            if (FILEINSTALL.equals(bundle.getSymbolicName()) && !awaitPluginsInstaller(context)) {
                String reason = "not started: the runtime's plugins-folder installer did not appear within "
                        + INSTALLER_TIMEOUT.toSeconds() + " s, and without it FileInstall would install plugins around the"
                        + " plugin lifecycle; the plugins folder is not watched (see the log above)";
                console.error(ConsoleLog.name(bundle), reason, null);
                failures.put(ConsoleLog.name(bundle), reason);
                continue;
            }
            if (FILEINSTALL.equals(bundle.getSymbolicName()) && awaitPolicy
                    && !awaitService(context, POLICY_FROM_FILE, POLICY_TIMEOUT)) {
                console.warn(ConsoleLog.name(bundle), "the config folder's policy was not applied within "
                        + POLICY_TIMEOUT.toSeconds() + " s (see the log above); plugins signed by keys it lists are"
                        + " refused until it is, then put them in the plugins folder again", null);
            }
            Gate gate;
            synchronized (this) {
                gate = gates.get(bundle.getSymbolicName());
            }
            if (gate != null) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StartupException("stopped during start-up");
                }
            }
            try {
                bundle.start();
            } catch (BundleException | RuntimeException e) {
                console.error(ConsoleLog.name(bundle), "could not start", e);
                failures.put(ConsoleLog.name(bundle), ConsoleLog.reason(e));
            }
        }
        List<String> essentialFailures = new ArrayList<>();
        for (String name : ESSENTIAL.stream().filter(name -> !leftOut.contains(name)).sorted().toList()) {
            Bundle bundle = installed.stream().filter(b -> name.equals(b.getSymbolicName())).findFirst().orElse(null);
            if (failures.containsKey(name)) {
                essentialFailures.add(name + ": " + failures.get(name));
            } else if (bundle == null) {
                essentialFailures.add(name + ": not in the launcher jar");
            } else if (bundle.getState() != Bundle.ACTIVE && bundle.getState() != Bundle.STARTING) {
                essentialFailures.add(name + ": not active");
            }
        }
        if (!essentialFailures.isEmpty()) {
            throw new StartupException("essential bundle failed: " + String.join("; ", essentialFailures));
        }
        return failures.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + ": " + e.getValue()).toList();
    }

    /** Starts the bundles held back by {@link #startBundles} (the Gogo shell); a failure is reported on the console. */
    void startDeferred() {
        List<Bundle> bundles;
        synchronized (this) {
            bundles = List.copyOf(deferred);
            deferred.clear();
        }
        for (Bundle bundle : bundles) {
            try {
                bundle.start();
            } catch (BundleException | RuntimeException e) {
                console.error(ConsoleLog.name(bundle), "could not start", e);
            }
        }
    }

    /**
     * Makes {@link #startBundles} wait for {@code gate} before it starts the bundle {@code symbolicName} (the runtime's
     * MQTT bridge waits for the embedded broker when that starts beside the framework); when the gate throws, start-up
     * fails with its exception.
     */
    synchronized void awaitBefore(String symbolicName, Gate gate) {
        gates.put(symbolicName, gate);
    }

    /**
     * Makes FileInstall wait (at most {@link #POLICY_TIMEOUT}) for the policy the config folder applies, so that the
     * plugins already in the folder are checked against the keys it lists; for a config folder with a policy file.
     */
    void awaitPolicyBeforePlugins() {
        awaitPolicy = true;
    }

    private boolean awaitPluginsInstaller(BundleContext context) throws StartupException {
        return awaitService(context, PLUGINS_INSTALLER, INSTALLER_TIMEOUT);
    }

    /** The bundles resolved now (resolved, starting, active or stopping), the framework's own included. */
    int resolvedBundles() {
        int resolved = 0;
        for (Bundle bundle : felix.getBundleContext().getBundles()) {
            if ((bundle.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0) {
                resolved++;
            }
        }
        return resolved;
    }

    /** Whether a service matching {@code filter} is registered within {@code timeout}. */
    boolean awaitService(String filter, Duration timeout) throws StartupException {
        return awaitService(felix.getBundleContext(), filter, timeout);
    }

    private static boolean awaitService(BundleContext context, String filter, Duration timeout) throws StartupException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (context.getAllServiceReferences(null, filter) == null) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(20);
            }
            return true;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(filter + " is a valid filter", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("stopped during start-up");
        }
    }

    /** Blocks until the framework has stopped, for whatever reason. */
    void awaitStop() throws InterruptedException {
        Felix framework = felix;
        if (framework != null) {
            framework.waitForStop(0);
        }
    }

    /**
     * Stops the framework, waits at most {@code timeout} for it, and deletes its cache.
     *
     * @return whether it stopped in time
     */
    synchronized boolean stop(Duration timeout) {
        stopped = true;
        boolean clean = true;
        Felix framework = felix;
        if (framework != null) {
            try {
                framework.stop();
                FrameworkEvent event = framework.waitForStop(timeout.toMillis());
                if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                    console.error(ConsoleLog.LAUNCHER, "the framework did not stop within " + timeout.toSeconds() + " s", null);
                    clean = false;
                }
            } catch (BundleException e) {
                console.error(ConsoleLog.LAUNCHER, "the framework did not stop", e);
                clean = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                clean = false;
            }
        }
        console.detach();
        deleteStorage();
        return clean;
    }

    private void deleteStorage() {
        if (!Files.exists(storage)) {
            return;
        }
        try (Stream<Path> files = Files.walk(storage)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            console.warn(ConsoleLog.LAUNCHER, "could not delete the framework cache " + storage, e);
        }
    }

    private static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }
}
