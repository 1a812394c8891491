package nl.regie.waste;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.testkit.RegieTestKit;

/** Small helpers the tests share: configurations, readings, and what the test kit saw the plugin do. */
final class Fakes {

    static final Instant T0 = Instant.parse("2026-07-01T08:00:00Z");

    private Fakes() {
    }

    /** A configuration with its defaults, except the given keys ({@code full.threshold} style), typed as DS types it. */
    static WastePlugin.Config config(Map<String, Object> values) {
        return RegieTestKit.typedConfig(WastePlugin.Config.class, values);
    }

    static WastePlugin.Config config() {
        return config(Map.of());
    }

    /** The readings the plugin published on a topic, oldest first, once every delivery is done. */
    static List<Reading> on(RegieTestKit kit, String topic) {
        kit.settle();
        return kit.published(topic);
    }

    /** The values the plugin published on a topic, oldest first. */
    static List<Object> values(RegieTestKit kit, String topic) {
        return on(kit, topic).stream().map(r -> r.value().asObject()).toList();
    }

    /** The last value the plugin published on a topic. */
    static Optional<Value> last(RegieTestKit kit, String topic) {
        List<Reading> readings = on(kit, topic);
        return readings.isEmpty() ? Optional.empty() : Optional.of(readings.get(readings.size() - 1).value());
    }

    /** The severity of each raise and update of the plugin's alerts, oldest first, as the runtime published them. */
    static List<AlertSeverity> raised(RegieTestKit kit) {
        List<Reading> severities = on(kit, "Alert/+/severity");
        List<Reading> active = kit.published("Alert/+/active");
        List<AlertSeverity> raised = new ArrayList<>();
        for (int i = 0; i < active.size(); i++) {
            if (Boolean.TRUE.equals(active.get(i).value().asObject())) {
                raised.add(AlertSeverity.valueOf(severities.get(i).text().orElseThrow().toUpperCase(Locale.ROOT)));
            }
        }
        return raised;
    }

    /** The keys of the plugin's resolved alerts. */
    static List<String> resolved(RegieTestKit kit) {
        return kit.allAlerts().stream().filter(a -> !a.active()).map(Alert::key).toList();
    }

    /**
     * The route planner's scheduler on the kit's (in place of the plugin's thread {@code regie-waste-route}): what it is
     * given runs when the test calls {@code kit.scheduler().runDue()} or moves the kit's clock.
     */
    static RoutePublisher.Scheduler scheduler(RegieTestKit kit) {
        return new RoutePublisher.Scheduler() {
            @Override
            public void schedule(Runnable task, long delayMillis) {
                kit.scheduler().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            }

            @Override
            public void close() {
                kit.scheduler().shutdownNow();
            }
        };
    }

    /** Runs every plan scheduled so far, and those they schedule, as if an hour had passed on the wall clock. */
    static void runPlans(RegieTestKit kit) {
        kit.clock().advance(Duration.ofHours(1));
    }

    static EntityId bin(String localId) {
        return EntityId.of("WasteContainer", localId);
    }

    static Reading reading(String localId, String attribute, Value value, Instant at, Location location) {
        String unit = attribute.equals("temperature") ? "Cel" : attribute.equals("fillingLevel") ? "/" : "";
        return new Reading(bin(localId), attribute, value, unit, at, at, localId, location);
    }

    static Reading level(String localId, double level, Instant at) {
        return reading(localId, "fillingLevel", Value.of(level), at, Location.of(4.89, 52.37));
    }

    static Reading temperature(String localId, double celsius, Instant at) {
        return reading(localId, "temperature", Value.of(celsius), at, Location.of(4.89, 52.37));
    }

    static Reading kind(String localId, String kind, Instant at) {
        return reading(localId, "storedWasteKind", Value.of(kind), at, Location.of(4.89, 52.37));
    }
}
