package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.web.json.Json;

import org.junit.jupiter.api.Test;

/** An entity's JSON marks the values of a removed plugin stale, and no other. */
class StaleValuesJsonTest {

    @Test
    void onlyTheRemovedPluginsValuesAreMarkedStale() {
        Instant at = Instant.parse("2026-06-01T10:00:00Z");
        EntityState bin = new EntityState(EntityId.of("WasteContainer", "bin-1"), null, Map.of(
                "fillingLevel", new AttributeState(Value.of(0.9), "/", at, "bin-1"),
                "full", new AttributeState(Value.of(true), "", at, "nl.regie.waste")), at);

        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> attributes = (Map<String, Map<String, Object>>) Json.entity(bin,
                id -> Set.of("full")).get("attributes");
        assertEquals(true, attributes.get("full").get("stale"));
        assertEquals(null, attributes.get("fillingLevel").get("stale"), "a device's value is not stale");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> current = (Map<String, Map<String, Object>>) Json.entity(bin).get("attributes");
        assertEquals(null, current.get("full").get("stale"));
        assertEquals(null, Json.entity(bin, id -> Set.of("full")).get("stale"), "a device still reports on the bin");
        assertEquals(true, Json.entity(bin, id -> Set.of("full", "fillingLevel")).get("stale"),
                "an entity whose every value is stale is stale");
    }
}
