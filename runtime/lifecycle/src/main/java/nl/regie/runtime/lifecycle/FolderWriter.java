package nl.regie.runtime.lifecycle;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Function;

import nl.regie.runtime.lifecycle.folder.PluginsFolder;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.Logger;

/**
 * Keeps the plugins folder in step with what runs after an operation that did not come from the folder (HTTP,
 * shell), so a restart starts what ran. A plugin's jar is overwritten in place, under the name the folder knows it
 * by ({@link PluginsFolder#jarOf}; a new {@code <symbolicName>.jar} only if it has none), and deleted on removal:
 * renaming a file would look like a removal to the folder watcher. The jar is written next to it first (a name
 * the watcher ignores) and moved over it in one step, so the watcher never reads half a jar; it then sees the
 * checksum of what runs, which it takes as a no-op. After a jar dropped into the folder failed, the folder gets the
 * running jar back too (see {@link #restore}).
 */
final class FolderWriter {

    /** The origin of operations that come from the folder itself. */
    static final String ORIGIN = "plugins folder";

    private final BundleContext context;
    private final Logger logger;

    /**
     * @param context where to find the {@link PluginsFolder} service when writing; it is looked up then, not
     *                referenced: the folder's installer references the lifecycle, and a reference back would be a cycle
     */
    FolderWriter(BundleContext context, Logger logger) {
        this.context = context;
        this.logger = logger;
    }

    /** Writes the jar that runs now for a plugin, unless the operation came from the folder or there is none. */
    void running(String symbolicName, byte[] jar, String origin) {
        if (ORIGIN.equals(origin)) {
            return;
        }
        Optional<Path> found = withFolder(plugins -> plugins.directory().map(directory ->
                plugins.jarOf(symbolicName).orElseGet(() -> directory.resolve(symbolicName + ".jar"))));
        if (found.isEmpty()) {
            return;
        }
        Path target = found.get();
        try {
            replace(target, jar);
        } catch (IOException e) {
            logger.error("Cannot write the running jar of {} into the plugins folder as {}: {}; a restart may start"
                    + " another version", symbolicName, target, e.toString());
        }
    }

    /**
     * After a jar dropped into the folder was rolled back or refused: keeps that jar next to it as
     * {@code <file>.rejected} (a name the watcher ignores) and puts the jar that runs back in its place, so that a
     * restart starts the version that runs and not the one that failed.
     */
    void restore(String symbolicName, byte[] running, String runningVersion) {
        Optional<Path> found = withFolder(plugins -> plugins.jarOf(symbolicName));
        if (found.isEmpty()) {
            return;
        }
        Path jar = found.get();
        Path rejected = jar.resolveSibling(jar.getFileName() + ".rejected");
        try {
            Files.copy(jar, rejected, StandardCopyOption.REPLACE_EXISTING);
            replace(jar, running);
            logger.warn("Plugins folder: {} holds {} {} again, the version that runs; the jar that failed is kept as {}",
                    jar.getFileName(), symbolicName, runningVersion, rejected.getFileName());
        } catch (IOException e) {
            logger.error("Cannot put the running jar of {} back into the plugins folder as {}: {}; a restart would"
                    + " install the jar that failed", symbolicName, jar, e.toString());
        }
    }

    /** Deletes a removed plugin's jar from the folder, unless the removal came from the folder. */
    void removed(String symbolicName, String origin) {
        if (ORIGIN.equals(origin)) {
            return;
        }
        Optional<Path> jar = withFolder(plugins -> plugins.jarOf(symbolicName));
        try {
            if (jar.isPresent()) {
                Files.deleteIfExists(jar.get());
            }
        } catch (IOException e) {
            logger.error("Cannot delete the jar of removed plugin {} from the plugins folder ({}): {}; a restart will"
                    + " install it again", symbolicName, jar.get(), e.toString());
        }
    }

    /** Writes the jar next to the target (a name the watcher ignores) and moves it over the target in one step. */
    private static void replace(Path target, byte[] jar) throws IOException {
        Path temporary = target.resolveSibling("." + target.getFileName() + ".regie-tmp");
        Files.write(temporary, jar);
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Asks the plugins folder service, if there is one. */
    private <T> Optional<T> withFolder(Function<PluginsFolder, Optional<T>> question) {
        ServiceReference<PluginsFolder> reference = context.getServiceReference(PluginsFolder.class);
        PluginsFolder plugins = reference == null ? null : context.getService(reference);
        if (plugins == null) {
            return Optional.empty();
        }
        try {
            return question.apply(plugins);
        } finally {
            context.ungetService(reference);
        }
    }
}
