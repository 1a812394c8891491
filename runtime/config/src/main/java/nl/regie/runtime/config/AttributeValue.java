package nl.regie.runtime.config;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * Turns the text of one key of a configuration file into the value its metatype attribute declares: the type
 * (a whole number, a decimal number, true/false, a character, text: {@link AttributeType}), the cardinality (one
 * value; an array for a positive cardinality; a list for a negative one, each written comma-separated with its
 * elements trimmed, and empty for no elements), the range ({@code min}/{@code max}: a number's value, a text's
 * length, a character's code: {@link Bounds}) and the options.
 *
 * <p>Every check is made here, with a message a person can act on, and then once more by the attribute's own
 * {@link AttributeDefinition#validate(String)} ({@link MetatypeVerdict}), so that whatever the MetaType Service
 * refuses is refused too. The API's {@code AttributeDefinition} does not tell its {@code min}/{@code max}, so they
 * come from the metatype document as a {@link Range} (see {@link MetatypeRanges}); where they are unknown (a plugin
 * that offers its metatype as a service) the range is left to {@code validate}, whose verdict is then reported
 * without the bound.
 */
final class AttributeValue {

    private final AttributeDefinition definition;
    private final AttributeType type;
    private final Bounds bounds;
    private final MetatypeVerdict verdict;

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
        this.bounds = new Bounds(range == null ? Range.NONE : range, type);
        this.verdict = new MetatypeVerdict(definition, bounds, this::expected);
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
        String what = options != null && options.length > 0 ? "one of " + String.join(", ", options)
                : type.described(bounds.described());
        return definition.getCardinality() == 0 ? what : "comma-separated values, each " + what;
    }

    /**
     * Why one value (or one element of a list) is refused, or null: the checks in order, type, range, options, and
     * last the MetaType Service's own.
     */
    private String problem(String text, boolean element) {
        String problem = type.problem(text, this::expected);
        if (problem == null) {
            problem = bounds.problem(type.measure(text));
        }
        if (problem != null) {
            return problem;
        }
        String canonical = type.canonical(text);
        String notAnOption = optionProblem(canonical);
        return notAnOption != null ? notAnOption : verdict.problem(canonical, element);
    }

    private String optionProblem(String canonical) {
        String[] options = definition.getOptionValues();
        if (options != null && options.length > 0 && !List.of(options).contains(canonical)) {
            return "is not one of the options " + String.join(", ", options);
        }
        return null;
    }
}
