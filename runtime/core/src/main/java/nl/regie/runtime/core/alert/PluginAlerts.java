package nl.regie.runtime.core.alert;

import java.time.Instant;
import java.util.Optional;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.runtime.spi.alert.AlertBook;

/**
 * The alerts of every plugin, with the write side the bundle-scoped {@link BundleAlerts} passes its plugin's name to.
 * Implemented by {@link AlertService}; private to the core bundle.
 */
public interface PluginAlerts extends AlertBook {

    /**
     * Raises or updates an alert of a plugin.
     *
     * @throws IllegalArgumentException if the request is not valid
     * @throws IllegalStateException    if another plugin holds the key
     */
    Alert raise(String source, AlertRequest request);

    /** Resolves a plugin's own active alert; empty if it has none under that key. */
    Optional<Alert> resolve(String source, String key, Instant at);
}
