package nl.regie.waste;

import static nl.regie.waste.Fakes.T0;
import static nl.regie.waste.Fakes.config;
import static nl.regie.waste.Fakes.last;
import static nl.regie.waste.Fakes.on;
import static nl.regie.waste.Fakes.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.testkit.RegieTestKit;
import nl.regie.testkit.TestScheduler;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Route publishing: what is published, when, and that it is debounced. */
class RoutePublisherTest {

    private final RegieTestKit kit = RegieTestKit.forPlugin(WastePlugin.PID);

    @AfterEach
    void closeKit() {
        kit.close();
    }
    private final TestScheduler scheduler = kit.scheduler();
    private RoutePublisher routes;
    private final BinMonitor monitor = new BinMonitor(kit.bus(), kit.alerts(), Settings.DEFAULTS,
            kit.log().logger(), kit.clock()::millis, () -> routes.changed());

    RoutePublisherTest() {
        routes = new RoutePublisher(kit.bus(), monitor, Fakes.scheduler(kit), kit.clock()::millis);
    }

    private void level(String bin, double level, double lon, double lat, int minute) {
        monitor.onReading(new Reading(Fakes.bin(bin), "fillingLevel", Value.of(level), "/", T0.plusSeconds(60L * minute),
                T0, bin, Location.of(lon, lat)));
    }

    @Test
    void noRouteIsPublishedBeforeAnyBinHasReported() {
        routes.changed();
        routes.binReported();
        Fakes.runPlans(kit);
        assertEquals(List.of(), on(kit, "WasteCollectionRoute/depot-1/stops"), "no time to date it by yet");
    }

    @Test
    void theFirstBinReadingPlansAnEmptyRouteAtTheDepotDatedByThatReading() {
        level("bin-1", 0.2, 4.89, 52.37, 7);
        routes.binReported();
        routes.binReported();
        assertEquals(1, scheduler.queued(), "planned once, on the first reading");
        scheduler.runDue();
        assertEquals(T0.plusSeconds(7 * 60), on(kit, "WasteCollectionRoute/depot-1/stops").get(0).observedAt());
        assertEquals(List.of("[]"), values(kit, "WasteCollectionRoute/depot-1/stops"));
        assertEquals(List.of(0.0), values(kit, "WasteCollectionRoute/depot-1/stopCount"));
        assertEquals(List.of(0.0), values(kit, "WasteCollectionRoute/depot-1/length"));
        Reading stops = on(kit, "WasteCollectionRoute/depot-1/stops").get(0);
        assertEquals(Settings.DEFAULTS.depot(), stops.location());
        assertEquals(EntityId.of("WasteCollectionRoute", "depot-1"), stops.entity());
        assertEquals("count", on(kit, "WasteCollectionRoute/depot-1/stopCount").get(0).unit());
        assertEquals("m", on(kit, "WasteCollectionRoute/depot-1/length").get(0).unit());
    }

    @Test
    void fullBinsAreRoutedInVisitingOrderAtEventTime() {
        level("bin-far", 0.9, 4.8990, 52.3800, 1);
        level("bin-near", 0.95, 4.8990, 52.3650, 2);
        level("bin-empty", 0.2, 4.8990, 52.3700, 3);
        Fakes.runPlans(kit);
        assertEquals("[\"urn:ngsi-ld:WasteContainer:bin-near\",\"urn:ngsi-ld:WasteContainer:bin-far\"]",
                last(kit, "WasteCollectionRoute/depot-1/stops").orElseThrow().asObject());
        assertEquals(2.0, last(kit, "WasteCollectionRoute/depot-1/stopCount").orElseThrow().asObject());
        double expected = 2 * Settings.DEFAULTS.depot().distanceMetres(Location.of(4.8990, 52.3800));
        assertEquals(Math.round(expected), (double) last(kit, "WasteCollectionRoute/depot-1/length").orElseThrow().asObject());
        assertEquals(T0.plusSeconds(180), on(kit, "WasteCollectionRoute/depot-1/stops").get(0).observedAt());
    }

    @Test
    void changesAreDebouncedByWallClock() {
        level("bin-1", 0.9, 4.89, 52.37, 1);
        assertEquals(1, scheduler.runDue(), "the first change plans at once");
        assertEquals(1, on(kit, "WasteCollectionRoute/depot-1/stops").size());
        kit.clock().advance(Duration.ofSeconds(2));
        level("bin-2", 0.9, 4.90, 52.37, 2);
        level("bin-3", 0.9, 4.91, 52.37, 3);
        level("bin-1", 0.1, 4.89, 52.37, 4);
        assertEquals(1, scheduler.queued(), "one plan for three changes");
        kit.clock().advance(Duration.ofMillis(2_999));
        assertEquals(1, on(kit, "WasteCollectionRoute/depot-1/stops").size(), "not before 5 s after the last plan");
        kit.clock().advance(Duration.ofMillis(1));
        assertEquals(2, on(kit, "WasteCollectionRoute/depot-1/stops").size());
        assertEquals(2.0, last(kit, "WasteCollectionRoute/depot-1/stopCount").orElseThrow().asObject());
        assertEquals(2, routes.last().stops().size());
    }

    @Test
    void aReadingThatChangesNoFullBinPlansNothing() {
        level("bin-1", 0.9, 4.89, 52.37, 1);
        scheduler.runDue();
        level("bin-1", 0.95, 4.89, 52.37, 2);
        level("bin-2", 0.3, 4.89, 52.37, 3);
        assertEquals(0, scheduler.queued());
    }

    @Test
    void aNewDepotOrIdReplans() {
        level("bin-1", 0.2, 4.89, 52.37, 1);
        routes.binReported();
        Fakes.runPlans(kit);
        Settings moved = Settings.from(config(Map.of("depot", "4.91,52.37", "route.id", "north")));
        monitor.apply(moved);
        routes.settingsChanged(moved);
        Fakes.runPlans(kit);
        assertEquals(Location.of(4.91, 52.37), on(kit, "WasteCollectionRoute/north/stops").get(0).location());
        assertTrue(values(kit, "WasteCollectionRoute/north/stopCount").contains(0.0));
    }
}
