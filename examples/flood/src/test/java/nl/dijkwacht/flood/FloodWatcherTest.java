package nl.dijkwacht.flood;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.junit.jupiter.api.Test;

class FloodWatcherTest {

    private final RecordingBus bus = new RecordingBus();
    private final RecordingAlerts alerts = new RecordingAlerts();
    private final RecordingNotifications notifications = new RecordingNotifications();
    private final Stubs.RecordingLog log = new Stubs.RecordingLog();

    private FloodWatcher start(Map<String, Object> config) {
        return new FloodWatcher(bus, alerts, notifications, log.logger, Stubs.config(config));
    }

    private static Reading level(double metres) {
        Instant at = Instant.parse("2026-06-01T09:00:00Z");
        return new Reading(EntityId.of("WaterObserved", "gauge-01"), "waterLevel", Value.of(metres), "m", at, at,
                "gauge-01", FloodMonitorTest.AMSTEL);
    }

    @Test
    void publishesTheSandbagPointsAtActivation() {
        start(Map.of("sandbag.points", new String[] {"waterlooplein|Waterlooplein|4.9020|52.3676"}));

        assertEquals(List.of("PointOfInterest/waterlooplein/name", "PointOfInterest/waterlooplein/category"),
                bus.published.stream().map(Reading::topic).toList());
        assertEquals(List.of(Value.of("Waterlooplein"), Value.of("sandbagPoint")),
                bus.published.stream().map(Reading::value).toList());
        bus.published.forEach(r -> assertEquals(Location.of(4.9020, 52.3676), r.location()));
    }

    @Test
    void aBadConfigurationAtActivationStartsOnTheDefaults() {
        FloodWatcher watcher = start(Map.of("sandbag.points", new String[] {"waterlooplein|Waterlooplein"}));

        assertEquals(Settings.defaults(), watcher.monitor().settings());
        assertEquals(List.of("ERROR Configuration nl.dijkwacht.flood refused: sandbag.points entry "
                + "'waterlooplein|Waterlooplein': expected id|name|lon|lat (4 fields separated by '|'), found 2 fields; "
                + "starting on the defaults"), log.at("ERROR"));
        assertEquals(List.of(), bus.published);
    }

    @Test
    void aBadChangeIsRefusedAndTheOldSettingsKept() {
        FloodWatcher watcher = start(Map.of("flood.level", 1.5));
        watcher.onReading(level(1.6));

        watcher.modified(Stubs.config(Map.of("flood.level", 1.9)));

        assertEquals(1.5, watcher.monitor().settings().floodLevel());
        assertEquals(List.of("ERROR Configuration nl.dijkwacht.flood refused: critical.level 1.8 must be above "
                + "flood.level 1.9; keeping the previous settings"), log.at("ERROR"));
    }

    @Test
    void aGoodChangeKeepsTheActiveAlertsAndRepublishesThePoints() {
        FloodWatcher watcher = start(Map.of());
        watcher.onReading(level(1.6));

        watcher.modified(Stubs.config(Map.of("sandbag.points", new String[] {"oosterpark|Oosterpark|4.9205|52.3604"})));
        watcher.onReading(level(1.62));

        assertEquals(1, watcher.monitor().active().size());
        assertEquals(1, notifications.sent.size());
        assertEquals(List.of("PointOfInterest/oosterpark/name", "PointOfInterest/oosterpark/category"),
                bus.published.stream().map(Reading::topic).toList());
    }

    @Test
    void takesOverItsActiveAlertsAtActivation() {
        start(Map.of()).onReading(level(1.6));

        start(Map.of()).onReading(level(1.61));

        assertEquals(1, notifications.sent.size(), "the restarted plugin does not warn residents twice");
    }
}
