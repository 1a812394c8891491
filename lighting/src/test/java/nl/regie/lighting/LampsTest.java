package nl.regie.lighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LampsTest {

    private static final EntityId LAMP = EntityId.of("Streetlight", "lamp-001");
    private static final Location HERE = Location.of(4.8925, 52.3731);
    private static final Location THERE = Location.of(4.9050, 52.3650);
    private static final Instant T0 = Instant.parse("2026-12-03T17:00:00Z");

    private final Map<EntityId, Location> cityLocations = new HashMap<>();
    private final RegieTestKit kit = RegieTestKit.forPlugin(LightingComponent.SYMBOLIC_NAME);
    private final Lamps lamps = new Lamps(new CityLookup() {
        @Override
        public Optional<Location> location(EntityId entity) {
            return Optional.ofNullable(cityLocations.get(entity));
        }

        @Override
        public OptionalDouble area(EntityId zone) {
            return OptionalDouble.empty();
        }
    }, kit.log().logger());

    @AfterEach
    void closeKit() {
        kit.close();
    }

    @Test
    void aFirstReadingRegistersTheLampWithItsTimeAndLocation() {
        Lamp lamp = lamps.observe(reading(T0, HERE)).orElseThrow();
        assertEquals(LAMP, lamp.id);
        assertEquals(T0, lamp.observedAt);
        assertEquals(HERE, lamp.location);
        assertNull(lamp.reported, "the level is the engine's to take");
        assertSame(lamp, lamps.get(LAMP));
        assertEquals(1, lamps.count());
        assertSame(lamp, lamps.observe(reading(T0.plusSeconds(60), HERE)).orElseThrow(), "one lamp per id");
        assertEquals(1, lamps.count());
    }

    @Test
    void anOlderReadingIsRefusedAndChangesNothing() {
        lamps.observe(reading(T0, HERE));
        assertEquals(Optional.empty(), lamps.observe(reading(T0.minusSeconds(1), THERE)));
        assertEquals(T0, lamps.get(LAMP).observedAt);
        assertEquals(HERE, lamps.get(LAMP).location);
    }

    @Test
    void aReadingAtTheSameMomentCounts() {
        lamps.observe(reading(T0, HERE));
        assertTrue(lamps.observe(reading(T0, THERE)).isPresent(), "a telemetry pack shares one observedAt");
        assertEquals(THERE, lamps.get(LAMP).location);
    }

    @Test
    void aReadingWithoutLocationKeepsTheOneKnown() {
        lamps.observe(reading(T0, HERE));
        lamps.observe(reading(T0.plusSeconds(60), null));
        assertEquals(HERE, lamps.get(LAMP).location);
        assertEquals(T0.plusSeconds(60), lamps.get(LAMP).observedAt);
    }

    @Test
    void aLampWithLocationInItsReadingsIsLocatedWithoutAskingTheCity() {
        cityLocations.put(LAMP, THERE);
        Lamp lamp = lamps.observe(reading(T0, HERE)).orElseThrow();
        assertTrue(lamps.located(lamp));
        assertEquals(HERE, lamp.location);
    }

    @Test
    void aLampWithoutLocationIsLocatedThroughTheCityState() {
        cityLocations.put(LAMP, THERE);
        Lamp lamp = lamps.observe(reading(T0, null)).orElseThrow();
        assertTrue(lamps.located(lamp));
        assertEquals(THERE, lamp.location);
        assertEquals(List.of(), kit.log().problems());
    }

    @Test
    void aLampFoundNowhereIsNotLocatedWithAWarningEachTimeAndIsLookedUpAgainLater() {
        Lamp lamp = lamps.observe(reading(T0, null)).orElseThrow();
        assertFalse(lamps.located(lamp));
        assertFalse(lamps.located(lamp));
        String warning = "Streetlight lamp-001 has no known location; it is left alone until a reading brings one";
        assertEquals(List.of(warning, warning), kit.log().messages("warn"), "the runtime's console collapses repeats");
        cityLocations.put(LAMP, THERE);
        assertTrue(lamps.located(lamp), "the city state learnt it since");
    }

    private static Reading reading(Instant at, Location where) {
        return new Reading(LAMP, "illuminanceLevel", Value.of(1.0), "/", at, at, "test", where);
    }
}
