package nl.dijkwacht.flood;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The component on Regie's test kit: configuration, the sandbag points it publishes, an update's takeover. */
class FloodWatcherTest {

    private final RegieTestKit kit = RegieTestKit.forPlugin(Settings.PID);

    @AfterEach
    void close() {
        kit.close();
    }

    private FloodWatcher start(Map<String, Object> config) {
        return new FloodWatcher(kit.bus(), kit.alerts(), kit.notifications(), kit.log().logger(), config(config));
    }

    private FloodWatcher.Config config(Map<String, Object> config) {
        return kit.config(FloodWatcher.Config.class, config);
    }

    private List<String> points() {
        kit.settle();
        return kit.published("PointOfInterest/+/+").stream().map(Reading::topic).toList();
    }

    private static Reading level(double metres) {
        Instant at = Instant.parse("2026-06-01T09:00:00Z");
        return new Reading(EntityId.of("WaterObserved", "gauge-01"), "waterLevel", Value.of(metres), "m", at, at,
                "gauge-01", FloodMonitorTest.AMSTEL);
    }

    @Test
    void publishesTheSandbagPointsAtActivation() {
        start(Map.of("sandbag.points", new String[] {"waterlooplein|Waterlooplein|4.9020|52.3676"}));

        assertEquals(List.of("PointOfInterest/waterlooplein/name", "PointOfInterest/waterlooplein/category"), points());
        List<Reading> published = kit.published("PointOfInterest/+/+");
        assertEquals(List.of(Value.of("Waterlooplein"), Value.of("sandbagPoint")),
                published.stream().map(Reading::value).toList());
        published.forEach(r -> assertEquals(Location.of(4.9020, 52.3676), r.location()));
    }

    @Test
    void aBadConfigurationAtActivationStartsOnTheDefaults() {
        FloodWatcher watcher = start(Map.of("sandbag.points", new String[] {"waterlooplein|Waterlooplein"}));

        assertEquals(Settings.defaults(), watcher.monitor().settings());
        assertEquals(List.of("Configuration nl.dijkwacht.flood refused: sandbag.points entry "
                + "'waterlooplein|Waterlooplein': expected id|name|lon|lat (4 fields separated by '|'), found 2 fields; "
                + "starting on the defaults"), kit.log().messages("error"));
        assertEquals(List.of(), points());
    }

    @Test
    void aBadChangeIsRefusedAndTheOldSettingsKept() {
        FloodWatcher watcher = start(Map.of("flood.level", 1.5));
        watcher.onReading(level(1.6));

        watcher.modified(config(Map.of("flood.level", 1.9)));

        assertEquals(1.5, watcher.monitor().settings().floodLevel());
        assertEquals(List.of("Configuration nl.dijkwacht.flood refused: critical.level 1.8 must be above "
                + "flood.level 1.9; keeping the previous settings"), kit.log().messages("error"));
    }

    @Test
    void aGoodChangeKeepsTheActiveAlertsAndRepublishesThePoints() {
        FloodWatcher watcher = start(Map.of());
        watcher.onReading(level(1.6));

        watcher.modified(config(Map.of("sandbag.points", new String[] {"oosterpark|Oosterpark|4.9205|52.3604"})));
        watcher.onReading(level(1.62));
        kit.settle();

        assertEquals(1, watcher.monitor().active().size());
        assertEquals(1, kit.sent().size());
        assertEquals(List.of("PointOfInterest/oosterpark/name", "PointOfInterest/oosterpark/category"), points());
    }

    @Test
    void theComponentReceivesWhatItsScopeReads() {
        kit.listen(start(Map.of()));
        kit.publish(level(1.6));
        kit.settle();

        assertEquals(List.of("flood-gauge-01"), kit.alerts().own().stream().map(a -> a.key()).toList());
    }

    @Test
    void theNextVersionTakesOverItsActiveAlerts() {
        start(Map.of()).onReading(level(1.6));
        kit.settle();

        start(Map.of()).onReading(level(1.61));
        kit.settle();

        assertEquals(1, kit.sent().size(), "the next version does not warn residents twice");
    }
}
