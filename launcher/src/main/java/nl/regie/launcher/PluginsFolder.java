package nl.regie.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;

/**
 * The hot-deploy folder as the launcher sees it. FileInstall reports the folder's jars to the runtime, which installs,
 * updates and removes plugins through its plugin lifecycle and warns about a jar that is not a bundle or that it
 * refuses; this class tells the start-up summary which of the folder's plugins run, and reports plugins coming and
 * going on the console. Plugins are matched to jars by symbolic name: the lifecycle decides the bundle's location.
 *
 * <p>It listens synchronously: an asynchronous listener hears of an update's {@code STOPPED} after the update, when the
 * bundle already has the new version, and would name the new version for the old one's stop. The lifecycle's
 * pre-flight candidates (installed only to see whether a jar resolves, never started) are not plugins and are left out.
 */
final class PluginsFolder implements SynchronousBundleListener {

    private static final String API = "nl.regie.api";
    /** The runtime's own bundles: {@code nl.regie.runtime.*}. */
    private static final String RUNTIME_PREFIX = "nl.regie.runtime.";

    private final Path dir;
    private final ConsoleLog console;
    /** The symbolic name in each jar, with the size and modification time it was read at. */
    private final Map<Path, Read> reads = new ConcurrentHashMap<>();

    /** What a jar's manifest said when the jar had this size and modification time. */
    private record Read(long size, long modified, Optional<String> symbolicName, Optional<String> problem) {
    }

    /** The folder {@code dir} (absolute; it must exist), reporting on {@code console}. */
    PluginsFolder(Path dir, ConsoleLog console) {
        this.dir = dir;
        this.console = console;
    }

    /** The jars in the folder now, by name. */
    List<Path> jars() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Why this jar is not a bundle; empty when it is one. */
    static Optional<String> notABundle(Path jar) {
        return read(jar).problem();
    }

    /** The bundle symbolic name in the jar's manifest (without directives), or empty when it is not a bundle. */
    static Optional<String> symbolicName(Path jar) {
        return read(jar).symbolicName();
    }

    private static Read read(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                return new Read(0, 0, Optional.empty(), Optional.of("not an OSGi bundle (it has no META-INF/MANIFEST.MF)"));
            }
            String name = manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            if (name == null || name.isBlank()) {
                return new Read(0, 0, Optional.empty(), Optional.of("not an OSGi bundle (its manifest has no Bundle-SymbolicName)"));
            }
            return new Read(0, 0, Optional.of(name.split(";", 2)[0].strip()), Optional.empty());
        } catch (IOException e) {
            return new Read(0, 0, Optional.empty(), Optional.of("not a readable jar (" + ConsoleLog.reason(e) + ")"));
        }
    }

    /** Each bundle jar in the folder with the symbolic name it holds, by file name; jars are read again when they change. */
    Map<Path, String> plugins() {
        Map<Path, String> plugins = new LinkedHashMap<>();
        List<Path> jars = jars();
        for (Path jar : jars) {
            try {
                long size = Files.size(jar);
                long modified = Files.getLastModifiedTime(jar).toMillis();
                Read read = reads.get(jar);
                if (read == null || read.size() != size || read.modified() != modified) {
                    Read fresh = read(jar);
                    read = new Read(size, modified, fresh.symbolicName(), fresh.problem());
                    reads.put(jar, read);
                }
                read.symbolicName().ifPresent(name -> plugins.put(jar, name));
            } catch (IOException e) {
                // gone meanwhile
            }
        }
        reads.keySet().retainAll(jars);
        return plugins;
    }

    /** The plugins (bundles that a jar in the folder holds, by symbolic name) installed now. */
    List<Bundle> bundles(BundleContext context) {
        Set<String> held = new HashSet<>(plugins().values());
        List<Bundle> bundles = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (held.contains(bundle.getSymbolicName())) {
                bundles.add(bundle);
            }
        }
        return bundles;
    }

    /**
     * What the start-up summary should say about the folder's jars, one line each; empty when all is well. FileInstall
     * hands the jars already in the folder to the runtime while it starts, so by now each one has been installed,
     * refused or ignored, and the runtime's log said why.
     */
    List<String> report(BundleContext context) {
        List<String> notes = new ArrayList<>();
        Set<String> installed = new HashSet<>();
        for (Bundle bundle : context.getBundles()) {
            installed.add(bundle.getSymbolicName());
        }
        Map<Path, String> plugins = plugins();
        for (Path jar : jars()) {
            String name = plugins.get(jar);
            if (name == null) {
                notABundle(jar).ifPresent(problem -> notes.add("ignored " + jar.getFileName() + ": " + problem));
            } else if (!installed.contains(name)) {
                notes.add("not installed: " + jar.getFileName() + " (" + name + "): refused by the runtime (see the log above)");
            }
        }
        return notes;
    }

    /** From now on, reports plugins being installed, started, stopped, updated and uninstalled. */
    void watch(BundleContext context) {
        context.addBundleListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        String what = switch (event.getType()) {
            case BundleEvent.INSTALLED -> "installed";
            case BundleEvent.STARTED -> "started";
            case BundleEvent.STOPPED -> "stopped";
            case BundleEvent.UPDATED -> "updated";
            case BundleEvent.UNINSTALLED -> "uninstalled";
            default -> null;
        };
        if (what == null || bundle.getSymbolicName() == null || bundle.getSymbolicName().equals(API)
                || bundle.getSymbolicName().startsWith(RUNTIME_PREFIX) || ConsoleLog.isPreflightCandidate(bundle)) {
            return;
        }
        Optional<Path> jar = plugins().entrySet().stream().filter(e -> e.getValue().equals(bundle.getSymbolicName()))
                .map(Map.Entry::getKey).findFirst();
        String imports = bundle.getHeaders("").get(Constants.IMPORT_PACKAGE);
        if (jar.isPresent() || (imports != null && imports.contains(API))) {
            console.info(ConsoleLog.name(bundle), "plugin " + bundle.getVersion() + " " + what
                    + jar.map(j -> " (" + j.getFileName() + ")").orElse(""));
        }
    }
}
