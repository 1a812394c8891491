package nl.regie.mobility;

import static nl.regie.mobility.Input.area;
import static nl.regie.mobility.Input.count;
import static nl.regie.mobility.Input.minute;
import static nl.regie.mobility.Seen.raises;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.log.Logger;

/** The component as SCR drives it: constructed with a configuration, then modified. */
class FlowWatcherTest {

    private final RegieTestKit kit = RegieTestKit.forPlugin(Settings.PID);

    @AfterEach
    void closeKit() {
        kit.close();
    }
    private Logger logger() {
        return kit.log().logger();
    }

    private List<String> logged(String level) {
        return kit.log().messages(level);
    }

    @Test
    void aBadConfigurationAtActivationStartsOnTheDefaults() {
        FlowWatcher watcher = new FlowWatcher(kit.bus(), kit.alerts(), kit.cityState(), logger(),
                RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of("crowd.busy.density", 5.0)));

        assertEquals(Settings.defaults(), watcher.settings());
        assertEquals(List.of("Configuration nl.regie.mobility refused: crowd.critical.density 3.5 must be above "
                + "crowd.busy.density 5.0; starting on the defaults"), logged("error"));
    }

    @Test
    void aBadChangeIsRefusedAndThePreviousSettingsKept() {
        FlowWatcher watcher = new FlowWatcher(kit.bus(), kit.alerts(), kit.cityState(), logger(), RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of("crowd.busy.density", 2.5)));
        Settings before = watcher.settings();

        watcher.modified(RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of("zone.area", new String[] {"crowd-001=lots"})));

        assertEquals(before, watcher.settings());
        assertEquals(1, logged("error").size());
        assertTrue(logged("error").get(0).startsWith("Configuration nl.regie.mobility refused: zone.area entry "
                + "'crowd-001=lots'"), logged("error").get(0));
        assertTrue(logged("error").get(0).endsWith("keeping the previous settings"), logged("error").get(0));
    }

    @Test
    void aGoodChangeAppliesWithoutLosingState() {
        FlowWatcher watcher = new FlowWatcher(kit.bus(), kit.alerts(), kit.cityState(), logger(), RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of()));
        watcher.onReading(area("crowd-001", 12_500, minute(0)));
        watcher.onReading(count("crowd-001", 45_000, minute(0))); // 3.6 people/m2
        assertEquals(CrowdLevel.CRITICAL, watcher.crowds().level("crowd-001").orElseThrow());

        watcher.modified(RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of("crowd.critical.density", 3.8)));
        watcher.onReading(count("crowd-001", 45_000, minute(5)));

        assertEquals(3.8, watcher.settings().criticalDensity());
        assertEquals(CrowdLevel.CRITICAL, watcher.crowds().level("crowd-001").orElseThrow(),
                "still critical: held down to 3.8 x 0.9, and the area was kept");
        assertEquals(1, raises(kit).size(), "the alert was not raised again");
        assertTrue(logged("error").isEmpty(), () -> kit.log().entries().toString());
    }

    @Test
    void aNewVersionGoesOnFromTheLevelsTheOldOnePublishedInsteadOfFlapping() {
        Map<String, Object> config = Map.of("traffic.free.speed.learn", false);
        FlowWatcher before = new FlowWatcher(kit.bus(), kit.alerts(), kit.cityState(), logger(),
                RegieTestKit.typedConfig(FlowWatcher.Config.class, config));
        Subscription old = kit.listen(before);
        kit.publish(count("crowd-001", 26_250, minute(0)));
        kit.publish(area("crowd-001", 12_500, minute(0))); // 2.1 people/m2: busy
        kit.publish(Input.speed("traffic-001", 10, minute(0))); // 20% of 50 km/h: jammed
        kit.settle();
        assertEquals(1, raises(kit).size(), "the jam's alert");
        old.close(); // the update: the old version goes, the new one comes

        FlowWatcher after = new FlowWatcher(kit.bus(), kit.alerts(), kit.cityState(), logger(),
                RegieTestKit.typedConfig(FlowWatcher.Config.class, config));
        kit.listen(after);
        assertEquals(CrowdLevel.BUSY, after.crowds().level("crowd-001").orElseThrow(), "restored before any reading");
        assertEquals(CongestionLevel.JAMMED, after.traffic().level("traffic-001").orElseThrow());

        // Inside the hysteresis of both: the level the old version had stands.
        for (String zone : List.of("crowd-001", "crowd-002")) {
            kit.publish(count(zone, 23_750, minute(5)));
            kit.publish(area(zone, 12_500, minute(5))); // 1.9 people/m2
        }
        kit.publish(Input.speed("traffic-001", 16, minute(5))); // 32%
        kit.publish(Input.speed("traffic-002", 16, minute(5)));
        kit.settle();

        assertEquals(List.of("busy", "busy"), texts(kit.published("CrowdFlowObserved/crowd-001/crowdLevel")));
        assertEquals(List.of("normal"), texts(kit.published("CrowdFlowObserved/crowd-002/crowdLevel")),
                "a zone without a past starts from normal");
        assertEquals(List.of("jammed", "jammed"), texts(kit.published("TrafficFlowObserved/traffic-001/congestionLevel")));
        assertEquals(List.of("heavy"), texts(kit.published("TrafficFlowObserved/traffic-002/congestionLevel")));
        assertEquals(1, raises(kit).size(), "the jam's alert was taken over, not raised again");
        assertEquals(List.of(), kit.alertChanges().stream().filter(a -> !a.active()).toList(), "nor resolved");
    }

    @Test
    void restoringIgnoresValuesThatAreNotLevels() {
        FlowWatcher watcher = new FlowWatcher(kit.bus(), kit.alerts(), kit.cityState(), logger(),
                RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of()));
        watcher.crowds().restore(List.of(Input.reading(EntityId.of(CrowdLevels.TYPE, "crowd-009"),
                "crowdLevel", Value.of("heaving"), "", minute(0), null)));
        watcher.traffic().restore(List.of(Input.reading(EntityId.of(CongestionLevels.TYPE, "t-9"),
                "congestionLevel", Value.of(3), "", minute(0), null)));
        assertTrue(watcher.crowds().level("crowd-009").isEmpty());
        assertTrue(watcher.traffic().level("t-9").isEmpty());
    }

    private static List<String> texts(List<Reading> readings) {
        return readings.stream().map(r -> r.text().orElseThrow()).toList();
    }

    @Test
    void routesTrafficToo() {
        FlowWatcher watcher = new FlowWatcher(kit.bus(), kit.alerts(), kit.cityState(), logger(), RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of()));
        watcher.onReading(Input.intensity("traffic-001", 900, minute(0)));
        watcher.onReading(Input.speed("traffic-001", 10, minute(0)));
        assertEquals(CongestionLevel.JAMMED, watcher.traffic().level("traffic-001").orElseThrow());
    }

    @Test
    void aFailureWhileHandlingIsWarnedNotThrown() {
        ReadingBus broken = new ReadingBus() {
            @Override
            public void publish(Reading reading) {
                throw new IllegalStateException("bus closed");
            }

            @Override
            public Subscription subscribe(java.util.Collection<String> filters, ReadingListener listener) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void delete(nl.regie.api.model.EntityId entity) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void delete(nl.regie.api.model.EntityId entity, String attribute) {
                throw new UnsupportedOperationException();
            }
        };
        FlowWatcher watcher = new FlowWatcher(broken, kit.alerts(), kit.cityState(), logger(), RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of()));
        watcher.onReading(area("crowd-001", 12_500, minute(0)));

        assertDoesNotThrow(() -> watcher.onReading(count("crowd-001", 100, minute(0))));
        assertEquals(1, logged("warn").size(), () -> kit.log().entries().toString());
        assertTrue(logged("warn").get(0).contains("bus closed"), logged("warn").get(0));
    }
}
