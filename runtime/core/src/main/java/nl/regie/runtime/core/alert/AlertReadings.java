package nl.regie.runtime.core.alert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import nl.regie.api.alert.Alert;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

/**
 * An alert as readings of its entity {@code urn:ngsi-ld:Alert:{key}}: {@code category}, {@code subCategory},
 * {@code severity} (the Smart Data Models name), {@code description}, {@code alertSource} (the URN of the entity it
 * is about, or empty text), {@code validFrom} (ISO-8601 text), {@code validTo} (ISO-8601 text once resolved, empty
 * text while active, so that an alert raised again does not keep the end of its previous episode) and
 * {@code active} (boolean). Each reading is observed at the alert's last change, carries its location, and has
 * the raising plugin as source.
 */
final class AlertReadings {

    private AlertReadings() {
    }

    /** The readings that describe the alert as it is now; {@code receivedAt} is when the runtime took the change. */
    static List<Reading> of(Alert alert, Instant receivedAt) {
        List<Reading> readings = new ArrayList<>(8);
        add(readings, alert, "category", Value.of(alert.category()), receivedAt);
        add(readings, alert, "subCategory", Value.of(alert.subCategory()), receivedAt);
        add(readings, alert, "severity", Value.of(alert.severity().modelName()), receivedAt);
        add(readings, alert, "description", Value.of(alert.description()), receivedAt);
        add(readings, alert, "alertSource", Value.of(alert.about() == null ? "" : alert.about().toString()), receivedAt);
        add(readings, alert, "validFrom", Value.of(alert.validFrom().toString()), receivedAt);
        add(readings, alert, "validTo", Value.of(alert.validTo() == null ? "" : alert.validTo().toString()), receivedAt);
        add(readings, alert, "active", Value.of(alert.active()), receivedAt);
        return readings;
    }

    private static void add(List<Reading> readings, Alert alert, String attribute, Value value, Instant receivedAt) {
        readings.add(new Reading(alert.id(), attribute, value, "", alert.updatedAt(), receivedAt, alert.source(),
                alert.location()));
    }
}
