package nl.regie.runtime.lifecycle.folder;

import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import nl.regie.runtime.spi.lifecycle.PluginLifecycle;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The plugins folder's way into the plugin lifecycle. FileInstall asks every registered {@link ArtifactInstaller}
 * whether it handles a file before it falls back to installing bundles itself, so claiming every {@code *.jar} of
 * the folder named by the framework property {@value #DIR} means FileInstall never installs, updates or uninstalls a
 * plugin on its own: it reports the file and {@link FolderRouter} decides what the lifecycle does with it.
 *
 * <p>Without the property it claims nothing (FileInstall then behaves as it always does) and says so at INFO. It
 * starts no thread: FileInstall calls it on its watcher thread, and once synchronously for the jars already in the
 * folder when FileInstall starts. The launcher starts FileInstall only once this component is registered (it looks
 * for its {@code component.name}), so that no jar reaches FileInstall's own installer first. After an operation
 * from elsewhere the lifecycle writes the running version's jar into the folder; {@link FolderRouter} then sees a
 * jar whose checksum is the running one and does nothing.
 */
@Component(immediate = true, service = {ArtifactInstaller.class, PluginsFolder.class})
public final class PluginsFolderInstaller implements ArtifactInstaller, PluginsFolder {

    /** Framework property: the plugins folder, as the launcher sets it (FileInstall watches the same folder). */
    public static final String DIR = "regie.plugins.dir";
    /** How long a jar waits while another operation on its plugin is under way. */
    static final Duration BUSY_PATIENCE = Duration.ofSeconds(60);

    private final FolderRouter router;

    /** Claims the jars of the folder the framework property names, if any. */
    @Activate
    public PluginsFolderInstaller(BundleContext context, @Reference PluginLifecycle lifecycle,
            @Reference(service = LoggerFactory.class) Logger log) {
        this(dir(context.getProperty(DIR), log).map(dir -> new FolderRouter(dir, lifecycle, log, BUSY_PATIENCE)).orElse(null));
        if (router != null) {
            log.info("Plugins folder {}: its jars are installed, updated and removed through the plugin lifecycle", router.dir());
        }
    }

    PluginsFolderInstaller(FolderRouter router) {
        this.router = router;
    }

    @Override
    public boolean canHandle(File artifact) {
        return router != null && router.claims(artifact.toPath());
    }

    @Override
    public void install(File artifact) {
        router.arrived(artifact.toPath());
    }

    @Override
    public void update(File artifact) {
        router.arrived(artifact.toPath());
    }

    @Override
    public void uninstall(File artifact) {
        router.deleted(artifact.toPath());
    }

    @Override
    public Optional<Path> directory() {
        return router == null ? Optional.empty() : Optional.of(router.dir());
    }

    @Override
    public Optional<Path> jarOf(String symbolicName) {
        return router == null ? Optional.empty() : router.jarOf(symbolicName);
    }

    private static Optional<Path> dir(String value, Logger log) {
        if (value == null || value.isBlank()) {
            log.info("No plugins folder: the framework property {} is not set, so FileInstall installs what it finds"
                    + " in its own folder directly, without the plugin lifecycle", DIR);
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(value.strip()).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            log.error("No plugins folder: {} = {} is not a valid path ({})", DIR, value, e.getReason());
            return Optional.empty();
        }
    }
}
