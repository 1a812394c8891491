package nl.regie.waste;

import static nl.regie.waste.Fakes.T0;
import static nl.regie.waste.Fakes.config;
import static nl.regie.waste.Fakes.level;
import static nl.regie.waste.Fakes.temperature;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.junit.jupiter.api.Test;

/** The DS component, constructed directly with recording doubles and a scheduler the test drives. */
class WastePluginTest {

    private final RecordingBus bus = new RecordingBus();
    private final RecordingAlerts alerts = new RecordingAlerts();
    private final List<String> log = new ArrayList<>();
    private final ManualScheduler scheduler = new ManualScheduler();

    private WastePlugin plugin(Map<String, Object> config) {
        return new WastePlugin(bus, alerts, Fakes.logger(log), config(config), scheduler, () -> 0);
    }

    @Test
    void publishesAnEmptyRouteOnTheFirstBinReadingDatedByIt() {
        WastePlugin plugin = plugin(Map.of());
        scheduler.runAll();
        assertEquals(List.of(), bus.values("WasteCollectionRoute/depot-1/stops"), "nothing to date a route by yet");
        plugin.onReading(level("bin-1", 0.2, T0));
        scheduler.runAll();
        assertEquals(List.of("[]"), bus.values("WasteCollectionRoute/depot-1/stops"));
        assertEquals(T0, bus.on("WasteCollectionRoute/depot-1/stops").get(0).observedAt());
    }

    @Test
    void routesFollowTheBinsTimeWhereverItIsFromTheWallClock() {
        // The defect of 2026-12: the first route was dated by the wall clock, every later one by the bins' time, and
        // the city state kept the first. Whatever the wall clock says, every route is dated by the bins.
        for (long wallClock : new long[] {T0.minusSeconds(400 * 86_400L).toEpochMilli(),
                T0.plusSeconds(400 * 86_400L).toEpochMilli()}) {
            RecordingBus bus = new RecordingBus();
            ManualScheduler scheduler = new ManualScheduler();
            WastePlugin plugin = new WastePlugin(bus, new RecordingAlerts(), Fakes.logger(log), config(Map.of()),
                    scheduler, () -> wallClock);
            scheduler.runAll();
            plugin.onReading(level("bin-1", 0.2, T0));
            scheduler.runAll();
            plugin.onReading(level("bin-1", 0.95, T0.plusSeconds(3_600)));
            scheduler.runAll();
            assertEquals(List.of(T0, T0.plusSeconds(3_600)), bus.on("WasteCollectionRoute/depot-1/stopCount").stream()
                    .map(Reading::observedAt).toList());
            assertEquals(List.of(0.0, 1.0), bus.values("WasteCollectionRoute/depot-1/stopCount"));
        }
    }

    @Test
    void aBadConfigurationAtActivationStartsOnTheDefaults() {
        WastePlugin plugin = plugin(Map.of("full.threshold", 1.5, "route.id", "south"));
        assertEquals(Settings.DEFAULTS, plugin.monitor().settings());
        assertEquals(List.of("ERROR Configuration nl.regie.waste refused: full.threshold 1.5 must be from 0.05 to 1.0;"
                + " starting on the defaults"), log);
    }

    @Test
    void aChangedConfigurationAppliesWithoutLosingState() {
        WastePlugin plugin = plugin(Map.of());
        plugin.onReading(level("bin-1", 0.75, T0));
        plugin.onReading(temperature("bin-1", 70, T0));
        plugin.modified(config(Map.of("full.threshold", 0.7)));
        assertEquals(List.of(false, true), bus.values("WasteContainer/bin-1/full"));
        assertTrue(log.contains("INFO Configuration nl.regie.waste applied"), log.toString());
        plugin.onReading(temperature("bin-1", 30, T0.plusSeconds(600)));
        assertEquals(List.of("fire-bin-1"), alerts.resolved, "the fire seen before the change is still known");
        assertEquals(List.of("burning", "ok"), bus.values("WasteContainer/bin-1/status"));
    }

    @Test
    void aBadChangedConfigurationIsRefusedAndTheOldSettingsKept() {
        WastePlugin plugin = plugin(Map.of("full.threshold", 0.7));
        plugin.modified(config(Map.of("depot", "Amsterdam")));
        assertEquals(0.7, plugin.monitor().settings().fullThreshold());
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("ERROR Configuration nl.regie.waste refused: depot 'Amsterdam' must be lon,lat"),
                log.get(0));
        assertTrue(log.get(0).endsWith("; keeping the previous settings"), log.get(0));
    }

    @Test
    void fullBinsFiresAndRoutesEndToEnd() {
        WastePlugin plugin = plugin(Map.of());
        scheduler.runAll();
        plugin.onReading(level("bin-1", 0.9, T0));
        plugin.onReading(temperature("bin-1", 15, T0));
        plugin.onReading(temperature("bin-1", 95, T0.plusSeconds(120)));
        scheduler.runAll();
        assertEquals(List.of(true), bus.values("WasteContainer/bin-1/full"));
        assertEquals(AlertSeverity.CRITICAL, alerts.raised.get(0).severity());
        assertEquals(1.0, bus.last("WasteCollectionRoute/depot-1/stopCount").orElseThrow().asObject());
    }

    @Test
    void badReadingsAreWarnedAboutAtMostOncePerMinute() {
        WastePlugin plugin = plugin(Map.of());
        for (int i = 0; i < 100; i++) {
            plugin.onReading(Fakes.reading("bin-1", "temperature", Value.of(true), T0, null));
        }
        assertEquals(1, log.size());
        assertTrue(log.get(0).startsWith("WARN Ignored WasteContainer/bin-1/temperature: expected a number"), log.get(0));
    }

    @Test
    void deactivationStopsTheRouteThread() {
        plugin(Map.of()).deactivate();
        assertTrue(scheduler.closed);
    }

    @Test
    void theRouteThreadIsNamedDaemonAndStops() throws Exception {
        RouteThread thread = new RouteThread(Fakes.logger());
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        thread.schedule(() -> ran.complete(Thread.currentThread()), 0);
        Thread planner = ran.get(5, TimeUnit.SECONDS);
        assertEquals("regie-waste-route", planner.getName());
        assertTrue(planner.isDaemon());
        thread.close();
        planner.join(5_000);
        assertFalse(planner.isAlive());
        thread.schedule(() -> { }, 0); // after close: ignored, no exception
    }
}
