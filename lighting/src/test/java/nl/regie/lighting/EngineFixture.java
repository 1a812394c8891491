package nl.regie.lighting;

import static nl.regie.api.actuation.CommandState.COMPLETED;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import nl.regie.api.alert.Alerts;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;

/**
 * The base of the engine's tests: a {@link LightingEngine} on the test kit (its actuation, with {@link Streetlights}
 * that answer when the test says, its alerts, clock and scheduler), a city state of maps, and helpers that feed it readings. Dates are 3 and 4 December 2026 in
 * Amsterdam: sunset 16:30, sunrise on the 4th 08:32 (CET).
 */
abstract class EngineFixture {

    static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");
    static final Location DAM = Location.of(4.8925, 52.3731);
    static final Location NEAR = north(DAM, 30);
    static final Location FAR = Location.of(4.9050, 52.3650);
    static final EntityId DAM_ZONE = EntityId.of("CrowdFlowObserved", "crowd-001");

    final RegieTestKit kit = RegieTestKit.forPlugin(LightingComponent.SYMBOLIC_NAME);
    final Streetlights actuation = new Streetlights(kit);
    final Alerts alerts = kit.alerts();
    final Map<EntityId, Location> locations = new HashMap<>();
    final Map<EntityId, Double> areas = new HashMap<>(Map.of(DAM_ZONE, 12_500.0));
    LightingEngine engine = engine(Map.of("dim.from", "17:00"));

    LightingEngine engine(Map<String, Object> config) {
        CityLookup city = new CityLookup() {
            @Override
            public Optional<Location> location(EntityId entity) {
                return Optional.ofNullable(locations.get(entity));
            }

            @Override
            public OptionalDouble area(EntityId zone) {
                Double area = areas.get(zone);
                return area == null ? OptionalDouble.empty() : OptionalDouble.of(area);
            }
        };
        return new LightingEngine(settings(config), kit.actuation(), alerts, city, actuation.scheduler(), kit.clock(),
                kit.log().logger());
    }

    /** What the plugin warned about so far. */
    List<String> warnings() {
        return kit.log().messages("warn");
    }

    @AfterEach
    void closeKit() {
        kit.close();
    }

    static Settings settings(Map<String, Object> config) {
        return Settings.from(Configs.of(config));
    }

    /** Completes every command under way and lets the engine take the outcomes. */
    void complete() {
        actuation.pending().forEach(sent -> sent.complete(COMPLETED));
        actuation.runReady();
    }

    /** One telemetry pack of a lamp, in the simulator's order. */
    void report(String id, Location where, String localTime, String power, double level, double watts) {
        Instant at = at(localTime);
        engine.onReading(reading(lamp(id), "powerState", Value.of(power), "", at, where));
        engine.onReading(reading(lamp(id), "illuminanceLevel", Value.of(level), "/", at, where));
        engine.onReading(reading(lamp(id), "powerConsumption", Value.of(watts), "W", at, where));
    }

    void crowd(String zone, String level, String localTime, Location where) {
        engine.onReading(reading(EntityId.of("CrowdFlowObserved", zone), "crowdLevel", Value.of(level), "",
                at(localTime), where));
    }

    static Reading reading(EntityId entity, String attribute, Value value, String unit, Instant at,
            Location where) {
        return new Reading(entity, attribute, value, unit, at, at, "test", where);
    }

    static EntityId lamp(String id) {
        return EntityId.of("Streetlight", id);
    }

    static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(ZONE).toInstant();
    }

    static Location north(Location from, double metres) {
        return Location.of(from.longitude(), from.latitude() + metres / 111_195.0);
    }
}
