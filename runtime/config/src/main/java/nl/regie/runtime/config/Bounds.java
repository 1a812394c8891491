package nl.regie.runtime.config;

import java.math.BigDecimal;

/**
 * The {@code min} and {@code max} of an attribute as a value is checked against them and as messages show them. A
 * bound bounds what {@link AttributeType#measure} gives: a number, a text's length, or a character's code (the
 * metatype writes a character's bounds as characters). A bound that is not a number is ignored, as the MetaType
 * Service ignores it; unlike it, a decimal bound of a whole-number attribute is still enforced.
 */
final class Bounds {

    private final boolean length;
    private final BigDecimal min;
    private final BigDecimal max;
    private final String shownMin;
    private final String shownMax;

    /** The range of an attribute of this type. */
    Bounds(AttributeValue.Range range, AttributeType type) {
        this.length = type.isText();
        this.min = bound(range.min(), type);
        this.max = bound(range.max(), type);
        this.shownMin = shown(min, type);
        this.shownMax = shown(max, type);
    }

    /** Why a measured value is out of range, or null; a value with no measure (true or false) has no range. */
    String problem(BigDecimal measure) {
        if (measure == null) {
            return null;
        }
        if (min != null && measure.compareTo(min) < 0) {
            return belowMinimum();
        }
        if (max != null && measure.compareTo(max) > 0) {
            return aboveMaximum();
        }
        return null;
    }

    /** "is below the minimum 0", "is shorter than the minimum length 1"; without the bound when it is not known. */
    String belowMinimum() {
        return (length ? "is shorter than the minimum length" : "is below the minimum") + (shownMin == null ? "" : " " + shownMin);
    }

    /** "is above the maximum 1", "is longer than the maximum length 5"; without the bound when it is not known. */
    String aboveMaximum() {
        return (length ? "is longer than the maximum length" : "is above the maximum") + (shownMax == null ? "" : " " + shownMax);
    }

    /** The range in words, to follow what a value is: " from 0 to 1", " of at least 0", " of at most 1", or empty. */
    String described() {
        if (shownMin != null && shownMax != null) {
            return " from " + shownMin + " to " + shownMax;
        }
        if (shownMin != null) {
            return " of at least " + shownMin;
        }
        return shownMax != null ? " of at most " + shownMax : "";
    }

    /** The bound as a number; for a character attribute the metatype writes the character, compared by its code. */
    private static BigDecimal bound(String text, AttributeType type) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (type.isCharacter()) {
            return BigDecimal.valueOf(text.strip().charAt(0));
        }
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A bound as a message shows it: the number ({@code 1}, not {@code 1.0}), or for a character attribute the character. */
    private static String shown(BigDecimal bound, AttributeType type) {
        if (bound == null) {
            return null;
        }
        return type.isCharacter() ? String.valueOf((char) bound.intValue()) : bound.stripTrailingZeros().toPlainString();
    }
}
