package nl.regie.runtime.spi.lifecycle;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The one way plugins are installed, updated, rolled back and removed: the plugins folder, the HTTP API and the
 * shell all go through it. Operations on one plugin are serialised: a second operation on a plugin while one is
 * under way is refused ({@link LifecycleException.Reason#BUSY}); operations on different plugins may run at once.
 *
 * <p>An update is health-gated: the new version is installed, resolved and started while the plugin's durable
 * subscriptions are held; it is promoted only when all its DS components are active (or satisfied) and every
 * {@link nl.regie.api.health.HealthCheck} its bundle registers says healthy within the update deadline. Otherwise
 * the previous version is restored, takes over the held readings, and the outcome says why. Every outcome is
 * kept in the plugin's history, which survives restarts, together with the jars of its recent versions.
 */
@ProviderType
public interface PluginLifecycle {

    /** Every plugin (a bundle that imports {@code nl.regie.api}), by symbolic name. */
    List<PluginRecord> list();

    /** One plugin. */
    Optional<PluginRecord> status(String symbolicName);

    /**
     * Installs and starts a plugin that is not installed yet.
     *
     * @param jar    the bundle jar (copied; the caller may delete it afterwards)
     * @param origin who asks, for the history and the log: "plugins folder", "HTTP", "shell"
     * @throws LifecycleException NOT_A_BUNDLE, ALREADY_INSTALLED (use update), NOT_RESOLVABLE, BUSY
     */
    Outcome install(Path jar, String origin) throws LifecycleException;

    /**
     * Replaces a plugin with the version in {@code jar}, health-gated, rolling back on failure.
     *
     * @return PROMOTED, or ROLLED_BACK with the reason (the previous version runs again)
     * @throws LifecycleException NOT_A_BUNDLE, UNKNOWN_PLUGIN, WRONG_PLUGIN (another symbolic name),
     *                            SAME_VERSION, NOT_RESOLVABLE (refused before anything was touched), BUSY
     */
    Outcome update(String symbolicName, Path jar, String origin) throws LifecycleException;

    /**
     * Goes back to the version the plugin ran before its current one, health-gated like an update.
     *
     * @throws LifecycleException UNKNOWN_PLUGIN, NO_PREVIOUS_VERSION, BUSY
     */
    Outcome rollback(String symbolicName, String origin) throws LifecycleException;

    /**
     * Stops and uninstalls a plugin; its subscriptions end. Its history and kept jars stay.
     *
     * @throws LifecycleException UNKNOWN_PLUGIN, BUSY
     */
    Outcome remove(String symbolicName, String origin) throws LifecycleException;

    /** The plugin's history, oldest first (also for a removed plugin); empty if it never was installed. */
    List<HistoryEntry> history(String symbolicName);
}
