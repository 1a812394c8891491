package nl.regie.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;

/**
 * The hot-deploy folder as the launcher sees it. FileInstall does the installing, updating and uninstalling;
 * this class waits at start-up until FileInstall has installed the jars already there, reports plugins coming
 * and going on the console, and reports a jar that is not a bundle, which FileInstall skips without a word.
 */
final class PluginsFolder implements BundleListener {

    private static final Duration POLL = Duration.ofSeconds(1);

    private final Path dir;
    private final String locationPrefix;
    private final ConsoleLog console;
    /** Size and modification time of each jar at the last poll, and of each jar when it was last checked. */
    private final Map<Path, Stamp> seen = new HashMap<>();
    private final Map<Path, Stamp> checked = new HashMap<>();
    private Thread watcher;

    /** The size and modification time of a file: a jar is checked once it stops changing (it may be being copied). */
    private record Stamp(long size, long modified) {

        static Optional<Stamp> of(Path file) {
            try {
                return Optional.of(new Stamp(Files.size(file), Files.getLastModifiedTime(file).toMillis()));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    /** The folder {@code dir} (absolute; it must exist), reporting on {@code console}. */
    PluginsFolder(Path dir, ConsoleLog console) {
        this.dir = dir;
        this.console = console;
        String uri = dir.toFile().toURI().normalize().toString();
        this.locationPrefix = uri.endsWith("/") ? uri : uri + "/";
    }

    /** The jars in the folder now, by name. */
    List<Path> jars() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Why FileInstall will not install this jar as a bundle; empty when it is a bundle. */
    static Optional<String> notABundle(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                return Optional.of("not an OSGi bundle (it has no META-INF/MANIFEST.MF)");
            }
            if (manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME) == null) {
                return Optional.of("not an OSGi bundle (its manifest has no Bundle-SymbolicName)");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("not a readable jar (" + ConsoleLog.reason(e) + ")");
        }
    }

    /** Whether FileInstall installed this bundle from this folder. */
    boolean holds(Bundle bundle) {
        return bundle.getLocation().startsWith(locationPrefix);
    }

    /** The bundles installed from this folder. */
    List<Bundle> bundles(BundleContext context) {
        List<Bundle> bundles = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (holds(bundle)) {
                bundles.add(bundle);
            }
        }
        return bundles;
    }

    /**
     * Waits until FileInstall has installed every bundle jar in the folder now, reporting the jars that are not
     * bundles on the way.
     *
     * @return what the start-up summary should say about the folder's jars, one line each; empty when all is well
     */
    List<String> awaitInstalled(BundleContext context, Duration timeout) throws InterruptedException {
        List<String> notes = new ArrayList<>();
        List<Path> bundleJars = new ArrayList<>();
        for (Path jar : jars()) {
            Stamp.of(jar).ifPresent(stamp -> checked.put(jar, stamp));
            Optional<String> problem = notABundle(jar);
            if (problem.isPresent()) {
                report(jar, problem.get());
                notes.add("ignored " + jar.getFileName() + ": " + problem.get());
            } else {
                bundleJars.add(jar);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Path> missing = notInstalled(context, bundleJars);
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            missing = notInstalled(context, bundleJars);
        }
        for (Path jar : missing) {
            notes.add("not installed: " + jar.getFileName() + " (FileInstall did not install it within "
                    + timeout.toSeconds() + " s; see the log above)");
        }
        return notes;
    }

    private List<Path> notInstalled(BundleContext context, List<Path> jars) {
        Set<String> locations = new HashSet<>();
        for (Bundle bundle : context.getBundles()) {
            locations.add(bundle.getLocation());
        }
        // FileInstall's location for a jar: its absolute file URI.
        return jars.stream().filter(j -> Files.exists(j) && !locations.contains(j.toFile().toURI().normalize().toString())).toList();
    }

    /** From now on, reports plugins being installed, started, stopped, updated and uninstalled, and jars that are not bundles. */
    synchronized void watch(BundleContext context) {
        context.addBundleListener(this);
        watcher = new Thread(this::pollUntilInterrupted, "regie-plugins-folder");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Stops watching the folder. */
    synchronized void close() {
        if (watcher != null) {
            watcher.interrupt();
            try {
                watcher.join(POLL.toMillis() * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            watcher = null;
        }
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        if (!holds(bundle)) {
            return;
        }
        String what = switch (event.getType()) {
            case BundleEvent.INSTALLED -> "installed";
            case BundleEvent.STARTED -> "started";
            case BundleEvent.STOPPED -> "stopped";
            case BundleEvent.UPDATED -> "updated";
            case BundleEvent.UNINSTALLED -> "uninstalled";
            default -> null;
        };
        if (what != null) {
            String file = bundle.getLocation().substring(locationPrefix.length());
            console.info(ConsoleLog.name(bundle), "plugin " + bundle.getVersion() + " " + what + " (" + file + ")");
        }
    }

    private void pollUntilInterrupted() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                poll();
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            // Asked to stop.
        }
    }

    /** Checks each jar that has not changed since the previous poll and was not checked in this form yet. */
    private void poll() {
        Map<Path, Stamp> now = new HashMap<>();
        for (Path jar : jars()) {
            Stamp.of(jar).ifPresent(stamp -> now.put(jar, stamp));
        }
        now.forEach((jar, stamp) -> {
            if (stamp.equals(seen.get(jar)) && !stamp.equals(checked.get(jar))) {
                checked.put(jar, stamp);
                notABundle(jar).ifPresent(problem -> report(jar, problem));
            }
        });
        seen.clear();
        seen.putAll(now);
        checked.keySet().retainAll(now.keySet());
    }

    private void report(Path jar, String problem) {
        console.warn(ConsoleLog.LAUNCHER, "ignored " + jar + ": " + problem, null);
    }
}
