package nl.regie.runtime.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
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
    void anOlderReadingDoesNotRollTheStateBack() {
        store.apply(reading("WasteContainer", "bin-1", "fillingLevel", 0.5, T0.plusSeconds(60), DAM));
        assertFalse(store.apply(reading("WasteContainer", "bin-1", "fillingLevel", 0.1, T0, DAM)));
        assertEquals(Value.of(0.5), store.entity(EntityId.of("WasteContainer", "bin-1")).orElseThrow()
                .attribute("fillingLevel").orElseThrow().value());
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
}
