package nl.regie.runtime.config;

import java.util.Locale;
import java.util.function.Supplier;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * The MetaType Service's own verdict on a value ({@link AttributeDefinition#validate(String)}), asked after every
 * other check accepted it so that whatever the service refuses is refused too, and put in the words of those checks:
 * Felix's "greater than maximum" becomes "is above the maximum 1" when the bound is known.
 */
final class MetatypeVerdict {

    private final AttributeDefinition definition;
    private final Bounds bounds;
    private final Supplier<String> expected;

    /**
     * The verdicts of this attribute's definition.
     *
     * @param expected what a value must be, in words, for a verdict that is not translated
     */
    MetatypeVerdict(AttributeDefinition definition, Bounds bounds, Supplier<String> expected) {
        this.definition = definition;
        this.bounds = bounds;
        this.expected = expected;
    }

    /**
     * What {@code validate} says of a value, as a problem, or null when it accepts the value or does not validate.
     * An element of a list is escaped the way the MetaType Service splits lists.
     *
     * @param canonical the value as the MetaType Service parses it ({@link AttributeType#canonical})
     * @param element   whether it is one element of an array or list
     */
    String problem(String canonical, boolean element) {
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
        if (said.contains("greater than maximum")) {
            return bounds.aboveMaximum();
        }
        if (said.contains("less than minimum")) {
            return bounds.belowMinimum();
        }
        String[] options = definition.getOptionValues();
        if (said.contains("not a valid option") && options != null && options.length > 0) {
            return "is not one of the options " + String.join(", ", options);
        }
        return "is refused by the plugin's metatype (" + verdict.replaceFirst("^%", "") + "; expected " + expected.get() + ")";
    }
}
