package nl.regie.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;

import nl.regie.runtime.config.AttributeValue.Range;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;

class BoundsTest {

    private static final AttributeType DOUBLE = new AttributeType(AttributeDefinition.DOUBLE);
    private static final AttributeType INTEGER = new AttributeType(AttributeDefinition.INTEGER);
    private static final AttributeType STRING = new AttributeType(AttributeDefinition.STRING);
    private static final AttributeType CHARACTER = new AttributeType(AttributeDefinition.CHARACTER);

    private static String problem(Bounds bounds, String measure) {
        return bounds.problem(new BigDecimal(measure));
    }

    @Test
    void aNumberIsCheckedAgainstBothBoundsInclusive() {
        Bounds bounds = new Bounds(new Range("0", "1"), DOUBLE);
        assertNull(problem(bounds, "0"));
        assertNull(problem(bounds, "1.000"));
        assertEquals("is below the minimum 0", problem(bounds, "-0.1"));
        assertEquals("is above the maximum 1", problem(bounds, "1.0001"));
        assertEquals(" from 0 to 1", bounds.described());
    }

    @Test
    void boundsAreShownAsPlainNumbers() {
        Bounds bounds = new Bounds(new Range(" 1.0 ", "1e2"), INTEGER);
        assertEquals(" from 1 to 100", bounds.described());
        assertEquals("is above the maximum 100", problem(bounds, "101"));
        assertEquals(" from 0.5 to 59.5", new Bounds(new Range("0.5", "59.5"), INTEGER).described());
        assertEquals("is below the minimum 0.5", problem(new Bounds(new Range("0.5", "59.5"), INTEGER), "0"),
                "a decimal bound of a whole number is still enforced");
    }

    @Test
    void oneBoundAlone() {
        Bounds atLeast = new Bounds(new Range("-50", null), DOUBLE);
        assertEquals(" of at least -50", atLeast.described());
        assertNull(problem(atLeast, "1e9"));
        Bounds atMost = new Bounds(new Range("", "9"), DOUBLE);
        assertEquals(" of at most 9", atMost.described(), "a blank bound is no bound");
        assertNull(problem(atMost, "-1e9"));
    }

    @Test
    void aBoundThatIsNotANumberIsIgnored() {
        Bounds bounds = new Bounds(new Range("low", "high"), DOUBLE);
        assertEquals("", bounds.described());
        assertNull(problem(bounds, "-1e9"));
        assertEquals("is above the maximum", bounds.aboveMaximum(), "no bound to name");
        assertEquals("is below the minimum", new Bounds(Range.NONE, DOUBLE).belowMinimum());
    }

    @Test
    void aTextsLengthIsBounded() {
        Bounds bounds = new Bounds(new Range("1", "5"), STRING);
        assertEquals("is shorter than the minimum length 1", problem(bounds, "0"));
        assertEquals("is longer than the maximum length 5", problem(bounds, "10"));
        assertEquals("is longer than the maximum length", new Bounds(Range.NONE, STRING).aboveMaximum());
        assertEquals("is shorter than the minimum length", new Bounds(Range.NONE, STRING).belowMinimum());
    }

    @Test
    void aCharactersBoundsAreCharactersComparedByTheirCode() {
        Bounds bounds = new Bounds(new Range("A", " Fx"), CHARACTER);
        assertEquals(" from A to F", bounds.described(), "the first character of a bound counts");
        assertNull(bounds.problem(BigDecimal.valueOf('F')));
        assertEquals("is above the maximum F", bounds.problem(BigDecimal.valueOf('G')));
        assertEquals("is below the minimum A", bounds.problem(BigDecimal.valueOf('@')));
        assertEquals(" from 1 to 9", new Bounds(new Range("1", "9"), CHARACTER).described(), "the characters 1 and 9");
        assertEquals("is above the maximum 9", new Bounds(new Range("1", "9"), CHARACTER).problem(BigDecimal.valueOf(':')));
    }
}
