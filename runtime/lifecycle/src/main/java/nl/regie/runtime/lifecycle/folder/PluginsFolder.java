package nl.regie.runtime.lifecycle.folder;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The plugins folder as the runtime sees it (the framework property {@value PluginsFolderInstaller#DIR}): FileInstall
 * watches it and hands each {@code *.jar} to the runtime, which routes it through the plugin lifecycle.
 *
 * <p>For the lifecycle, which writes the running version's jar into the folder after an operation from elsewhere (HTTP,
 * shell) so that a restart starts what ran: {@link #jarOf} names the file to overwrite, so that the folder never holds
 * two jars of one plugin. A jar whose SHA-256 is that of the version running is a no-op for the folder.
 */
public interface PluginsFolder {

    /** The folder, or empty when the launcher named none (then FileInstall's own behaviour applies). */
    Optional<Path> directory();

    /**
     * The jar in the folder that holds this plugin (the file it was installed from, or any jar in the folder whose
     * manifest names it), or empty if none does.
     */
    Optional<Path> jarOf(String symbolicName);
}
