package nl.regie.runtime.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.function.Supplier;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * One metatype type ({@link AttributeDefinition#getType()}) and how a configuration file writes its values: which
 * texts are values of it, the Java value each becomes, the text the MetaType Service reads, and what a range bounds
 * (a number's value, a text's length, a character's code). An unknown type is read as a whole number kept as text.
 */
final class AttributeType {

    // Deprecated in the MetaType API, yet a plugin may still declare them.
    @SuppressWarnings("deprecation")
    static final int BIG_INTEGER = AttributeDefinition.BIGINTEGER;
    @SuppressWarnings("deprecation")
    static final int BIG_DECIMAL = AttributeDefinition.BIGDECIMAL;

    private final int type;

    AttributeType(int type) {
        this.type = type;
    }

    /** Whether its range bounds the length of a text. */
    boolean isText() {
        return type == AttributeDefinition.STRING || type == AttributeDefinition.PASSWORD;
    }

    /** Whether its range is written as characters. */
    boolean isCharacter() {
        return type == AttributeDefinition.CHARACTER;
    }

    /** What a value of it is, with its bounds ({@code " from 0 to 1"}, or empty): "a decimal number from 0 to 1". */
    String described(String bounds) {
        return switch (type) {
            case AttributeDefinition.BOOLEAN -> "true or false";
            case AttributeDefinition.CHARACTER -> "a single character" + bounds;
            case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT, BIG_DECIMAL -> "a decimal number" + bounds;
            case AttributeDefinition.STRING, AttributeDefinition.PASSWORD -> bounds.isEmpty() ? "text" : "text of length" + bounds;
            default -> "a whole number" + bounds;
        };
    }

    /**
     * Why a text is not a value of this type, or null: phrased to follow {@code key = value}, the messages that need
     * it ending with what was expected.
     */
    String problem(String text, Supplier<String> expected) {
        switch (type) {
            case AttributeDefinition.BOOLEAN -> {
                return text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false") ? null : "is not true or false";
            }
            case AttributeDefinition.CHARACTER -> {
                return text.length() == 1 ? null : "is not a single character (expected " + expected.get() + ")";
            }
            case AttributeDefinition.STRING, AttributeDefinition.PASSWORD -> {
                return null;
            }
            default -> {
                BigDecimal number;
                try {
                    number = new BigDecimal(text);
                } catch (NumberFormatException e) {
                    return "is not a number (expected " + expected.get() + ")";
                }
                return numberProblem(number, text, expected);
            }
        }
    }

    private String numberProblem(BigDecimal number, String text, Supplier<String> expected) {
        if (type == AttributeDefinition.DOUBLE || type == AttributeDefinition.FLOAT) {
            double d = type == AttributeDefinition.DOUBLE ? Double.parseDouble(text) : Float.parseFloat(text);
            return Double.isInfinite(d) ? "is too large for a decimal number" : null;
        }
        if (type == BIG_DECIMAL) {
            return null;
        }
        BigInteger whole;
        try {
            whole = number.toBigIntegerExact();
        } catch (ArithmeticException e) {
            return "is not a whole number (expected " + expected.get() + ")";
        }
        long[] limits = switch (type) {
            case AttributeDefinition.BYTE -> new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
            case AttributeDefinition.SHORT -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
            case AttributeDefinition.INTEGER -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            case AttributeDefinition.LONG -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
            default -> null;
        };
        if (limits != null && (whole.compareTo(BigInteger.valueOf(limits[0])) < 0
                || whole.compareTo(BigInteger.valueOf(limits[1])) > 0)) {
            return "is out of range: a " + name() + " is from " + limits[0] + " to " + limits[1];
        }
        return null;
    }

    /**
     * What the range of a value bounds: the number itself, the length of a text, the code of a character; null for
     * true or false. Only for a text {@link #problem} accepts.
     */
    BigDecimal measure(String text) {
        return switch (type) {
            case AttributeDefinition.BOOLEAN -> null;
            case AttributeDefinition.CHARACTER -> BigDecimal.valueOf(text.charAt(0));
            case AttributeDefinition.STRING, AttributeDefinition.PASSWORD -> BigDecimal.valueOf(text.length());
            default -> new BigDecimal(text);
        };
    }

    /**
     * The text as the MetaType Service parses it: {@code 1e3} is 1000 to us, but not to {@code Integer.valueOf}. Only
     * for a text {@link #problem} accepts.
     */
    String canonical(String text) {
        return switch (type) {
            case AttributeDefinition.BYTE, AttributeDefinition.SHORT, AttributeDefinition.INTEGER, AttributeDefinition.LONG,
                    BIG_INTEGER -> new BigDecimal(text).toBigIntegerExact().toString();
            case AttributeDefinition.BOOLEAN -> text.toLowerCase(Locale.ROOT);
            default -> text;
        };
    }

    /** The value ConfigAdmin is given: a String or a boxed primitive. Only for a text {@link #problem} accepts. */
    Object typed(String text) {
        return switch (type) {
            case AttributeDefinition.BOOLEAN -> Boolean.valueOf(text.toLowerCase(Locale.ROOT));
            case AttributeDefinition.CHARACTER -> text.charAt(0);
            case AttributeDefinition.BYTE -> new BigDecimal(text).byteValueExact();
            case AttributeDefinition.SHORT -> new BigDecimal(text).shortValueExact();
            case AttributeDefinition.INTEGER -> new BigDecimal(text).intValueExact();
            case AttributeDefinition.LONG -> new BigDecimal(text).longValueExact();
            case AttributeDefinition.FLOAT -> Float.parseFloat(text);
            case AttributeDefinition.DOUBLE -> Double.parseDouble(text);
            case BIG_INTEGER -> new BigDecimal(text).toBigIntegerExact();
            case BIG_DECIMAL -> new BigDecimal(text);
            default -> text;
        };
    }

    /** The class of {@link #typed} values: the element type of an array of them. */
    Class<?> elementClass() {
        return switch (type) {
            case AttributeDefinition.BOOLEAN -> Boolean.class;
            case AttributeDefinition.CHARACTER -> Character.class;
            case AttributeDefinition.BYTE -> Byte.class;
            case AttributeDefinition.SHORT -> Short.class;
            case AttributeDefinition.INTEGER -> Integer.class;
            case AttributeDefinition.LONG -> Long.class;
            case AttributeDefinition.FLOAT -> Float.class;
            case AttributeDefinition.DOUBLE -> Double.class;
            case BIG_INTEGER -> BigInteger.class;
            case BIG_DECIMAL -> BigDecimal.class;
            default -> String.class;
        };
    }

    /** The Java name of a whole-number type, as the out-of-range message names it. */
    private String name() {
        return switch (type) {
            case AttributeDefinition.BYTE -> "byte";
            case AttributeDefinition.SHORT -> "short";
            case AttributeDefinition.LONG -> "long";
            default -> "int";
        };
    }
}
