package nl.regie.runtime.spi.alert;

import java.time.Instant;
import java.util.Optional;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The runtime's own alerts, about itself: a configuration changed behind the config folder's back, a plugin running
 * more threads than its limit. They are alerts like any plugin's (in the city state, {@code /api/alerts}, the page),
 * with {@value #SOURCE} as their source, which no bundle symbolic name can be (a ':' is not allowed in one), so no
 * plugin can resolve or overwrite them. For runtime bundles only: plugins raise theirs through the api's bundle-scoped
 * {@code Alerts}.
 */
@ProviderType
public interface RuntimeAlerts {

    /** The source of every alert the runtime raises about itself. */
    String SOURCE = "regie:runtime";

    /**
     * Raises an alert of the runtime's, or updates the active one with the same key; an unchanged request changes
     * nothing.
     *
     * @throws IllegalStateException if a plugin holds an active alert with the key
     */
    Alert raise(AlertRequest request);

    /** Resolves the runtime's active alert with the key; empty if there is none. */
    Optional<Alert> resolve(String key, Instant at);
}
