package nl.regie.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class ReadingTest {

    private static final EntityId BIN = EntityId.of("WasteContainer", "bin-1");
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    @Test
    void hasItsTopic() {
        Reading reading = new Reading(BIN, "fillingLevel", Value.of(0.8), "/", NOW, NOW, "dev-1", null);
        assertEquals("WasteContainer/bin-1/fillingLevel", reading.topic());
        assertEquals("WasteContainer", reading.entityType());
    }

    @Test
    void eachMissingFieldIsNamed() {
        assertMissing("entity", () -> new Reading(null, "fillingLevel", Value.of(1), "/", NOW, NOW, "d", null));
        assertMissing("attribute", () -> new Reading(BIN, null, Value.of(1), "/", NOW, NOW, "d", null));
        assertMissing("value", () -> new Reading(BIN, "fillingLevel", null, "/", NOW, NOW, "d", null));
        assertMissing("unit", () -> new Reading(BIN, "fillingLevel", Value.of(1), null, NOW, NOW, "d", null));
        assertMissing("observedAt", () -> new Reading(BIN, "fillingLevel", Value.of(1), "/", null, NOW, "d", null));
        assertMissing("receivedAt", () -> new Reading(BIN, "fillingLevel", Value.of(1), "/", NOW, null, "d", null));
        assertMissing("source", () -> new Reading(BIN, "fillingLevel", Value.of(1), "/", NOW, NOW, null, null));
    }

    @Test
    void malformedFieldsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Reading(BIN, "filling/level", Value.of(1), "/", NOW, NOW, "d", null));
        assertTrue(e.getMessage().contains("attribute 'filling/level'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Reading(BIN, "fillingLevel", Value.of(1), "/", NOW, NOW, " ", null));
        assertTrue(e.getMessage().contains("source must not be blank"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Value.of(Double.NaN));
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Location.of(4.9, 91));
        assertTrue(e.getMessage().contains("latitude 91.0"), e.getMessage());
    }

    @Test
    void distanceIsHaversine() {
        // One degree along a meridian is pi/180 of the earth's mean radius: 111,195 m.
        assertEquals(111_195, Location.of(4.9, 52).distanceMetres(Location.of(4.9, 53)), 1);
        // One degree along the equator is the same.
        assertEquals(111_195, Location.of(0, 0).distanceMetres(Location.of(1, 0)), 1);
    }

    private static void assertMissing(String field, org.junit.jupiter.api.function.Executable creation) {
        NullPointerException e = assertThrows(NullPointerException.class, creation);
        assertTrue(e.getMessage().contains("reading " + field + " is required"), e.getMessage());
    }

    @Test
    void anAttributeIsValidExactlyWhenItsPatternMatchesIt() {
        Pattern pattern = Pattern.compile("[a-z][A-Za-z0-9_]{0,63}");
        String characters = "azAZ09_-.:é \u0000";
        List<String> names = new ArrayList<>(List.of("", "a".repeat(64), "a".repeat(65),
                "fillingLevel", "battery_2"));
        for (char a : characters.toCharArray()) {
            names.add(String.valueOf(a));
            for (char b : characters.toCharArray()) {
                names.add("" + a + b);
                for (char c : characters.toCharArray()) {
                    names.add("" + a + b + c);
                }
            }
        }
        for (String name : names) {
            assertEquals(pattern.matcher(name).matches(), Reading.validAttribute(name), name);
        }
    }
}
