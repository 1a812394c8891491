package nl.regie.api.alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Raises, updates and resolves alerts. The runtime gives each bundle its own instance (a bundle-scoped service),
 * so an alert's source is always the plugin that raised it, and a plugin can only update or resolve its own
 * alerts. Every change is published on the bus as readings of the alert entity ({@code Alert/{key}/severity},
 * {@code .../category}, {@code .../subCategory}, {@code .../description}, {@code .../alertSource},
 * {@code .../validFrom}, {@code .../validTo}, {@code .../active}), so the city state and other plugins see it.
 *
 * <p>Calls are cheap and do not block on delivery; a plugin may raise the same alert on every reading that still
 * shows the condition: an unchanged request changes nothing.
 */
@ProviderType
public interface Alerts {

    /**
     * Raises an alert, or updates this plugin's active alert with the same key (severity, description,
     * location). A key resolved before is raised afresh.
     *
     * @return the alert as it is now kept
     * @throws IllegalStateException when another plugin has an active alert with that key (the message names it)
     * @throws nl.regie.api.scope.LimitExceededException when the key is new and the plugin has brought as many
     *                               entities into the city state as its limit allows (an alert is an entity)
     */
    Alert raise(AlertRequest request);

    /**
     * Resolves this plugin's active alert with that key.
     *
     * @param at when the condition was seen to be over
     * @return the resolved alert, or empty if this plugin has no active alert with that key
     */
    Optional<Alert> resolve(String key, Instant at);

    /** Every active alert, of any plugin, most severe first, then newest first. */
    List<Alert> active();

    /**
     * This plugin's own active alerts, most severe first, then newest first: what a new version (or the same one,
     * restarted) takes over, so that it resolves the alerts its predecessor raised when their condition ends. The
     * runtime keeps alerts across an update; only an uninstall resolves them.
     */
    List<Alert> own();
}
