package nl.regie.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;

class AttributeTypeTest {

    private static final AttributeType BOOLEAN = new AttributeType(AttributeDefinition.BOOLEAN);
    private static final AttributeType CHARACTER = new AttributeType(AttributeDefinition.CHARACTER);
    private static final AttributeType STRING = new AttributeType(AttributeDefinition.STRING);
    private static final AttributeType PASSWORD = new AttributeType(AttributeDefinition.PASSWORD);
    private static final AttributeType BYTE = new AttributeType(AttributeDefinition.BYTE);
    private static final AttributeType SHORT = new AttributeType(AttributeDefinition.SHORT);
    private static final AttributeType INTEGER = new AttributeType(AttributeDefinition.INTEGER);
    private static final AttributeType LONG = new AttributeType(AttributeDefinition.LONG);
    private static final AttributeType FLOAT = new AttributeType(AttributeDefinition.FLOAT);
    private static final AttributeType DOUBLE = new AttributeType(AttributeDefinition.DOUBLE);
    private static final AttributeType BIG_INTEGER = new AttributeType(AttributeType.BIG_INTEGER);
    private static final AttributeType BIG_DECIMAL = new AttributeType(AttributeType.BIG_DECIMAL);
    private static final AttributeType UNKNOWN = new AttributeType(99);

    private static String problem(AttributeType type, String text) {
        return type.problem(text, () -> "X");
    }

    @Test
    void eachTypeBecomesItsJavaValue() {
        assertEquals(true, BOOLEAN.typed("TRUE"));
        assertEquals('c', CHARACTER.typed("c"));
        assertEquals("Dam", STRING.typed("Dam"));
        assertEquals("s3cret", PASSWORD.typed("s3cret"));
        assertEquals((byte) -3, BYTE.typed("-3"));
        assertEquals((short) 7, SHORT.typed("7"));
        assertEquals(1000, INTEGER.typed("1e3"));
        assertEquals(5L, LONG.typed("+5"));
        assertEquals(2.5f, FLOAT.typed("2.5"));
        assertEquals(0.001, DOUBLE.typed("1e-3"));
        assertEquals(new BigInteger("123456789012345678901234567890"), BIG_INTEGER.typed("123456789012345678901234567890"));
        assertEquals(new BigDecimal("1e400"), BIG_DECIMAL.typed("1e400"));
        assertEquals("12", UNKNOWN.typed("12"));
    }

    @Test
    void arraysOfEachTypeHoldItsBoxedClass() {
        assertEquals(Boolean.class, BOOLEAN.elementClass());
        assertEquals(Character.class, CHARACTER.elementClass());
        assertEquals(String.class, STRING.elementClass());
        assertEquals(String.class, PASSWORD.elementClass());
        assertEquals(Byte.class, BYTE.elementClass());
        assertEquals(Short.class, SHORT.elementClass());
        assertEquals(Integer.class, INTEGER.elementClass());
        assertEquals(Long.class, LONG.elementClass());
        assertEquals(Float.class, FLOAT.elementClass());
        assertEquals(Double.class, DOUBLE.elementClass());
        assertEquals(BigInteger.class, BIG_INTEGER.elementClass());
        assertEquals(BigDecimal.class, BIG_DECIMAL.elementClass());
        assertEquals(String.class, UNKNOWN.elementClass());
    }

    @Test
    void textsThatAreNotValuesOfTheTypeAreNamed() {
        assertNull(problem(BOOLEAN, "False"));
        assertEquals("is not true or false", problem(BOOLEAN, "yes"));
        assertEquals("is not true or false", problem(BOOLEAN, ""));
        assertNull(problem(CHARACTER, "é"));
        assertEquals("is not a single character (expected X)", problem(CHARACTER, "AB"));
        assertEquals("is not a single character (expected X)", problem(CHARACTER, ""));
        assertNull(problem(STRING, ""));
        assertNull(problem(PASSWORD, "anything, at all"));
        assertEquals("is not a number (expected X)", problem(DOUBLE, "high"));
        assertEquals("is not a number (expected X)", problem(DOUBLE, "NaN"));
        assertEquals("is not a number (expected X)", problem(INTEGER, "0x10"));
        assertEquals("is not a whole number (expected X)", problem(INTEGER, "2.5"));
        assertEquals("is not a whole number (expected X)", problem(BIG_INTEGER, "1.5"));
        assertNull(problem(INTEGER, "2.0"), "a whole number written as a decimal");
        assertEquals("is not a number (expected X)", problem(UNKNOWN, "x"));
        assertNull(problem(UNKNOWN, "12"));
    }

    @Test
    void wholeNumbersStayWithinTheirJavaTypeAndDecimalsFinite() {
        assertNull(problem(BYTE, "127"));
        assertEquals("is out of range: a byte is from -128 to 127", problem(BYTE, "128"));
        assertEquals("is out of range: a short is from -32768 to 32767", problem(SHORT, "-32769"));
        assertEquals("is out of range: a int is from -2147483648 to 2147483647", problem(INTEGER, "3000000000"));
        assertEquals("is out of range: a long is from -9223372036854775808 to 9223372036854775807",
                problem(LONG, "9223372036854775808"));
        assertNull(problem(BIG_INTEGER, "9223372036854775808"));
        assertEquals("is too large for a decimal number", problem(DOUBLE, "1e400"));
        assertEquals("is too large for a decimal number", problem(DOUBLE, "-1e400"));
        assertEquals("is too large for a decimal number", problem(FLOAT, "1e39"));
        assertNull(problem(DOUBLE, "1e39"));
        assertNull(problem(BIG_DECIMAL, "1e400"));
    }

    @Test
    void whatWasExpectedIsOnlyWorkedOutForAMessageThatSaysIt() {
        AtomicInteger asked = new AtomicInteger();
        Supplier<String> expected = () -> {
            asked.incrementAndGet();
            return "X";
        };
        INTEGER.problem("42", expected);
        BOOLEAN.problem("yes", expected);
        DOUBLE.problem("1e400", expected);
        assertEquals(0, asked.get());
        INTEGER.problem("4.2", expected);
        assertEquals(1, asked.get());
    }

    @Test
    void theRangeBoundsANumberATextsLengthOrACharactersCode() {
        assertNull(BOOLEAN.measure("true"));
        assertEquals(BigDecimal.valueOf('A'), CHARACTER.measure("A"));
        assertEquals(BigDecimal.valueOf(3), STRING.measure("Dam"));
        assertEquals(BigDecimal.valueOf(0), PASSWORD.measure(""));
        assertEquals(0, new BigDecimal("1000").compareTo(INTEGER.measure("1e3")));
        assertEquals(new BigDecimal("0.75"), DOUBLE.measure("0.75"));
    }

    @Test
    void theMetatypeServiceGetsWholeNumbersWithoutExponentAndBooleansInLowerCase() {
        assertEquals("1000", INTEGER.canonical("1e3"));
        assertEquals("5", BYTE.canonical("+5"));
        assertEquals("2", SHORT.canonical("2.0"));
        assertEquals("-7", LONG.canonical("-7"));
        assertEquals("1000", BIG_INTEGER.canonical("1e3"));
        assertEquals("true", BOOLEAN.canonical("TRUE"));
        assertEquals("1e3", DOUBLE.canonical("1e3"));
        assertEquals("Dam", STRING.canonical("Dam"));
    }

    @Test
    void eachTypeIsDescribedWithItsBounds() {
        assertEquals("true or false", BOOLEAN.described(" from 0 to 1"));
        assertEquals("a single character from A to F", CHARACTER.described(" from A to F"));
        assertEquals("a decimal number of at least 0", DOUBLE.described(" of at least 0"));
        assertEquals("a decimal number", FLOAT.described(""));
        assertEquals("a decimal number", BIG_DECIMAL.described(""));
        assertEquals("text", STRING.described(""));
        assertEquals("text of length of at most 5", PASSWORD.described(" of at most 5"));
        assertEquals("a whole number from 1 to 100", INTEGER.described(" from 1 to 100"));
        assertEquals("a whole number", BIG_INTEGER.described(""));
        assertEquals("a whole number", UNKNOWN.described(""));
    }

    @Test
    void onlyTextsAreMeasuredByLengthAndOnlyCharactersBoundedByCharacters() {
        assertTrue(STRING.isText());
        assertTrue(PASSWORD.isText());
        assertFalse(CHARACTER.isText());
        assertTrue(CHARACTER.isCharacter());
        assertFalse(STRING.isCharacter());
        assertFalse(INTEGER.isText() || INTEGER.isCharacter());
    }
}
