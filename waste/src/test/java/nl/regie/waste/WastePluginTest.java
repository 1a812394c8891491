package nl.regie.waste;

import static nl.regie.waste.Fakes.T0;
import static nl.regie.waste.Fakes.config;
import static nl.regie.waste.Fakes.last;
import static nl.regie.waste.Fakes.level;
import static nl.regie.waste.Fakes.on;
import static nl.regie.waste.Fakes.raised;
import static nl.regie.waste.Fakes.resolved;
import static nl.regie.waste.Fakes.runPlans;
import static nl.regie.waste.Fakes.temperature;
import static nl.regie.waste.Fakes.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The DS component, constructed directly on the test kit, its route planner on the kit's scheduler. */
class WastePluginTest {

    private final RegieTestKit kit = RegieTestKit.forPlugin(WastePlugin.PID);

    @AfterEach
    void closeKit() {
        kit.close();
    }

    private WastePlugin plugin(Map<String, Object> config) {
        return new WastePlugin(kit.bus(), kit.alerts(), kit.cityState(), kit.log().logger(), config(config),
                Fakes.scheduler(kit), () -> 0);
    }

    @Test
    void publishesAnEmptyRouteOnTheFirstBinReadingDatedByIt() {
        WastePlugin plugin = plugin(Map.of());
        runPlans(kit);
        assertEquals(List.of(), values(kit, "WasteCollectionRoute/depot-1/stops"), "nothing to date a route by yet");
        plugin.onReading(level("bin-1", 0.2, T0));
        runPlans(kit);
        assertEquals(List.of("[]"), values(kit, "WasteCollectionRoute/depot-1/stops"));
        assertEquals(T0, on(kit, "WasteCollectionRoute/depot-1/stops").get(0).observedAt());
    }

    @Test
    void routesFollowTheBinsTimeWhereverItIsFromTheWallClock() {
        // The defect of 2026-12: the first route was dated by the wall clock, every later one by the bins' time, and
        // the city state kept the first. Whatever the wall clock says, every route is dated by the bins.
        for (long wallClock : new long[] {T0.minusSeconds(400 * 86_400L).toEpochMilli(),
                T0.plusSeconds(400 * 86_400L).toEpochMilli()}) {
            try (RegieTestKit kit = RegieTestKit.forPlugin(WastePlugin.PID)) {
                WastePlugin plugin = new WastePlugin(kit.bus(), kit.alerts(), kit.cityState(), kit.log().logger(),
                        config(Map.of()), Fakes.scheduler(kit), () -> wallClock);
                runPlans(kit);
                plugin.onReading(level("bin-1", 0.2, T0));
                runPlans(kit);
                plugin.onReading(level("bin-1", 0.95, T0.plusSeconds(3_600)));
                runPlans(kit);
                assertEquals(List.of(T0, T0.plusSeconds(3_600)), on(kit, "WasteCollectionRoute/depot-1/stopCount")
                        .stream().map(Reading::observedAt).toList());
                assertEquals(List.of(0.0, 1.0), values(kit, "WasteCollectionRoute/depot-1/stopCount"));
            }
        }
    }

    @Test
    void aBadConfigurationAtActivationStartsOnTheDefaults() {
        WastePlugin plugin = plugin(Map.of("fire.cool.temperature", 70.0, "route.id", "south"));
        assertEquals(Settings.DEFAULTS, plugin.monitor().settings());
        assertEquals(List.of("ERROR Configuration nl.regie.waste refused: fire.cool.temperature 70.0 must be below"
                + " fire.temperature 60.0; starting on the defaults"), kit.log().problems());
    }

    @Test
    void aChangedConfigurationAppliesWithoutLosingState() {
        WastePlugin plugin = plugin(Map.of());
        plugin.onReading(level("bin-1", 0.75, T0));
        plugin.onReading(temperature("bin-1", 70, T0));
        plugin.modified(config(Map.of("full.threshold", 0.7)));
        assertEquals(List.of(false, true), values(kit, "WasteContainer/bin-1/full"));
        assertTrue(kit.log().messages("info").contains("Configuration nl.regie.waste applied"), kit.log().entries().toString());
        plugin.onReading(temperature("bin-1", 30, T0.plusSeconds(600)));
        assertEquals(List.of("fire-bin-1"), resolved(kit), "the fire seen before the change is still known");
        assertEquals(List.of("burning", "ok"), values(kit, "WasteContainer/bin-1/status"));
    }

    @Test
    void aBadChangedConfigurationIsRefusedAndTheOldSettingsKept() {
        WastePlugin plugin = plugin(Map.of("full.threshold", 0.7));
        plugin.modified(config(Map.of("depot", "Amsterdam")));
        assertEquals(0.7, plugin.monitor().settings().fullThreshold());
        List<String> log = kit.log().problems();
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("ERROR Configuration nl.regie.waste refused: depot 'Amsterdam' must be lon,lat"),
                log.get(0));
        assertTrue(log.get(0).endsWith("; keeping the previous settings"), log.get(0));
    }

    @Test
    void fullBinsFiresAndRoutesEndToEnd() {
        WastePlugin plugin = plugin(Map.of());
        runPlans(kit);
        plugin.onReading(level("bin-1", 0.9, T0));
        plugin.onReading(temperature("bin-1", 15, T0));
        plugin.onReading(temperature("bin-1", 95, T0.plusSeconds(120)));
        runPlans(kit);
        assertEquals(List.of(true), values(kit, "WasteContainer/bin-1/full"));
        assertEquals(List.of(AlertSeverity.CRITICAL), raised(kit));
        assertEquals(1.0, last(kit, "WasteCollectionRoute/depot-1/stopCount").orElseThrow().asObject());
    }

    @Test
    void everyBadReadingIsWarnedAboutAndChangesNothing() {
        // The plugin just logs: the runtime's console collapses the repeats (RepeatedLines in the launcher).
        WastePlugin plugin = plugin(Map.of());
        for (int i = 0; i < 100; i++) {
            plugin.onReading(Fakes.reading("bin-1", "temperature", Value.of(true), T0, null));
        }
        List<String> log = kit.log().problems();
        assertEquals(100, log.size());
        assertEquals("WARN Ignored WasteContainer/bin-1/temperature: expected a number from -80.0 to 2000.0, got true",
                log.get(99));
        kit.settle();
        assertEquals(List.of(), kit.published("WasteContainer/#"), "nothing concluded from them");
    }

    @Test
    void deactivationStopsTheRouteThread() {
        plugin(Map.of()).deactivate();
        assertTrue(kit.scheduler().isShutdown(), "the route planner stopped with the component");
    }

    @Test
    void theRouteThreadIsNamedDaemonAndStops() throws Exception {
        RouteThread thread = new RouteThread(kit.log().logger());
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
