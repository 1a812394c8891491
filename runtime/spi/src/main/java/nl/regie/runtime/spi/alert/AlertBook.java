package nl.regie.runtime.spi.alert;

import java.util.List;
import java.util.Optional;

import nl.regie.api.alert.Alert;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Every plugin's alerts, active and recently resolved, for the runtime's own readers (the HTTP API, metrics). Plugins
 * raise and resolve their own through the api's bundle-scoped {@code Alerts}; this is the read side.
 */
@ProviderType
public interface AlertBook {

    /** The active alerts, most severe first, then the most recently changed. */
    List<Alert> active();

    /** The alert with this key, active or among the recently resolved. */
    Optional<Alert> find(String key);

    /**
     * One page of the alerts that match a filter: active ones first (most severe, then most recent), then resolved ones
     * (most recently resolved first).
     *
     * @param offset how many matching alerts to skip, at least 0
     * @param limit  the most to return, at least 1
     */
    Page query(AlertFilter filter, int offset, int limit);

    /**
     * A page of alerts.
     *
     * @param alerts the alerts on the page
     * @param total  how many alerts matched in all
     */
    record Page(List<Alert> alerts, int total) {
        /** Copies the list. */
        public Page {
            alerts = List.copyOf(alerts);
        }
    }
}
