package nl.regie.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import nl.regie.runtime.config.AttributeValue.Range;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;

class MetatypeVerdictTest {

    private static String verdict(TestAttribute attribute, String value) {
        Bounds bounds = new Bounds(attribute.range(), new AttributeType(attribute.type()));
        return new MetatypeVerdict(attribute, bounds, () -> "what it must be").problem(value, false);
    }

    private static TestAttribute saying(String verdict) {
        return TestAttribute.of("level", AttributeDefinition.DOUBLE).range("0", "1").validator(value -> verdict);
    }

    @Test
    void noVerdictIsNoProblem() {
        assertNull(verdict(saying(""), "0.5"));
        assertNull(verdict(saying(null), "0.5"));
    }

    @Test
    void felixsVerdictsOnBoundsAreTranslatedNamingTheBound() {
        assertEquals("is above the maximum 1", verdict(saying("%greater than maximum"), "2"));
        assertEquals("is below the minimum 0", verdict(saying("Value is LESS THAN MINIMUM"), "-1"), "localised");
        TestAttribute name = TestAttribute.of("name", AttributeDefinition.STRING).range("1", "5")
                .validator(value -> "%greater than maximum");
        assertEquals("is longer than the maximum length 5", verdict(name, "Amstelveen"));
        TestAttribute unbounded = TestAttribute.of("n", AttributeDefinition.INTEGER).validator(value -> "%less than minimum");
        assertEquals("is below the minimum", verdict(unbounded, "-1"), "no bound known: none named");
    }

    @Test
    void anOptionVerdictNamesTheOptions() {
        TestAttribute mode = TestAttribute.of("mode", AttributeDefinition.STRING).options("auto", "manual")
                .validator(value -> "%not a valid option");
        assertEquals("is not one of the options auto, manual", verdict(mode, "off"));
        // An option verdict from a validator of an attribute without options (this threw a NullPointerException once).
        TestAttribute free = TestAttribute.of("free", AttributeDefinition.STRING).validator(value -> "%not a valid option");
        assertEquals("is refused by the plugin's metatype (not a valid option; expected what it must be)",
                verdict(free, "x"));
    }

    @Test
    void anyOtherVerdictIsQuotedWithWhatWasExpected() {
        assertEquals("is refused by the plugin's metatype (not odd; expected what it must be)", verdict(saying("not odd"), "2"));
        assertEquals("is refused by the plugin's metatype (custom; expected what it must be)", verdict(saying("%custom"), "2"),
                "without the key marker");
    }

    @Test
    void aValidatorThatThrowsRefusesNothing() {
        TestAttribute broken = TestAttribute.of("n", AttributeDefinition.INTEGER).validator(value -> {
            throw new IllegalStateException("bug");
        });
        assertNull(verdict(broken, "1"));
    }

    @Test
    void anElementIsEscapedAsTheMetatypeServiceSplitsLists() {
        List<String> seen = new ArrayList<>();
        UnaryOperator<String> recording = value -> {
            seen.add(value);
            return "";
        };
        TestAttribute words = TestAttribute.of("words", AttributeDefinition.STRING).cardinality(5).validator(recording);
        MetatypeVerdict verdict = new MetatypeVerdict(words, new Bounds(Range.NONE, new AttributeType(words.type())), () -> "");
        verdict.problem("a\\b,c", true);
        verdict.problem("a\\b,c", false);
        assertEquals(List.of("a\\\\b\\,c", "a\\b,c"), seen);
    }
}
