package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonCodecTest {

    /** The JSON text of {@code value} rounded to {@code decimals}. */
    private static String number(double value, int decimals) {
        String array = JsonCodec.write(JsonCodec.array().add(JsonCodec.rounded(value, decimals)));
        return array.substring(1, array.length() - 1);
    }

    private static Object parse(String text) {
        return JsonCodec.parse(text.getBytes(StandardCharsets.UTF_8));
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
        assertEquals("1200", number(1200, 3), "no exponent, however many trailing zeros the integer part has");
        assertEquals("0.0000001", number(1e-7, 7), "no exponent for small values either");
        assertThrows(IllegalArgumentException.class, () -> JsonCodec.rounded(1, 8));
    }

    @Test
    void numbersThatJsonCannotHoldStillGiveValidJson() {
        assertEquals("0", number(Double.NaN, 2));
        assertEquals("0", number(Double.POSITIVE_INFINITY, 2));
    }

    @Test
    void stringsAreEscapedAndReadBack() {
        String text = "a \"quoted\" back\\slash, tab\t, newline\n and \u0001, caf\u00e9";
        String json = JsonCodec.write(JsonCodec.object().put("text", text));
        assertEquals("{\"text\":\"a \\\"quoted\\\" back\\\\slash, tab\\t, newline\\n and \\u0001, caf\u00e9\"}", json);
        assertEquals(Map.of("text", text), parse(json));
    }

    @Test
    void parsesObjectsArraysAndScalarsIntoPlainValuesWithEveryNumberADouble() {
        Object parsed = parse(" {\"id\":\"c-1\",\"parameters\":{\"level\":0.3,\"on\":true},\"list\":[1,-2.5e1,null,\"x\\u00e9\"]} ");
        Map<?, ?> map = (Map<?, ?>) parsed;
        assertEquals(List.of("id", "parameters", "list"), List.copyOf(map.keySet()), "in member order");
        assertEquals("c-1", map.get("id"));
        assertEquals(Map.of("level", 0.3, "on", true), map.get("parameters"));
        assertEquals(List.of(1.0, -25.0, "xé"), ((List<?>) map.get("list")).stream().filter(v -> v != null).toList());
        assertEquals(4, ((List<?>) map.get("list")).size());
        assertEquals(1.0, parse("1"));
        assertEquals(Boolean.FALSE, parse("false"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\":1,}", "[1,]", "{'a':1}", "{a:1}", "01", "1.", "-", "1e", "\"open",
            "\"tab\tin string\"", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "NaN", "tru", "[1 2]", "{\"a\" 1}", "\"\\x\""})
    void refusesWhatRfc8259DoesNotAllowAndSaysWhere(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(text));
        assertTrue(e.getMessage().matches("(?s).+ at line 1, column \\d+"), e.getMessage());
        assertTrue(!e.getMessage().contains("Source"), "no source excerpt: " + e.getMessage());
    }

    @Test
    void refusesNothingAtAll() {
        assertEquals("no JSON value", assertThrows(IllegalArgumentException.class, () -> parse("")).getMessage());
        assertEquals("no JSON value", assertThrows(IllegalArgumentException.class, () -> parse("  \n")).getMessage());
    }

    @Test
    void refusesNumbersBeyondADoublesRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("{\"level\":1e400}"));
        assertTrue(e.getMessage().startsWith("number out of range"), e.getMessage());
    }

    @Test
    void refusesDeepNesting() {
        String deep = "[".repeat(JsonCodec.MAX_DEPTH + 2) + "]".repeat(JsonCodec.MAX_DEPTH + 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(deep));
        assertTrue(e.getMessage().contains(Integer.toString(JsonCodec.MAX_DEPTH)), e.getMessage());
        String shallow = "[".repeat(JsonCodec.MAX_DEPTH) + "]".repeat(JsonCodec.MAX_DEPTH);
        assertEquals(1, ((List<?>) parse(shallow)).size());
    }
}
