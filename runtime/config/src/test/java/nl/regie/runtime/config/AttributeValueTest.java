package nl.regie.runtime.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;

class AttributeValueTest {

    private static Object valid(TestAttribute attribute, String text) {
        AttributeValue.Result result = attribute.convert(text);
        return assertInstanceOf(AttributeValue.Valid.class, result, () -> result.toString()).value();
    }

    private static String invalid(TestAttribute attribute, String text) {
        AttributeValue.Result result = attribute.convert(text);
        return assertInstanceOf(AttributeValue.Invalid.class, result, () -> result.toString()).problem();
    }

    private static final TestAttribute THRESHOLD = TestAttribute.of("full.threshold", AttributeDefinition.DOUBLE).range("0", "1");
    private static final TestAttribute COUNT = TestAttribute.of("count", AttributeDefinition.INTEGER).range("1", "100");

    @Test
    void numbersAreTypedAndChecked() {
        assertEquals(0.75, valid(THRESHOLD, "0.75"));
        assertEquals(1.0, valid(THRESHOLD, "1"));
        assertEquals(1000L, valid(TestAttribute.of("t", AttributeDefinition.LONG), "1e3"));
        assertEquals(42, valid(COUNT, "42"));
        assertEquals((short) 7, valid(TestAttribute.of("s", AttributeDefinition.SHORT), "7"));
        assertEquals((byte) -3, valid(TestAttribute.of("b", AttributeDefinition.BYTE), "-3"));
        assertEquals(2.5f, valid(TestAttribute.of("f", AttributeDefinition.FLOAT), "2.5"));

        assertEquals("is above the maximum 1", invalid(THRESHOLD, "1.5"));
        assertEquals("is below the minimum 0", invalid(THRESHOLD, "-0.1"));
        assertEquals("is not a number (expected a decimal number from 0 to 1)", invalid(THRESHOLD, "high"));
        assertEquals("is not a number (expected a decimal number from 0 to 1)", invalid(THRESHOLD, "NaN"));
        assertEquals("is not a number (expected a decimal number from 0 to 1)", invalid(THRESHOLD, ""));
        assertEquals("is not a whole number (expected a whole number from 1 to 100)", invalid(COUNT, "2.5"));
        assertEquals("is above the maximum 100", invalid(COUNT, "101"));
        assertEquals("is out of range: a int is from -2147483648 to 2147483647", invalid(COUNT, "3000000000"));
        assertEquals("is too large for a decimal number", invalid(TestAttribute.of("d", AttributeDefinition.DOUBLE), "1e400"));
    }

    @Test
    void aDecimalBoundOfAWholeNumberIsStillEnforced() {
        // Felix parses min/max as the attribute's own type and skips a bound it cannot parse; this does not.
        TestAttribute minutes = TestAttribute.of("minutes", AttributeDefinition.INTEGER).range("0.5", "59.5");
        assertEquals("is below the minimum 0.5", invalid(minutes, "0"));
        assertEquals(59, valid(minutes, "59"));
    }

    @Test
    void booleansCharactersAndText() {
        TestAttribute enabled = TestAttribute.of("enabled", AttributeDefinition.BOOLEAN);
        assertEquals(true, valid(enabled, "TRUE"));
        assertEquals(false, valid(enabled, "false"));
        assertEquals("is not true or false", invalid(enabled, "yes"));
        // A metatype may give a boolean a min or max; it bounds nothing (this threw a NullPointerException once).
        TestAttribute bounded = TestAttribute.of("bounded", AttributeDefinition.BOOLEAN).range("0", "1");
        assertEquals(true, valid(bounded, "true"));
        assertEquals("is not true or false", invalid(bounded, "2"));

        TestAttribute grade = TestAttribute.of("grade", AttributeDefinition.CHARACTER).range("A", "F");
        assertEquals('B', valid(grade, "B"));
        assertEquals("is above the maximum F", invalid(grade, "G"));
        assertEquals("is not a single character (expected a single character from A to F)", invalid(grade, "AB"));

        TestAttribute name = TestAttribute.of("name", AttributeDefinition.STRING).range("1", "5");
        assertEquals("Dam", valid(name, "Dam"));
        assertEquals("is shorter than the minimum length 1", invalid(name, ""));
        assertEquals("is longer than the maximum length 5", invalid(name, "Amstelveen"));
        assertEquals("", valid(TestAttribute.of("free", AttributeDefinition.STRING), ""));
    }

    @Test
    void optionsAreTheOnlyValuesAllowed() {
        TestAttribute mode = TestAttribute.of("mode", AttributeDefinition.STRING).options("auto", "manual");
        assertEquals("manual", valid(mode, "manual"));
        assertEquals("is not one of the options auto, manual", invalid(mode, "off"));
    }

    @Test
    void arraysAndListsAreCommaSeparatedAndTrimmed() {
        TestAttribute levels = THRESHOLD.cardinality(Integer.MAX_VALUE);
        assertArrayEquals(new Double[] {0.2, 0.5, 1.0}, (Double[]) valid(levels, "0.2, 0.5 ,1"));
        assertArrayEquals(new Double[0], (Double[]) valid(levels, ""), "empty: no elements");
        assertEquals(": '1.5' is above the maximum 1", invalid(levels, "0.2, 1.5"));
        assertEquals("is above the maximum 1", invalid(levels, "1.5"));

        TestAttribute names = TestAttribute.of("names", AttributeDefinition.STRING).cardinality(-3);
        assertEquals(List.of("a", "b c"), valid(names, "a, b c"));
        assertEquals(List.of(), valid(names, ""));
        assertEquals("has 4 values; at most 3 are allowed", invalid(names, "a,b,c,d"));
        assertEquals(List.of("a", "b", "c", "d"), valid(TestAttribute.of("any", AttributeDefinition.STRING)
                .cardinality(Integer.MIN_VALUE), "a,b,c,d"), "MIN_VALUE: a list of any length");
        assertArrayEquals(new Integer[] {1, 2}, (Integer[]) valid(COUNT.cardinality(2), "1,2"));
    }

    @Test
    void theMetatypesOwnVerdictCountsAndIsTranslated() {
        TestAttribute strict = TestAttribute.of("level", AttributeDefinition.DOUBLE)
                .validator(value -> value.equals("0.5") ? "%greater than maximum" : "");
        assertEquals(0.4, valid(strict, "0.4"));
        assertEquals("is above the maximum", invalid(strict, "0.5"), "no bound known: none named");

        TestAttribute odd = TestAttribute.of("odd", AttributeDefinition.INTEGER).validator(value -> "not odd");
        assertEquals("is refused by the plugin's metatype (not odd; expected a whole number)", invalid(odd, "2"));

        List<String> seen = new ArrayList<>();
        TestAttribute recording = TestAttribute.of("words", AttributeDefinition.STRING).cardinality(5)
                .validator(value -> {
                    seen.add(value);
                    return "";
                });
        valid(recording, "a\\b, c");
        assertEquals(List.of("a\\\\b", "c"), seen, "each element alone, escaped as the MetaType Service splits lists");

        List<String> canonical = new ArrayList<>();
        valid(TestAttribute.of("n", AttributeDefinition.INTEGER).validator(value -> {
            canonical.add(value);
            return "";
        }), "1e3");
        assertEquals(List.of("1000"), canonical, "the number as Integer.valueOf reads it");
    }
}
