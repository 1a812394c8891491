package nl.regie.runtime.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import nl.regie.runtime.config.AttributeValue.Range;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * A hand-written attribute definition for the unit tests. Its {@code validate} accepts everything unless a
 * validator is given: the real MetaType Service's verdicts are tested in the framework (itests).
 */
record TestAttribute(String id, int type, int cardinality, Range range, String[] options,
        UnaryOperator<String> validator) implements AttributeDefinition {

    static TestAttribute of(String id, int type) {
        return new TestAttribute(id, type, 0, Range.NONE, null, value -> "");
    }

    TestAttribute range(String min, String max) {
        return new TestAttribute(id, type, cardinality, new Range(min, max), options, validator);
    }

    TestAttribute cardinality(int n) {
        return new TestAttribute(id, type, n, range, options, validator);
    }

    TestAttribute options(String... values) {
        return new TestAttribute(id, type, cardinality, range, values, validator);
    }

    TestAttribute validator(UnaryOperator<String> validate) {
        return new TestAttribute(id, type, cardinality, range, options, validate);
    }

    /** A schema of these attributes, with their ranges. */
    static Schema schema(TestAttribute... attributes) {
        Map<String, Range> ranges = new HashMap<>();
        for (TestAttribute a : attributes) {
            if (a.range() != Range.NONE) {
                ranges.put(a.id(), a.range());
            }
        }
        return new Schema(List.of(attributes), ranges);
    }

    /** The value as this attribute converts it. */
    AttributeValue.Result convert(String text) {
        return new AttributeValue(this, range).convert(text);
    }

    @Override
    public String getName() {
        return id;
    }

    @Override
    public String getID() {
        return id;
    }

    @Override
    public String getDescription() {
        return "";
    }

    @Override
    public int getCardinality() {
        return cardinality;
    }

    @Override
    public int getType() {
        return type;
    }

    @Override
    public String[] getOptionValues() {
        return options;
    }

    @Override
    public String[] getOptionLabels() {
        return options;
    }

    @Override
    public String validate(String value) {
        return validator.apply(value);
    }

    @Override
    public String[] getDefaultValue() {
        return null;
    }
}
