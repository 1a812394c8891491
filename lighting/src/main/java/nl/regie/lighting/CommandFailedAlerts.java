package nl.regie.lighting;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import nl.regie.api.actuation.CommandResult;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

import org.osgi.service.log.Logger;

/**
 * The alerts of commands a lamp does not carry out: when the {@link CommandQueue} gives up on a lamp, a warning
 * and {@code command-failed-{lamp}} (subcategory {@code commandFailed}); when a later command to the lamp
 * completes, the alert is resolved. Only alerts known to be active are resolved, so the runtime is not asked to
 * resolve on every completed command. Not thread-safe: the engine confines it to its lock.
 */
final class CommandFailedAlerts {

    static final String PREFIX = "command-failed-";

    private final MaintenanceAlerts alerts;
    private final Logger log;
    private final Set<String> active = new HashSet<>();

    CommandFailedAlerts(MaintenanceAlerts alerts, Logger log) {
        this.alerts = alerts;
        this.log = log;
    }

    /** The queue gave up dimming {@code lamp} (at {@code where}, if known) to {@code level}; {@code at} is event time. */
    void gaveUp(EntityId lamp, double level, CommandResult last, int attempts, Location where, Instant at) {
        String why = last.state() + (last.reason().isEmpty() ? "" : " (" + last.reason() + ")");
        log.warn("Gave up dimming streetlight " + lamp.localId() + " to " + level + " after " + attempts
                + " attempts; the last ended " + why);
        String key = MaintenanceAlerts.key(PREFIX, lamp);
        alerts.raise(key, "commandFailed", "Streetlight " + lamp.localId() + " did not carry out dim " + level + " in "
                + attempts + " attempts; the last ended " + why, lamp, where, at);
        active.add(key);
    }

    /** A command to {@code lamp} completed: its alert, if any, is resolved at {@code at} (event time). */
    void completed(EntityId lamp, double level, Instant at) {
        String key = MaintenanceAlerts.key(PREFIX, lamp);
        if (active.remove(key)) {
            alerts.resolve(key, at);
            log.info("Streetlight " + lamp.localId() + " carries out commands again (dim " + level + ")");
        }
    }

    /** Takes over the alert {@code key} raised before a restart, so that the lamp's next completed command resolves it. */
    void takeOver(String key) {
        active.add(key);
    }
}
