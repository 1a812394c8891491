package nl.regie.lighting;

import java.time.Instant;

import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.alert.Alerts;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

import org.osgi.service.log.Logger;

/**
 * Raises and resolves the plugin's alerts (category {@code maintenance}, severity LOW) through the runtime's
 * {@link Alerts}. Keys and descriptions are kept within what {@link AlertRequest} accepts, and a call the
 * service refuses becomes a warning: an alert lost must not stop the lamps being driven.
 */
final class MaintenanceAlerts {

    static final String CATEGORY = "maintenance";
    /** The longest key {@link AlertRequest} accepts. */
    private static final int MAX_KEY = 128;
    /** The longest description {@link AlertRequest} accepts. */
    private static final int MAX_DESCRIPTION = 500;

    private final Alerts alerts;
    private final Logger log;

    MaintenanceAlerts(Alerts alerts, Logger log) {
        this.alerts = alerts;
        this.log = log;
    }

    /** An alert key for a lamp: the prefix and the lamp's id, with characters keys do not take replaced. */
    static String key(String prefix, EntityId lamp) {
        String key = prefix + lamp.localId().replaceAll("[^A-Za-z0-9._-]", "_");
        return key.length() <= MAX_KEY ? key : key.substring(0, MAX_KEY);
    }

    /** Raises (or updates) the alert {@code key} about {@code lamp}, observed at {@code at} (event time). */
    void raise(String key, String subCategory, String description, EntityId lamp, Location where, Instant at) {
        AlertRequest request = new AlertRequest(key, CATEGORY, subCategory, AlertSeverity.LOW, truncate(description),
                lamp, where, at);
        try {
            alerts.raise(request);
        } catch (RuntimeException e) {
            log.warn("Could not raise alert " + key + ": " + e.getMessage());
        }
    }

    /** Resolves the alert {@code key} as over at {@code at} (event time); one not active is left as it is. */
    void resolve(String key, Instant at) {
        try {
            alerts.resolve(key, at);
        } catch (RuntimeException e) {
            log.warn("Could not resolve alert " + key + ": " + e.getMessage());
        }
    }

    private static String truncate(String description) {
        return description.length() <= MAX_DESCRIPTION ? description
                : description.substring(0, MAX_DESCRIPTION - 3) + "...";
    }
}
