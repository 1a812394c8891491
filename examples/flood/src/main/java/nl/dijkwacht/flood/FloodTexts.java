package nl.dijkwacht.flood;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.notify.Audience;
import nl.regie.api.notify.NotificationRequest;

/** What the plugin tells people: the alert description and the notification to residents. */
final class FloodTexts {

    /** A sandbag point and how far it is from the gauge. */
    record Nearest(SandbagPoint point, double metres) {
    }

    private FloodTexts() {
    }

    /** The sandbag point nearest to {@code where}, if any is configured. */
    static Optional<Nearest> nearest(List<SandbagPoint> points, Location where) {
        Nearest best = null;
        for (SandbagPoint point : points) {
            double metres = where.distanceMetres(point.location());
            if (best == null || metres < best.metres()) {
                best = new Nearest(point, metres);
            }
        }
        return Optional.ofNullable(best);
    }

    /** The alert's description, for example "Water at Amstel (gauge-01) is 1.52 m, above the flood level of 1.50 m". */
    static String description(Settings settings, String gauge, double level, AlertSeverity severity) {
        return "Water at " + settings.nameOf(gauge) + " is " + metres(level) + ", " + above(settings, gauge, severity);
    }

    /** The notification to the residents within the alert radius of the gauge at {@code where}. */
    static NotificationRequest notice(Settings settings, String gauge, double level, AlertSeverity severity,
            Location where, EntityId alert) {
        String name = settings.nameOf(gauge);
        String subject = (severity == AlertSeverity.CRITICAL ? "Severe flood warning: " : "Flood warning: ") + name;
        String sandbags = nearest(settings.sandbagPoints(), where)
                .map(n -> "Nearest sandbag point: " + n.point().name() + ", " + Math.round(n.metres())
                        + " m from the gauge.")
                .orElse("No sandbag point has been set up.");
        String message = "The water at " + name + " is " + metres(level) + ", " + above(settings, gauge, severity)
                + ". " + sandbags;
        Audience audience = new Audience(where, settings.alertRadiusMetres(),
                "within " + Math.round(settings.alertRadiusMetres()) + " m of " + name);
        return new NotificationRequest(subject, message, audience, alert);
    }

    private static String above(Settings settings, String gauge, AlertSeverity severity) {
        return severity == AlertSeverity.CRITICAL
                ? "above the critical level of " + metres(settings.criticalLevel())
                : "above the flood level of " + metres(settings.levelFor(gauge));
    }

    private static String metres(double value) {
        return String.format(Locale.ROOT, "%.2f m", value);
    }
}
