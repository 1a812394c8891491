package nl.regie.runtime.devices.senml;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The SenML JSON labels this parser understands (RFC 8428 §4.1, §4.2), each with the JSON type it requires. */
enum Field {
    BASE_NAME("bn", Type.STRING),
    BASE_TIME("bt", Type.NUMBER),
    BASE_UNIT("bu", Type.STRING),
    BASE_VALUE("bv", Type.NUMBER),
    BASE_SUM("bs", Type.NUMBER),
    BASE_VERSION("bver", Type.VERSION),
    NAME("n", Type.STRING),
    UNIT("u", Type.STRING),
    VALUE("v", Type.NUMBER),
    STRING_VALUE("vs", Type.STRING),
    BOOLEAN_VALUE("vb", Type.BOOLEAN),
    DATA_VALUE("vd", Type.STRING),
    SUM("s", Type.NUMBER),
    TIME("t", Type.NUMBER),
    UPDATE_TIME("ut", Type.NUMBER);

    /** The JSON type a field's value must have. */
    enum Type {
        STRING("a string"),
        NUMBER("a number"),
        BOOLEAN("a boolean"),
        VERSION("a positive integer");

        private final String description;

        Type(String description) {
            this.description = description;
        }

        /** How the type reads in a message, for example "a number". */
        String description() {
            return description;
        }
    }

    private static final Map<String, Field> BY_LABEL = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Field::label, Function.identity()));

    private final String label;
    private final Type type;

    Field(String label, Type type) {
        this.label = label;
        this.type = type;
    }

    /** The field with this JSON label, or {@code null} if the label is not one of SenML's. */
    static Field byLabel(String label) {
        return BY_LABEL.get(label);
    }

    /** The JSON label, for example {@code bn}. */
    String label() {
        return label;
    }

    /** The label in quotes, as messages name it. */
    String quoted() {
        return "'" + label + "'";
    }

    Type type() {
        return type;
    }
}
