package nl.regie.mobility;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.testkit.RegieTestKit;

/** What the test kit saw the plugin do: its readings and its alerts' changes, once every delivery is done. */
final class Seen {

    /** One change of an alert, as the runtime published it ({@code Alert/{key}/...}, eight readings a change). */
    record Change(String key, String category, String subCategory, AlertSeverity severity, String description,
            EntityId about, Location location, Instant observedAt, boolean active) {
    }

    private Seen() {
    }

    /** The readings the plugin published on a topic (or filter), oldest first. */
    static List<Reading> on(RegieTestKit kit, String topic) {
        kit.settle();
        return kit.published(topic);
    }

    /** The value of the last reading the plugin published on a topic, as a plain object. */
    static Object last(RegieTestKit kit, String topic) {
        List<Reading> readings = on(kit, topic);
        if (readings.isEmpty()) {
            throw new AssertionError("nothing published on " + topic + "; published: "
                    + kit.published().stream().map(Reading::topic).distinct().toList());
        }
        return readings.get(readings.size() - 1).value().asObject();
    }

    /** Every raise and update of the plugin's alerts, oldest first. */
    static List<Change> raises(RegieTestKit kit) {
        return changes(kit).stream().filter(Change::active).toList();
    }

    /** The keys of the alerts the plugin resolved, in order. */
    static List<String> resolved(RegieTestKit kit) {
        return changes(kit).stream().filter(c -> !c.active()).map(Change::key).toList();
    }

    private static List<Change> changes(RegieTestKit kit) {
        List<Reading> readings = on(kit, "Alert/+/+");
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i + 7 < readings.size(); i += 8) {
            List<Reading> change = readings.subList(i, i + 8);
            String about = text(change, "alertSource");
            changes.add(new Change(change.get(0).entity().localId(), text(change, "category"), text(change, "subCategory"),
                    AlertSeverity.valueOf(text(change, "severity").toUpperCase(Locale.ROOT)), text(change, "description"),
                    about.isEmpty() ? null : EntityId.parse(about), change.get(0).location(), change.get(0).observedAt(),
                    Boolean.TRUE.equals(value(change, "active"))));
        }
        return changes;
    }

    private static String text(List<Reading> change, String attribute) {
        return (String) value(change, attribute);
    }

    private static Object value(List<Reading> change, String attribute) {
        return change.stream().filter(r -> r.attribute().equals(attribute)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + attribute + " in " + change)).value().asObject();
    }
}
