package nl.regie.runtime.config;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * Turns the text of one key of a configuration file into the value its metatype attribute declares: the type
 * (a whole number, a decimal number, true/false, a character, text: {@link AttributeType}), the cardinality (one value; an array for a
 * positive cardinality; a list for a negative one, each written comma-separated with its elements trimmed, and
 * empty for no elements), the range ({@code min}/{@code max}: a number's value, a text's length, a character's
 * code) and the options.
 *
 * <p>Every check is made here, with a message a person can act on, and then once more by the attribute's own
 * {@link AttributeDefinition#validate(String)}, so that whatever the MetaType Service refuses is refused too. The
 * API's {@code AttributeDefinition} does not tell its {@code min}/{@code max}, so they come from the metatype
 * document as a {@link Range} (see {@link MetatypeRanges}); where they are unknown (a plugin that offers its
 * metatype as a service) the range is left to {@code validate}, whose verdict is then reported without the bound.
 */
final class AttributeValue {

    private final AttributeDefinition definition;
    private final AttributeType type;
    private final Range range;

    /**
     * The {@code min} and {@code max} of an attribute as its metatype document writes them, each null when not set.
     */
    record Range(String min, String max) {

        /** No bounds known. */
        static final Range NONE = new Range(null, null);
    }

    /** A value for this attribute, with these bounds. */
    AttributeValue(AttributeDefinition definition, Range range) {
        this.definition = definition;
        this.type = new AttributeType(definition.getType());
        this.range = range == null ? Range.NONE : range;
    }

    /** The typed value, or why the text is refused. */
    sealed interface Result permits Valid, Invalid {
    }

    /** A typed value ConfigAdmin accepts: a String, a boxed primitive, an array of them or a List of them. */
    record Valid(Object value) implements Result {
    }

    /** The problem, phrased to follow {@code key = value}: "is above the maximum 1". */
    record Invalid(String problem) implements Result {
    }

    /** Converts and checks {@code text}, already stripped of surrounding white space. */
    Result convert(String text) {
        int cardinality = definition.getCardinality();
        if (cardinality == 0) {
            String problem = problem(text, false);
            return problem != null ? new Invalid(problem) : new Valid(type.typed(text));
        }
        List<String> elements = text.isEmpty() ? List.of() : Arrays.stream(text.split(",", -1)).map(String::strip).toList();
        int most = cardinality == Integer.MIN_VALUE ? Integer.MAX_VALUE : Math.abs(cardinality);
        if (elements.size() > most) {
            return new Invalid("has " + elements.size() + " values; at most " + most + " are allowed");
        }
        List<Object> values = new ArrayList<>();
        for (String element : elements) {
            String problem = problem(element, true);
            if (problem != null) {
                return new Invalid(elements.size() == 1 ? problem : ": '" + element + "' " + problem);
            }
            values.add(type.typed(element));
        }
        if (cardinality < 0) {
            return new Valid(values);
        }
        Object array = Array.newInstance(type.elementClass(), values.size());
        for (int i = 0; i < values.size(); i++) {
            Array.set(array, i, values.get(i));
        }
        return new Valid(array);
    }

    /** What a value of this attribute must be: "a decimal number from 0 to 1". */
    String expected() {
        String[] options = definition.getOptionValues();
        String what;
        if (options != null && options.length > 0) {
            what = "one of " + String.join(", ", options);
        } else {
            what = type.described(describe(shownMin(), shownMax()));
        }
        return definition.getCardinality() == 0 ? what : "comma-separated values, each " + what;
    }

    /** Why one value (or one element of a list) is refused, or null. */
    private String problem(String text, boolean element) {
        String problem = ownProblem(text);
        return problem != null ? problem : metatypeProblem(text, element);
    }

    private String ownProblem(String text) {
        String problem = type.problem(text, this::expected);
        if (problem != null) {
            return problem;
        }
        String rangeProblem = rangeProblem(type.measure(text));
        if (rangeProblem != null) {
            return rangeProblem;
        }
        String[] options = definition.getOptionValues();
        if (options != null && options.length > 0 && !List.of(options).contains(type.canonical(text))) {
            return "is not one of the options " + String.join(", ", options);
        }
        return null;
    }

    private String rangeProblem(BigDecimal number) {
        boolean length = type.isText();
        BigDecimal min = bound(range.min());
        BigDecimal max = bound(range.max());
        if (min != null && number.compareTo(min) < 0) {
            return length ? "is shorter than the minimum length " + shownMin() : "is below the minimum " + shownMin();
        }
        if (max != null && number.compareTo(max) > 0) {
            return length ? "is longer than the maximum length " + shownMax() : "is above the maximum " + shownMax();
        }
        return null;
    }

    /**
     * What {@link AttributeDefinition#validate(String)} says, as a problem, or null when it accepts the value or
     * does not validate. An element of a list is escaped the way the MetaType Service splits lists.
     */
    private String metatypeProblem(String text, boolean element) {
        String canonical = type.canonical(text);
        String input = element ? canonical.replace("\\", "\\\\").replace(",", "\\,") : canonical;
        String verdict;
        try {
            verdict = definition.validate(input);
        } catch (RuntimeException e) {
            return null; // a broken validator is no reason to refuse a value every check here accepted
        }
        if (verdict == null || verdict.isEmpty()) {
            return null;
        }
        // Felix's verdicts (AD.VALIDATE_*), localised or with their '%' key marker.
        String said = verdict.replaceFirst("^%", "").toLowerCase(Locale.ROOT);
        String min = shownMin() == null ? "" : " " + shownMin();
        String max = shownMax() == null ? "" : " " + shownMax();
        if (said.contains("greater than maximum")) {
            return (type.isText() ? "is longer than the maximum length" : "is above the maximum") + max;
        }
        if (said.contains("less than minimum")) {
            return (type.isText() ? "is shorter than the minimum length" : "is below the minimum") + min;
        }
        if (said.contains("not a valid option")) {
            return "is not one of the options " + String.join(", ", definition.getOptionValues());
        }
        return "is refused by the plugin's metatype (" + verdict.replaceFirst("^%", "") + "; expected " + expected() + ")";
    }

    /**
     * A bound as a message shows it: the number ({@code 1}, not {@code 1.0}), or for a character attribute the
     * character; null when not set. A bound that is not a number is ignored, as the MetaType Service ignores it.
     */
    private String shownMin() {
        return shown(range.min());
    }

    private String shownMax() {
        return shown(range.max());
    }

    private String shown(String bound) {
        BigDecimal number = bound(bound);
        if (number == null) {
            return null;
        }
        return type.isCharacter()
                ? String.valueOf((char) number.intValue())
                : number.stripTrailingZeros().toPlainString();
    }

    /** The bound as a number; for a character attribute the metatype writes the character, compared by its code. */
    private BigDecimal bound(String text) {
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

    private static String describe(String min, String max) {
        if (min != null && max != null) {
            return " from " + min + " to " + max;
        }
        if (min != null) {
            return " of at least " + min;
        }
        return max != null ? " of at most " + max : "";
    }
}
