package nl.regie.runtime.lifecycle.folder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import nl.regie.runtime.spi.lifecycle.HistoryEntry;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.PluginLifecycle;

import org.osgi.service.log.Logger;

/**
 * Turns what happens to the jars of the plugins folder into lifecycle operations. A jar that arrives or changes is
 * installed when no plugin of its symbolic name is installed, and otherwise is an update of that plugin, unless its
 * SHA-256 is that of the version running (the lifecycle wrote it there itself after an HTTP or shell operation, or
 * the file was touched): then nothing happens. A jar that is deleted removes its plugin, unless another jar in the
 * folder still holds that plugin. Refusals, rollbacks and unhealthy installs are logged as warnings naming the file
 * and the reason; a jar that is not a bundle is logged and otherwise ignored.
 *
 * <p>FileInstall calls it from its one watcher thread, so calls do not overlap; the map is concurrent because
 * {@link #jarOf} is asked from the lifecycle's threads.
 */
final class FolderRouter {

    /** The origin the lifecycle records for operations from the folder. */
    static final String ORIGIN = "plugins folder";

    private final Path dir;
    private final PluginLifecycle lifecycle;
    private final Logger log;
    private final Duration busyPatience;
    /** Which plugin each jar (by file name) held when it was last handled. */
    private final Map<String, String> plugins = new ConcurrentHashMap<>();

    /**
     * @param busyPatience how long a jar waits for another operation on its plugin to end before it is refused
     */
    FolderRouter(Path dir, PluginLifecycle lifecycle, Logger log, Duration busyPatience) {
        this.dir = dir.toAbsolutePath().normalize();
        this.lifecycle = lifecycle;
        this.log = log;
        this.busyPatience = busyPatience;
    }

    Path dir() {
        return dir;
    }

    /** Whether the file is a {@code *.jar} directly in the folder (it may have been deleted already). */
    boolean claims(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return dir.equals(absolute.getParent()) && absolute.getFileName().toString().endsWith(".jar");
    }

    /** A jar arrived in the folder or changed. */
    void arrived(Path jar) {
        String file = jar.getFileName().toString();
        JarIdentity.Result read = JarIdentity.read(jar);
        if (read.identity().isEmpty()) {
            log.warn("Plugins folder: ignored {}: {}", file, read.why());
            return;
        }
        String name = read.identity().get().symbolicName();
        String before = plugins.put(file, name);
        if (before != null && !before.equals(name)) {
            // The file now holds another plugin: the one it held goes, unless another jar holds it too.
            removeUnlessHeld(file, before);
        }
        try {
            if (lifecycle.status(name).isPresent()) {
                String sha256 = JarIdentity.sha256(jar);
                if (sha256.equals(runningSha256(name))) {
                    log.debug("Plugins folder: {} holds the version of {} that runs; nothing to do", file, name);
                    return;
                }
                report(file, patiently(() -> lifecycle.update(name, jar, ORIGIN)));
            } else {
                report(file, patiently(() -> lifecycle.install(jar, ORIGIN)));
            }
        } catch (LifecycleException e) {
            log.warn("Plugins folder: {} {}", file, OutcomeText.refusal(e));
        } catch (IOException e) {
            log.warn("Plugins folder: {} could not be read: {}", file, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Plugins folder: {} not handled: the runtime is stopping", file);
        }
    }

    /** A jar was deleted from the folder. */
    void deleted(Path jar) {
        String file = jar.getFileName().toString();
        String name = plugins.remove(file);
        if (name == null) {
            return; // not a bundle, or never handled
        }
        removeUnlessHeld(file, name);
    }

    /** The jar in the folder that holds the plugin: the one it was last handled from, or any whose manifest names it. */
    Optional<Path> jarOf(String symbolicName) {
        for (Map.Entry<String, String> held : plugins.entrySet()) {
            Path jar = dir.resolve(held.getKey());
            if (held.getValue().equals(symbolicName) && Files.isRegularFile(jar)) {
                return Optional.of(jar);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path jar : files.filter(this::claims).sorted().toList()) {
                Optional<JarIdentity> identity = JarIdentity.read(jar).identity();
                if (identity.isPresent() && identity.get().symbolicName().equals(symbolicName)) {
                    return Optional.of(jar);
                }
            }
        } catch (IOException e) {
            log.warn("Plugins folder: {} cannot be listed: {}", dir, e.toString());
        }
        return Optional.empty();
    }

    private void removeUnlessHeld(String file, String name) {
        Optional<String> other = plugins.entrySet().stream().filter(e -> e.getValue().equals(name))
                .map(Map.Entry::getKey).findFirst();
        if (other.isPresent()) {
            log.info("Plugins folder: {} is gone, but {} still holds {}; it stays installed", file, other.get(), name);
            return;
        }
        try {
            if (lifecycle.status(name).isPresent()) {
                report(file, patiently(() -> lifecycle.remove(name, ORIGIN)));
            }
        } catch (LifecycleException e) {
            log.warn("Plugins folder: removing {} ({} is gone) {}", name, file, OutcomeText.refusal(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The checksum of the jar that runs now: the last history entry's. */
    private String runningSha256(String name) {
        List<HistoryEntry> history = lifecycle.history(name);
        return history.isEmpty() ? null : history.get(history.size() - 1).sha256();
    }

    private void report(String file, Outcome outcome) {
        String line = OutcomeText.line(outcome);
        if (outcome.result() == Outcome.Result.ROLLED_BACK || outcome.result() == Outcome.Result.UNHEALTHY) {
            log.warn("Plugins folder: {}: {}", file, line);
        } else {
            log.info("Plugins folder: {}: {}", file, line);
        }
    }

    /** An operation on the lifecycle. */
    @FunctionalInterface
    private interface Operation {
        Outcome run() throws LifecycleException;
    }

    /**
     * Runs the operation, trying again while another operation on the same plugin is under way (an HTTP update, say),
     * for at most {@link #busyPatience}: the folder has no one to answer "busy" to, and FileInstall will not offer the
     * file again until it changes.
     */
    private Outcome patiently(Operation operation) throws LifecycleException, InterruptedException {
        long deadline = System.nanoTime() + busyPatience.toNanos();
        while (true) {
            try {
                return Objects.requireNonNull(operation.run(), "the lifecycle returned no outcome");
            } catch (LifecycleException e) {
                if (e.reason() != LifecycleException.Reason.BUSY || System.nanoTime() >= deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
