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
import nl.regie.api.model.Reading;
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
        FlowWatcher watcher = new FlowWatcher(kit.bus(), kit.alerts(), logger(),
                RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of("crowd.busy.density", 5.0)));

        assertEquals(Settings.defaults(), watcher.settings());
        assertEquals(List.of("Configuration nl.regie.mobility refused: crowd.critical.density 3.5 must be above "
                + "crowd.busy.density 5.0; starting on the defaults"), logged("error"));
    }

    @Test
    void aBadChangeIsRefusedAndThePreviousSettingsKept() {
        FlowWatcher watcher = new FlowWatcher(kit.bus(), kit.alerts(), logger(), RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of("crowd.busy.density", 2.5)));
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
        FlowWatcher watcher = new FlowWatcher(kit.bus(), kit.alerts(), logger(), RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of()));
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
    void routesTrafficToo() {
        FlowWatcher watcher = new FlowWatcher(kit.bus(), kit.alerts(), logger(), RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of()));
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
        FlowWatcher watcher = new FlowWatcher(broken, kit.alerts(), logger(), RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of()));
        watcher.onReading(area("crowd-001", 12_500, minute(0)));

        assertDoesNotThrow(() -> watcher.onReading(count("crowd-001", 100, minute(0))));
        assertEquals(1, logged("warn").size(), () -> kit.log().entries().toString());
        assertTrue(logged("warn").get(0).contains("bus closed"), logged("warn").get(0));
    }
}
