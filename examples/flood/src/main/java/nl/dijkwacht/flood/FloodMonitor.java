package nl.dijkwacht.flood;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Consumer;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.alert.Alerts;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.notify.Notifications;

/**
 * The flood rule, in plain Java: water levels in, alerts and notifications out.
 *
 * <p>A gauge above its level raises the alert {@code flood-{gauge}} (HIGH, or CRITICAL above the critical level);
 * it is resolved only when the water falls below the level minus the hysteresis, so a level hovering around the
 * threshold does not raise and resolve it on every reading. Residents are notified once per raise and once more
 * on escalation to CRITICAL. Alerts are dated by the reading they follow from.
 *
 * <p>Thread-safe: readings arrive on the bus thread, settings on the configuration thread.
 */
public final class FloodMonitor {

    static final String KEY_PREFIX = "flood-";
    static final String CATEGORY = "naturalDisaster";
    static final String SUB_CATEGORY = "flood";

    private final Alerts alerts;
    private final Notifications notifications;
    private final Consumer<String> warn;
    private final Map<EntityId, AlertSeverity> raised = new HashMap<>();
    private final Map<EntityId, Location> locations = new HashMap<>();
    private Settings settings;

    /**
     * Creates a monitor that takes over the flood alerts this plugin still has active (from before an update or a
     * restart: the runtime kept them), so residents are not told again of a flood they know of.
     *
     * @param warn where warnings about bad input go (the plugin's log), one each time: the runtime's console collapses
     *             repeats, so a broken gauge does not flood the log
     */
    public FloodMonitor(Settings settings, Alerts alerts, Notifications notifications, Consumer<String> warn) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.notifications = Objects.requireNonNull(notifications, "notifications");
        this.warn = Objects.requireNonNull(warn, "warn");
        for (Alert alert : alerts.own()) {
            if (alert.key().startsWith(KEY_PREFIX) && alert.about() != null) {
                raised.put(alert.about(), alert.severity());
                if (alert.location() != null) {
                    locations.put(alert.about(), alert.location());
                }
            }
        }
    }

    /** Applies new settings; active alerts stay active and are judged again on each gauge's next reading. */
    public synchronized void apply(Settings newSettings) {
        this.settings = Objects.requireNonNull(newSettings, "settings");
    }

    /** The settings in force. */
    public synchronized Settings settings() {
        return settings;
    }

    /** The active alerts' severities, by alert key. */
    public synchronized Map<String, AlertSeverity> active() {
        Map<String, AlertSeverity> active = new TreeMap<>();
        raised.forEach((gauge, severity) -> active.put(alertKey(gauge.localId()), severity));
        return active;
    }

    /** Judges one {@code WaterObserved/{gauge}/waterLevel} reading; one that is not a level in metres is ignored. */
    public synchronized void onReading(Reading reading) {
        OptionalDouble level = reading.number();
        if (level.isEmpty() || !"m".equals(reading.unit())) {
            warn.accept("Flood plugin ignores " + reading.topic() + ": expected a number in m, got "
                    + reading.value().asObject() + " " + reading.unit());
            return;
        }
        EntityId gauge = reading.entity();
        if (reading.location() != null) {
            locations.put(gauge, reading.location());
        }
        AlertSeverity before = raised.get(gauge);
        AlertSeverity after = severity(settings, gauge.localId(), level.getAsDouble(), before);
        String key = alertKey(gauge.localId());
        if (after == before) {
            return;
        }
        if (after == null) {
            alerts.resolve(key, reading.observedAt());
            raised.remove(gauge);
            return;
        }
        try {
            alerts.raise(new AlertRequest(key, CATEGORY, SUB_CATEGORY, after, FloodTexts.description(settings,
                    gauge.localId(), level.getAsDouble(), after), gauge, locations.get(gauge), reading.observedAt()));
        } catch (RuntimeException e) {
            // Another plugin holding the key, say: tried again on the gauge's next reading.
            warn.accept("Flood plugin could not raise alert " + key + ": " + e.getMessage());
            return;
        }
        raised.put(gauge, after);
        if (before == null || after == AlertSeverity.CRITICAL) {
            notifyResidents(gauge, key, level.getAsDouble(), after);
        }
    }

    /**
     * The rule: no alert until the level is above the gauge's flood level; then HIGH, or CRITICAL above the critical
     * level; each ends only the hysteresis below where it began.
     *
     * @return the severity the gauge's alert should have, or null for none
     */
    static AlertSeverity severity(Settings settings, String gauge, double level, AlertSeverity current) {
        double critical = settings.criticalLevel();
        if (current == null ? level <= settings.levelFor(gauge) : level < settings.levelFor(gauge) - settings.hysteresis()) {
            return null;
        }
        boolean isCritical = level > critical || current == AlertSeverity.CRITICAL && level >= critical - settings.hysteresis();
        return isCritical ? AlertSeverity.CRITICAL : AlertSeverity.HIGH;
    }

    private void notifyResidents(EntityId gauge, String key, double level, AlertSeverity severity) {
        Location where = locations.get(gauge);
        if (where == null) {
            warn.accept("Flood alert " + key + " raised, but residents are not notified: gauge "
                    + gauge.localId() + " has not reported its location");
            return;
        }
        try {
            notifications.send(FloodTexts.notice(settings, gauge.localId(), level, severity, where,
                    EntityId.of(Alert.ENTITY_TYPE, key)));
        } catch (RuntimeException e) {
            warn.accept("Flood plugin could not notify residents of " + key + ": " + e.getMessage());
        }
    }

    /** The alert key of a gauge: {@code flood-{gauge}}, with characters alert keys do not allow replaced by '_'. */
    static String alertKey(String gauge) {
        return KEY_PREFIX + gauge.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
