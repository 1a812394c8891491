package nl.regie.mobility;

import static nl.regie.mobility.Input.area;
import static nl.regie.mobility.Input.count;
import static nl.regie.mobility.Input.minute;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Reading;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.Logger;

/** The component as SCR drives it: constructed with a configuration, then modified. */
class FlowWatcherTest {

    private final RecordingBus bus = new RecordingBus();
    private final RecordingAlerts alerts = new RecordingAlerts();
    private final List<String> logged = new ArrayList<>();

    /** A logger that records "level: message", with {} placeholders filled in. */
    private Logger logger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getReturnType() == boolean.class) {
                        return true;
                    }
                    if (method.getReturnType() == String.class) {
                        return "test";
                    }
                    if (args != null && args.length > 0 && args[0] instanceof String format) {
                        String message = format;
                        for (int i = 1; i < args.length; i++) {
                            Object[] rest = args[i] instanceof Object[] array ? array : new Object[] {args[i]};
                            for (Object arg : rest) {
                                message = message.replaceFirst("\\{}", java.util.regex.Matcher.quoteReplacement(
                                        String.valueOf(arg)));
                            }
                        }
                        logged.add(method.getName() + ": " + message);
                    }
                    return null;
                });
    }

    private List<String> logged(String level) {
        return logged.stream().filter(line -> line.startsWith(level + ": ")).toList();
    }

    @Test
    void aBadConfigurationAtActivationStartsOnTheDefaults() {
        FlowWatcher watcher = new FlowWatcher(bus, alerts, logger(),
                Configs.of(Map.of("crowd.busy.density", 5.0)));

        assertEquals(Settings.defaults(), watcher.settings());
        assertEquals(List.of("error: Configuration nl.regie.mobility refused: crowd.critical.density 3.5 must be above "
                + "crowd.busy.density 5.0; starting on the defaults"), logged("error"));
    }

    @Test
    void aBadChangeIsRefusedAndThePreviousSettingsKept() {
        FlowWatcher watcher = new FlowWatcher(bus, alerts, logger(), Configs.of(Map.of("crowd.busy.density", 2.5)));
        Settings before = watcher.settings();

        watcher.modified(Configs.of(Map.of("zone.area", new String[] {"crowd-001=lots"})));

        assertEquals(before, watcher.settings());
        assertEquals(1, logged("error").size());
        assertTrue(logged("error").get(0).startsWith("error: Configuration nl.regie.mobility refused: zone.area entry "
                + "'crowd-001=lots'"), logged("error").get(0));
        assertTrue(logged("error").get(0).endsWith("keeping the previous settings"), logged("error").get(0));
    }

    @Test
    void aGoodChangeAppliesWithoutLosingState() {
        FlowWatcher watcher = new FlowWatcher(bus, alerts, logger(), Configs.defaults());
        watcher.onReading(area("crowd-001", 12_500, minute(0)));
        watcher.onReading(count("crowd-001", 45_000, minute(0))); // 3.6 people/m2
        assertEquals(CrowdLevel.CRITICAL, watcher.crowds().level("crowd-001").orElseThrow());

        watcher.modified(Configs.of(Map.of("crowd.critical.density", 3.8)));
        watcher.onReading(count("crowd-001", 45_000, minute(5)));

        assertEquals(3.8, watcher.settings().criticalDensity());
        assertEquals(CrowdLevel.CRITICAL, watcher.crowds().level("crowd-001").orElseThrow(),
                "still critical: held down to 3.8 x 0.9, and the area was kept");
        assertEquals(1, alerts.raised.size(), "the alert was not raised again");
        assertTrue(logged("error").isEmpty(), logged::toString);
    }

    @Test
    void routesTrafficToo() {
        FlowWatcher watcher = new FlowWatcher(bus, alerts, logger(), Configs.defaults());
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
        };
        FlowWatcher watcher = new FlowWatcher(broken, alerts, logger(), Configs.defaults());
        watcher.onReading(area("crowd-001", 12_500, minute(0)));

        assertDoesNotThrow(() -> watcher.onReading(count("crowd-001", 100, minute(0))));
        assertEquals(1, logged("warn").size(), logged::toString);
        assertTrue(logged("warn").get(0).contains("bus closed"), logged("warn").get(0));
    }
}
