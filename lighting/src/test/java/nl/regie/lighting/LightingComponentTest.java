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

import nl.regie.api.actuation.Command;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.state.CityState;
import nl.regie.testkit.RegieTestKit;
import nl.regie.testkit.TestDriver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The DS adapter, constructed directly on the test kit: configuration handling, its thread, that it never throws, and
 * that a new instance goes on from what the city state holds.
 */
class LightingComponentTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");
    private static final Location FAR = Location.of(4.9050, 52.3650);
    private static final Location DAM = Location.of(4.8925, 52.3731);
    private static final EntityId ZONE_ID = EntityId.of("CrowdFlowObserved", "crowd-001");

    private final RegieTestKit kit = RegieTestKit.forPlugin(LightingComponent.SYMBOLIC_NAME);
    private final TestDriver lamps = kit.drive("Streetlight");
    private LightingComponent component;

    @AfterEach
    void stop() {
        if (component != null) {
            component.deactivate();
        }
        kit.close();
    }

    @Test
    void aBadConfigurationAtActivationIsLoggedAndTheDefaultsApply() {
        component = activate(Map.of("dim.from", "25:00"));
        assertTrue(kit.log().problems().contains("ERROR Configuration nl.regie.lighting refused: dim.from = '25:00': "
                + "expected a local time HH:mm from 00:00 to 23:59, such as 22:00; starting on the defaults"),
                kit.log().problems().toString());
        lamp("lamp-001", "2026-12-03T17:30", 1.0);
        assertTrue(sent().isEmpty(), "by default the evening is at full light until 00:00");
        lamp("lamp-001", "2026-12-04T00:10", 1.0);
        assertEquals(0.3, level(lamps.last()));
    }

    @Test
    void aBadChangeIsRefusedAndThePreviousSettingsStay() {
        component = activate(Map.of("dim.from", "17:00"));
        component.modified(Configs.of(Map.of("dim.from", "17:00", "time.zone", "Mars/Olympus")));
        assertTrue(kit.log().messages("error").stream().anyMatch(line -> line.startsWith("Configuration "
                + "nl.regie.lighting refused: time.zone = 'Mars/Olympus': expected a time zone id")),
                kit.log().problems().toString());
        lamp("lamp-001", "2026-12-03T17:30", 1.0);
        assertEquals(0.3, level(lamps.last()));

        component.modified(Configs.of(Map.of("dim.from", "17:00", "dim.level", 0.5)));
        lamp("lamp-002", "2026-12-03T17:35", 1.0);
        assertEquals(0.5, level(lamps.last()));
        assertTrue(kit.log().messages("info").stream().anyMatch(line -> line.startsWith("Lighting reconfigured: "
                + "dim.level=0.5")));
    }

    @Test
    void deactivationStopsTheSchedulerThread() {
        component = activate(Map.of("dim.from", "17:00"));
        lamp("lamp-001", "2026-12-03T17:30", 1.0); // a command, and with it a task on the scheduler
        assertEquals(1, sent().size());
        assertTrue(schedulerThreadAlive());
        component.deactivate();
        component = null;
        assertFalse(schedulerThreadAlive());
    }

    @Test
    void aFailureInsideBecomesAWarningNotAnException() {
        CityState broken = (CityState) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CityState.class},
                (proxy, method, args) -> {
                    throw new IllegalStateException("city state unavailable");
                });
        component = new LightingComponent(Configs.defaults(), kit.actuation(), kit.alerts(), broken, kit.log().logger());
        assertTrue(kit.log().messages("warn").contains("Lighting could not restore what the city state holds, and "
                + "starts from nothing: IllegalStateException: city state unavailable"), kit.log().problems().toString());
        Reading noLocation = new Reading(EntityId.of("Streetlight", "lamp-001"), "illuminanceLevel", Value.of(1.0), "/",
                at("2026-12-03T17:30"), at("2026-12-03T17:30"), "test", null);
        assertDoesNotThrow(() -> component.onReading(noLocation));
        assertTrue(kit.log().messages("warn").stream().anyMatch(line -> line.startsWith("Lighting could not handle")),
                kit.log().problems().toString());
    }

    @Test
    void aNewVersionGoesOnFromTheCityStateWithoutRelightingOrDimmingAnyLamp() {
        component = activate(Map.of("dim.from", "22:00"));
        var old = kit.listen(component);
        // The evening: a busy zone keeps lamp-001 beside it at full light past 22:00; lamp-002 far away is dimmed.
        kit.publish(reading(ZONE_ID, "crowdLevel", Value.of("busy"), "", "2026-12-03T22:55", DAM));
        device("lamp-001", "2026-12-03T23:00", "on", 1.0, DAM);
        device("lamp-002", "2026-12-04T07:00", "on", 0.3, FAR);
        // Before sunrise (08:32) lamp-002's photocell switches it off: within the grace, so lighting lets it be.
        device("lamp-002", "2026-12-04T08:15", "off", 0.0, FAR);
        kit.settle();
        assertEquals(List.of(), sent(), "each lamp shows what lighting wants, or its photocell has the grace");

        // The update: the old version goes, the new one comes, on the same runtime and city state.
        old.close();
        component.deactivate();
        component = activate(Map.of("dim.from", "22:00"));
        kit.listen(component);
        device("lamp-001", "2026-12-03T23:05", "on", 1.0, DAM);
        device("lamp-002", "2026-12-04T08:20", "off", 0.0, FAR);
        kit.settle();
        assertEquals(List.of(), sent(), "not dimmed beside the busy zone, not relit by the photocell's morning");

        // And it goes on deciding: past sunrise lamp-002 is meant to be off; the zone calms and lamp-001 dims.
        device("lamp-002", "2026-12-04T08:40", "off", 0.0, FAR);
        kit.publish(reading(ZONE_ID, "crowdLevel", Value.of("normal"), "", "2026-12-03T23:15", DAM));
        device("lamp-001", "2026-12-03T23:20", "on", 1.0, DAM);
        kit.settle();
        assertEquals(List.of("lamp-001 0.3"), sent().stream().map(c -> c.target().localId() + " " + level(c)).toList());
    }

    @Test
    void withoutAPastALampAPhotocellSwitchedOffBeforeSunriseIsRelit() {
        // What restoring avoids: a lamp seen for the first time disagreeing with its target gets the target at once.
        component = activate(Map.of("dim.from", "22:00"));
        kit.listen(component);
        device("lamp-002", "2026-12-04T08:20", "off", 0.0, FAR);
        kit.settle();
        assertEquals(List.of("lamp-002 0.3"), sent().stream().map(c -> c.target().localId() + " " + level(c)).toList());
    }

    private LightingComponent activate(Map<String, Object> config) {
        return new LightingComponent(Configs.of(config), kit.actuation(), kit.alerts(), kit.cityState(),
                kit.log().logger());
    }

    /** A lamp's report handed to the component directly, as the bus would. */
    private void lamp(String id, String localTime, double level) {
        component.onReading(reading(EntityId.of("Streetlight", id), "illuminanceLevel", Value.of(level), "/", localTime,
                FAR));
        kit.settle();
    }

    /** A lamp's telemetry published by its device, as the simulator sends it. */
    private void device(String id, String localTime, String power, double level, Location where) {
        EntityId lamp = EntityId.of("Streetlight", id);
        kit.publish(reading(lamp, "powerState", Value.of(power), "", localTime, where));
        kit.publish(reading(lamp, "illuminanceLevel", Value.of(level), "/", localTime, where));
    }

    /** The commands the lamps received so far, once every command sent has reached them. */
    private List<Command> sent() {
        kit.settle();
        return lamps.received();
    }

    private static double level(Command command) {
        return ((Value.Number) command.parameters().get("level")).value();
    }

    private static Reading reading(EntityId entity, String attribute, Value value, String unit, String localTime,
            Location where) {
        Instant at = at(localTime);
        return new Reading(entity, attribute, value, unit, at, at, "test", where);
    }

    private static boolean schedulerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(ExecutorTaskScheduler.THREAD_NAME) && t.isAlive());
    }

    private static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(ZONE).toInstant();
    }
}
