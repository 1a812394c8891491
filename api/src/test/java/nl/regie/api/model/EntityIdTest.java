package nl.regie.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EntityIdTest {

    @Test
    void parsesAndPrintsTheUrn() {
        EntityId id = EntityId.parse("urn:ngsi-ld:WasteContainer:ams:bin-0042");
        assertEquals("WasteContainer", id.type());
        assertEquals("ams:bin-0042", id.localId(), "the local id may contain colons");
        assertEquals("urn:ngsi-ld:WasteContainer:ams:bin-0042", id.toString());
        assertEquals("WasteContainer/ams:bin-0042", id.topicPrefix());
    }

    @Test
    void theLengthsOfBothPartsAreBounded() {
        assertEquals(64, EntityId.of("W" + "a".repeat(63), "x").type().length());
        assertThrows(IllegalArgumentException.class, () -> EntityId.of("W" + "a".repeat(64), "x"));
        assertEquals(128, EntityId.of("W", "x".repeat(128)).localId().length());
        assertThrows(IllegalArgumentException.class, () -> EntityId.of("W", "x".repeat(129)));
        assertThrows(IllegalArgumentException.class, () -> EntityId.of("", "x"));
        assertEquals("W/a.b_c:d-E9", EntityId.of("W", "a.b_c:d-E9").topicPrefix());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "urn:ngsi:WasteContainer:1|must start with 'urn:ngsi-ld:'",
        "urn:ngsi-ld:WasteContainer|must have the form urn:ngsi-ld:{Type}:{localId}",
        "urn:ngsi-ld:WasteContainer:|must have the form",
        "urn:ngsi-ld::bin-1|must have the form",
        "urn:ngsi-ld:wasteContainer:bin-1|entity type 'wasteContainer' must start with an upper-case letter",
        "urn:ngsi-ld:WasteContainer:bin/1|entity local id 'bin/1' must be 1 to 128 characters",
        "urn:ngsi-ld:WasteContainer:bin+1|entity local id 'bin+1'",
        "urn:ngsi-ld:WasteContainer:bin#1|entity local id 'bin#1'",
        "urn:ngsi-ld:WasteContainer:bin 1|entity local id 'bin 1'",
        "urn:ngsi-ld:WasteContainer:bïn-1|entity local id 'bïn-1'",
        "urn:ngsi-ld:Wäste:bin-1|entity type 'Wäste'",
        "urn:ngsi-ld:Waste-Container:bin-1|entity type 'Waste-Container'",
        "urn:ngsi-ld:1Waste:bin-1|entity type '1Waste'",
    })
    void malformedUrnsAreRefusedWithTheReason(String urn, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EntityId.parse(urn));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
