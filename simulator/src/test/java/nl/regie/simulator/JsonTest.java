package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    private static String number(double value, int decimals) {
        return Json.number(new StringBuilder(), value, decimals).toString();
    }

    @Test
    void numbersAreRoundedWithoutTrailingZerosOrExponents() {
        assertEquals("0.42", number(0.42, 3));
        assertEquals("1", number(1.0, 3));
        assertEquals("12.3", number(12.345, 1));
        assertEquals("0.05", number(0.05, 2));
        assertEquals("0.007", number(0.007, 3));
        assertEquals("-3.5", number(-3.5, 1));
        assertEquals("0", number(-0.0001, 3));
        assertEquals("1764253800.123", number(1_764_253_800.123, 3));
        assertEquals("4.892512", number(4.8925123, 6));
        assertEquals("120", number(120, 0));
    }

    @Test
    void numbersThatJsonCannotHoldStillGiveValidJson() {
        assertEquals("0", number(Double.NaN, 2));
        assertEquals("0", number(Double.POSITIVE_INFINITY, 2));
    }

    @Test
    void stringsAreEscapedAndReadBack() {
        String text = "a \"quoted\" back\\slash, tab\t, newline\n and \u0001";
        String json = Json.string(new StringBuilder(), text).toString();
        assertEquals("\"a \\\"quoted\\\" back\\\\slash, tab\\t, newline\\n and \\u0001\"", json);
        assertEquals(text, Json.parse(json));
    }

    @Test
    void parsesObjectsArraysAndScalars() {
        Object parsed = Json.parse(" {\"id\":\"c-1\",\"parameters\":{\"level\":0.3,\"on\":true},\"list\":[1,-2.5e1,null,\"x\\u00e9\"]} ");
        Map<?, ?> map = (Map<?, ?>) parsed;
        assertEquals("c-1", map.get("id"));
        assertEquals(Map.of("level", 0.3, "on", true), map.get("parameters"));
        assertEquals(List.of(1.0, -25.0, "xé"), ((List<?>) map.get("list")).stream().filter(v -> v != null).toList());
        assertEquals(4, ((List<?>) map.get("list")).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\":1,}", "[1,]", "{'a':1}", "{a:1}", "01", "1.", "-", "1e", "\"open",
            "\"tab\tin string\"", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "NaN", "tru", "[1 2]", "{\"a\" 1}", "\"\\x\""})
    void refusesWhatRfc8259DoesNotAllow(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
    }

    @Test
    void refusesDeepNesting() {
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
    }
}
