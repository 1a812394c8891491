package nl.dijkwacht.flood;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.alert.Alerts;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.notify.Notifications;

/**
 * The flood logic, in plain Java: water levels in, alerts and notifications out.
 *
 * <p>A gauge above its level raises the alert {@code flood-{gauge}} (HIGH, or CRITICAL above the critical level);
 * it is resolved only when the water falls below the level minus the hysteresis, so a level hovering around the
 * threshold does not raise and resolve it on every reading. Residents are notified once per raise and once more
 * on escalation to CRITICAL, never on other updates. Time is event time: the newest {@code observedAt} seen.
 *
 * <p>Thread-safe: readings arrive on the bus thread, settings on the configuration thread.
 */
public final class FloodMonitor {

    static final String KEY_PREFIX = "flood-";
    static final String CATEGORY = "naturalDisaster";
    static final String SUB_CATEGORY = "flood";

    /** What the monitor knows of one gauge. */
    private static final class Gauge {
        EntityId entity;
        Location location;
        AlertSeverity severity; // null while no alert is active

        Gauge(EntityId entity) {
            this.entity = entity;
        }
    }

    private final Alerts alerts;
    private final Notifications notifications;
    private final Warnings warnings;
    private final Map<String, Gauge> gauges = new HashMap<>(); // by alert key
    private Settings settings;
    private Instant now = Instant.EPOCH;

    /**
     * Creates a monitor.
     *
     * @param warn where rate-limited warnings about bad input go (the plugin's log)
     */
    public FloodMonitor(Settings settings, Alerts alerts, Notifications notifications, Consumer<String> warn) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.notifications = Objects.requireNonNull(notifications, "notifications");
        this.warnings = new Warnings(warn, System::nanoTime);
    }

    /** Applies new settings; active alerts stay active and are re-judged on each gauge's next reading. */
    public synchronized void apply(Settings newSettings) {
        this.settings = Objects.requireNonNull(newSettings, "settings");
    }

    /** The settings in force. */
    public synchronized Settings settings() {
        return settings;
    }

    /**
     * Takes over the active flood alerts this plugin raised before (before an update or restart), so that
     * residents are not notified again of a flood they were already told about.
     *
     * @param source this plugin's symbolic name: only its alerts are taken over
     */
    public synchronized void adopt(Collection<Alert> active, String source) {
        for (Alert alert : active) {
            if (alert.active() && source.equals(alert.source()) && alert.key().startsWith(KEY_PREFIX)) {
                Gauge gauge = gauges.computeIfAbsent(alert.key(), key -> new Gauge(alert.about()));
                if (gauge.severity == null) {
                    gauge.severity = alert.severity();
                    gauge.location = gauge.location != null ? gauge.location : alert.location();
                }
            }
        }
    }

    /** The gauges with an active alert and its severity, by alert key. */
    public synchronized Map<String, AlertSeverity> active() {
        Map<String, AlertSeverity> active = new TreeMap<>();
        gauges.forEach((key, gauge) -> {
            if (gauge.severity != null) {
                active.put(key, gauge.severity);
            }
        });
        return active;
    }

    /** Judges one {@code WaterObserved/{gauge}/waterLevel} reading. Never throws for bad input: it warns. */
    public synchronized void onReading(Reading reading) {
        String topic = reading.topic();
        if (!"waterLevel".equals(reading.attribute())) {
            warnings.warn("attribute:" + topic, "Flood plugin ignores " + topic + ": not a waterLevel");
            return;
        }
        if (!(reading.value() instanceof Value.Number number)) {
            warnings.warn("value:" + topic, "Flood plugin ignores " + topic + ": expected a number in m, got "
                    + reading.value());
            return;
        }
        if (!"m".equals(reading.unit())) {
            warnings.warn("unit:" + topic, "Flood plugin ignores " + topic + ": expected unit 'm', got '"
                    + reading.unit() + "'");
            return;
        }
        if (reading.observedAt().isAfter(now)) {
            now = reading.observedAt();
        }
        String id = reading.entity().localId();
        String key = alertKey(id);
        Gauge gauge = gauges.computeIfAbsent(key, k -> new Gauge(reading.entity()));
        gauge.entity = reading.entity();
        if (reading.location() != null) {
            gauge.location = reading.location();
        }
        judge(key, gauge, number.value());
    }

    private void judge(String key, Gauge gauge, double level) {
        String id = gauge.entity.localId();
        double threshold = settings.levelFor(id);
        if (gauge.severity == null) {
            if (level > threshold) {
                AlertSeverity severity = level > settings.criticalLevel() ? AlertSeverity.CRITICAL : AlertSeverity.HIGH;
                if (raise(key, gauge, level, severity)) {
                    notifyResidents(key, gauge, level);
                }
            }
        } else if (level < threshold - settings.hysteresis()) {
            resolve(key, gauge);
        } else {
            AlertSeverity severity = severity(level, gauge.severity);
            if (severity != gauge.severity && raise(key, gauge, level, severity) && severity == AlertSeverity.CRITICAL) {
                notifyResidents(key, gauge, level);
            }
        }
    }

    /** CRITICAL above the critical level, and stays so until the water is the hysteresis below it. */
    private AlertSeverity severity(double level, AlertSeverity current) {
        double critical = settings.criticalLevel();
        boolean isCritical = level > critical
                || current == AlertSeverity.CRITICAL && level >= critical - settings.hysteresis();
        return isCritical ? AlertSeverity.CRITICAL : AlertSeverity.HIGH;
    }

    private boolean raise(String key, Gauge gauge, double level, AlertSeverity severity) {
        String id = gauge.entity.localId();
        try {
            alerts.raise(new AlertRequest(key, CATEGORY, SUB_CATEGORY, severity,
                    FloodTexts.description(settings, id, level, severity), gauge.entity, gauge.location, now));
        } catch (RuntimeException e) {
            // For example another plugin holding the key; tried again on the gauge's next reading.
            warnings.warn("raise:" + key, "Flood plugin could not raise alert " + key + ": " + e.getMessage());
            return false;
        }
        gauge.severity = severity;
        return true;
    }

    private void resolve(String key, Gauge gauge) {
        try {
            alerts.resolve(key, now);
        } catch (RuntimeException e) {
            warnings.warn("resolve:" + key, "Flood plugin could not resolve alert " + key + ": " + e.getMessage());
        }
        gauge.severity = null;
    }

    private void notifyResidents(String key, Gauge gauge, double level) {
        String id = gauge.entity.localId();
        if (gauge.location == null) {
            warnings.warn("location:" + key, "Flood alert " + key + " raised, but residents are not notified: gauge "
                    + id + " has not reported its location");
            return;
        }
        try {
            notifications.send(FloodTexts.notice(settings, id, level, gauge.severity, gauge.location,
                    EntityId.of(Alert.ENTITY_TYPE, key)));
        } catch (RuntimeException e) {
            warnings.warn("notify:" + key, "Flood plugin could not notify residents of " + key + ": " + e.getMessage());
        }
    }

    /** The alert key of a gauge: {@code flood-{gauge}}, with characters alert keys do not allow replaced by '_'. */
    static String alertKey(String gauge) {
        return KEY_PREFIX + gauge.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
