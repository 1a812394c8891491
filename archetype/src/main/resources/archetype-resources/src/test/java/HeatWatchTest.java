package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plugin on Regie's test kit: readings go through the runtime's own bus to the component, subscribed as the
 * runtime subscribes it (its {@code @ReadingTopics}, within its declared {@code @PluginScope}), and its alerts are kept
 * as the runtime keeps them.
 */
class HeatWatchTest {

    private static final Instant NOON = Instant.parse("2026-07-01T12:00:00Z");

    private final RegieTestKit kit = RegieTestKit.forPlugin(HeatWatch.PID);

    @BeforeEach
    void start() {
        HeatWatch watch = new HeatWatch(kit.alerts(), kit.config(HeatWatch.Config.class,
                Map.of("threshold", 30, "hysteresis", 2)));
        kit.listen(watch);
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    @Test
    void aHotStationRaisesAHeatAlertThatLastsUntilTheStationHasCooledDown() {
        temperature("station-1", 31.5, NOON);
        kit.settle();
        Alert heat = kit.alerts().active().get(0);
        assertEquals("heat-station-1", heat.key());
        assertEquals("highTemperature", heat.subCategory());
        assertEquals(AlertSeverity.MEDIUM, heat.severity());
        assertEquals(NOON, heat.validFrom(), "dated by the reading, not the wall clock");

        temperature("station-1", 29.0, NOON.plusSeconds(600));
        kit.settle();
        assertEquals(List.of("heat-station-1"), activeKeys(), "below the threshold, but not cooled down yet");

        temperature("station-1", 27.5, NOON.plusSeconds(1200));
        kit.settle();
        assertEquals(List.of(), activeKeys());
        assertEquals(NOON.plusSeconds(1200), kit.allAlerts().get(0).validTo());
    }

    @Test
    void eachStationHasItsOwnAlert() {
        temperature("station-1", 33.0, NOON);
        temperature("station-2", 25.0, NOON);
        temperature("station-3", 30.5, NOON);
        kit.settle();
        assertEquals(List.of("heat-station-1", "heat-station-3"), activeKeys().stream().sorted().toList());
    }

    private List<String> activeKeys() {
        return kit.alerts().active().stream().map(Alert::key).toList();
    }

    /** A weather station's reading, as it arrives from the device over MQTT. */
    private void temperature(String station, double celsius, Instant at) {
        kit.publish(new Reading(EntityId.of("WeatherObserved", station), "temperature", Value.of(celsius), "Cel", at, at,
                station, null));
    }
}
