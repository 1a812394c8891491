package nl.regie.lighting;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.state.CityState;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.log.Logger;

/** The DS adapter, constructed directly: configuration handling, its thread, and that it never throws. */
class LightingComponentTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");
    private static final Location FAR = Location.of(4.9050, 52.3650);

    private final FakeActuation actuation = new FakeActuation();
    private final RegieTestKit kit = RegieTestKit.forPlugin(LightingComponent.SYMBOLIC_NAME);

    @AfterEach
    void closeKit() {
        kit.close();
    }
    private final List<String> log = new CopyOnWriteArrayList<>();
    private LightingComponent component;

    @AfterEach
    void stop() {
        if (component != null) {
            component.deactivate();
        }
    }

    @Test
    void aBadConfigurationAtActivationIsLoggedAndTheDefaultsApply() {
        component = activate(Map.of("dim.from", "25:00"));
        assertTrue(log.contains("ERROR Configuration nl.regie.lighting refused: dim.from = '25:00': expected a local"
                + " time HH:mm from 00:00 to 23:59, such as 22:00; starting on the defaults"), log.toString());
        lamp("lamp-001", "2026-12-03T17:30", 1.0);
        assertTrue(actuation.sent().isEmpty(), "by default the evening is at full light until 00:00");
        lamp("lamp-001", "2026-12-04T00:10", 1.0);
        assertEquals(0.3, actuation.last().level());
    }

    @Test
    void aBadChangeIsRefusedAndThePreviousSettingsStay() {
        component = activate(Map.of("dim.from", "17:00"));
        component.modified(Configs.of(Map.of("dim.from", "17:00", "time.zone", "Mars/Olympus")));
        assertTrue(log.stream().anyMatch(line -> line.startsWith("ERROR Configuration nl.regie.lighting refused:"
                + " time.zone = 'Mars/Olympus': expected a time zone id")), log.toString());
        lamp("lamp-001", "2026-12-03T17:30", 1.0);
        assertEquals(0.3, actuation.last().level());

        component.modified(Configs.of(Map.of("dim.from", "17:00", "dim.level", 0.5)));
        lamp("lamp-002", "2026-12-03T17:35", 1.0);
        assertEquals(0.5, actuation.last().level());
        assertTrue(log.stream().anyMatch(line -> line.startsWith("INFO Lighting reconfigured: dim.level=0.5")));
    }

    @Test
    void deactivationStopsTheSchedulerThread() {
        component = activate(Map.of("dim.from", "17:00"));
        lamp("lamp-001", "2026-12-03T17:30", 1.0); // a command, and with it a task on the scheduler
        actuation.last().complete(nl.regie.api.actuation.CommandState.COMPLETED);
        assertTrue(schedulerThreadAlive());
        component.deactivate();
        component = null;
        assertFalse(schedulerThreadAlive());
    }

    @Test
    void aFailureInsideBecomesAWarningNotAnException() {
        CityState broken = proxy(CityState.class, (method, args) -> {
            throw new IllegalStateException("city state unavailable");
        });
        component = new LightingComponent(Configs.defaults(), actuation, kit.alerts(), broken, logger());
        Reading noLocation = new Reading(EntityId.of("Streetlight", "lamp-001"), "illuminanceLevel", Value.of(1.0), "/",
                at("2026-12-03T17:30"), at("2026-12-03T17:30"), "test", null);
        assertDoesNotThrow(() -> component.onReading(noLocation));
        assertTrue(log.stream().anyMatch(line -> line.startsWith("WARN Lighting could not handle")), log.toString());
    }

    private LightingComponent activate(Map<String, Object> config) {
        CityState empty = proxy(CityState.class, (method, args) -> switch (method) {
            case "entity" -> Optional.empty();
            case "size" -> 0;
            default -> List.of();
        });
        return new LightingComponent(Configs.of(config), actuation, kit.alerts(), empty, logger());
    }

    private void lamp(String id, String localTime, double level) {
        Instant at = at(localTime);
        component.onReading(new Reading(EntityId.of("Streetlight", id), "illuminanceLevel", Value.of(level), "/", at, at,
                "test", FAR));
    }

    private Logger logger() {
        return proxy(Logger.class, (method, args) -> {
            if (args != null && args.length > 0 && args[0] instanceof String message
                    && List.of("trace", "debug", "info", "warn", "error").contains(method)) {
                log.add(method.toUpperCase() + " " + message);
                return null;
            }
            return method.startsWith("is") ? Boolean.TRUE : method.equals("getName") ? "test" : null;
        });
    }

    @FunctionalInterface
    private interface Handler {
        Object handle(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(LightingComponentTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> handler.handle(method.getName(), args)));
    }

    private static boolean schedulerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(ExecutorTaskScheduler.THREAD_NAME) && t.isAlive());
    }

    private static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(ZONE).toInstant();
    }
}
