package nl.regie.runtime.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.state.EntityState;

import org.junit.jupiter.api.Test;

class EntityStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
    private static final Location DAM = Location.of(4.8930, 52.3731);
    private static final Location CENTRAAL = Location.of(4.9003, 52.3791); // about 850 m from the Dam
    private static final Location ZUID = Location.of(4.8720, 52.3390); // about 4 km from the Dam

    private final EntityStore store = new EntityStore();

    private static Reading reading(String type, String id, String attribute, double value, Instant at, Location where) {
        return new Reading(EntityId.of(type, id), attribute, Value.of(value), "/", at, at, "test", where);
    }

    @Test
    void keepsTheLatestValueOfEachAttribute() {
        store.apply(reading("WasteContainer", "bin-1", "fillingLevel", 0.2, T0, DAM));
        store.apply(reading("WasteContainer", "bin-1", "fillingLevel", 0.3, T0.plusSeconds(60), null));
        store.apply(reading("WasteContainer", "bin-1", "temperature", 21, T0.plusSeconds(60), null));

        EntityState bin = store.entity(EntityId.of("WasteContainer", "bin-1")).orElseThrow();
        assertEquals(Value.of(0.3), bin.attribute("fillingLevel").orElseThrow().value());
        assertEquals(Value.of(21.0), bin.attribute("temperature").orElseThrow().value());
        assertEquals(DAM, bin.location(), "a reading without location keeps the known location");
        assertEquals(List.of("fillingLevel", "temperature"), List.copyOf(bin.attributes().keySet()));
    }

    @Test
    void anOlderReadingOfAnotherSourceDoesNotRollTheStateBack() {
        store.apply(reading("WasteContainer", "bin-1", "fillingLevel", 0.5, T0.plusSeconds(60), DAM));
        assertFalse(store.apply(new Reading(EntityId.of("WasteContainer", "bin-1"), "fillingLevel", Value.of(0.1), "/",
                T0, T0, "other", DAM)));
        assertEquals(Value.of(0.5), store.entity(EntityId.of("WasteContainer", "bin-1")).orElseThrow()
                .attribute("fillingLevel").orElseThrow().value());
    }

    @Test
    void aSourceWhoseClockStepsBackIsNotFrozenAtItsEarlierValue() {
        List<String> steps = new ArrayList<>();
        EntityStore store = new EntityStore((previous, reading) -> steps.add(previous.observedAt() + ">" + reading.observedAt()));
        EntityId route = EntityId.of("WasteCollectionRoute", "main");
        Instant wallClock = T0.plus(Duration.ofDays(3));
        // The defect this guards against: a route first dated by the wall clock, then by the simulated clock days behind.
        store.apply(new Reading(route, "stopCount", Value.of(0), "count", wallClock, wallClock, "nl.regie.waste", null));
        assertTrue(store.apply(new Reading(route, "stopCount", Value.of(7), "count", T0, wallClock, "nl.regie.waste", null)));
        assertEquals(Value.of(7), store.entity(route).orElseThrow().attribute("stopCount").orElseThrow().value());
        assertEquals(List.of(wallClock + ">" + T0), steps, "the step back is reported");

        // Another source's older reading still does not replace it.
        assertFalse(store.apply(new Reading(route, "stopCount", Value.of(1), "count", T0.minusSeconds(1), wallClock,
                "someone-else", null)));
        assertEquals(Value.of(7), store.entity(route).orElseThrow().attribute("stopCount").orElseThrow().value());
    }

    @Test
    void aFutureDatedValueIsReplacedByItsSourcesNextReading() {
        // A device (or someone posing as it) reported a value dated a day ahead; its next real reading stands.
        EntityId gauge = EntityId.of("WaterObserved", "gauge-01");
        store.apply(new Reading(gauge, "waterLevel", Value.of(2.6), "m", T0.plus(Duration.ofDays(1)), T0, "gauge-01", null));
        store.apply(new Reading(gauge, "waterLevel", Value.of(1.2), "m", T0.plusSeconds(60), T0, "gauge-01", null));
        assertEquals(Value.of(1.2), store.entity(gauge).orElseThrow().attribute("waterLevel").orElseThrow().value());
    }

    @Test
    void unknownEntityIsEmpty() {
        assertTrue(store.entity(EntityId.of("Streetlight", "nope")).isEmpty());
        assertEquals(List.of(), store.byType("Streetlight"));
    }

    @Test
    void queriesByTypeNearAndWithin() {
        store.apply(reading("WasteContainer", "b", "fillingLevel", 0.1, T0, CENTRAAL));
        store.apply(reading("WasteContainer", "a", "fillingLevel", 0.1, T0, ZUID));
        store.apply(reading("Streetlight", "l", "powerConsumption", 40, T0, DAM));
        store.apply(reading("Streetlight", "nowhere", "powerConsumption", 40, T0, null));

        assertEquals(List.of("a", "b"), ids(store.byType("WasteContainer")));
        assertEquals(List.of("l", "b"), ids(store.near(DAM, 1_000, null)), "nearest first");
        assertEquals(List.of("b"), ids(store.near(DAM, 1_000, "WasteContainer")));
        assertEquals(List.of("l", "b", "a"), ids(store.near(DAM, 5_000, null)));
        assertEquals(List.of("l"), ids(store.within(new BoundingBox(4.88, 52.37, 4.895, 52.375), null)));
        assertEquals(4, store.size());
        assertEquals(4, store.all().size());
    }

    @Test
    void aNegativeRadiusIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.near(DAM, -1, null));
        assertTrue(e.getMessage().contains("radius"), e.getMessage());
    }

    private static List<String> ids(List<EntityState> entities) {
        return entities.stream().map(e -> e.id().localId()).toList();
    }

    /** A batch (a journal's replay) ends where applying its readings one by one ends, by the same rules. */
    @Test
    void aBatchEndsWhereApplyingOneByOneEnds() {
        EntityId bin = EntityId.of("WasteContainer", "bin-1");
        List<Reading> readings = List.of(
                new Reading(bin, "fillingLevel", Value.of(0.5), "/", T0.plusSeconds(60), T0.plusSeconds(61), "mqtt:bin-1", DAM),
                // another source, older: does not roll it back, and its location and receipt do not count
                new Reading(bin, "fillingLevel", Value.of(0.1), "/", T0, T0.plusSeconds(500), "a.plugin", ZUID),
                // the same source, older (its clock stepped back): replaces it
                new Reading(bin, "fillingLevel", Value.of(0.4), "/", T0.plusSeconds(30), T0.plusSeconds(62), "mqtt:bin-1", null),
                new Reading(bin, "temperature", Value.of(21), "Cel", T0.plusSeconds(90), T0.plusSeconds(90), "mqtt:bin-1", CENTRAAL),
                new Reading(EntityId.of("Streetlight", "lamp-1"), "powerState", Value.of("on"), "", T0, T0, "mqtt:lamp-1", null));
        EntityStore oneByOne = new EntityStore();
        EntityStore batched = new EntityStore();
        oneByOne.apply(readings.get(0));
        batched.apply(readings.get(0)); // a state loaded before the batch
        readings.subList(1, readings.size()).forEach(oneByOne::apply);
        EntityStore.Batch batch = batched.batch();
        readings.subList(1, readings.size()).forEach(batch::apply);
        assertEquals(List.of(bin), batched.all().stream().map(EntityState::id).filter(bin::equals).toList(),
                "nothing but what was there before the commit");
        assertEquals(1, batched.size());
        batch.commit();
        assertEquals(oneByOne.all(), batched.all());
        assertEquals(Value.of(0.4), batched.entity(bin).orElseThrow().attribute("fillingLevel").orElseThrow().value());
        assertEquals(CENTRAAL, batched.entity(bin).orElseThrow().location());
    }
}
