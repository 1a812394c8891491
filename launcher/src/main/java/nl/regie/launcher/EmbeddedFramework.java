package nl.regie.launcher;

import java.io.IOException;
import java.io.InputStream;
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

import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.BundleRevision;

import nl.regie.launcher.ShippedBundles.ShippedBundle;

/**
 * Apache Felix, embedded: started with the launcher's properties and its cache in a temporary folder, then the
 * bundles shipped in the launcher jar installed and started one by one, so that each failure is reported with
 * the bundle's name and the framework's reason. Stopping waits for the framework and deletes the cache.
 */
final class EmbeddedFramework {

    /** Without these Regie does not run: start-up fails when one of them does not start. */
    static final Set<String> ESSENTIAL = Set.of(
            "org.apache.felix.scr", "org.apache.felix.http.jetty", "nl.regie.api", "nl.regie.runtime");

    private final Path storage;
    private final ConsoleLog console;
    private volatile Felix felix;
    private boolean stopped;

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
        BundleContext context = felix.getBundleContext();
        Map<String, String> failures = new HashMap<>();
        List<Bundle> installed = new ArrayList<>();
        for (ShippedBundle bundle : shipped) {
            try (InputStream in = bundle.open()) {
                installed.add(context.installBundle(bundle.location(), in));
            } catch (BundleException | IOException e) {
                console.error(bundle.name(), "could not install " + bundle.resource(), e);
                failures.put(bundle.name(), ConsoleLog.reason(e));
            }
        }
        for (Bundle bundle : installed) {
            if (isFragment(bundle)) {
                continue;
            }
            try {
                bundle.start();
            } catch (BundleException | RuntimeException e) {
                console.error(ConsoleLog.name(bundle), "could not start", e);
                failures.put(ConsoleLog.name(bundle), ConsoleLog.reason(e));
            }
        }
        List<String> essentialFailures = new ArrayList<>();
        for (String name : ESSENTIAL.stream().sorted().toList()) {
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
