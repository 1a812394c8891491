package nl.regie.runtime.devices.senml;

import java.util.Arrays;

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

    /** The longest label. */
    private static final int MAX_LABEL = 4;
    /**
     * The fields by the length and the first character of their labels. Labels arrive as new strings for every record
     * (the parser does not intern what devices send), so a look-up that hashes them cost more than a twentieth of the
     * bridge's time per pack; this one compares a string or two of up to four characters.
     */
    private static final Field[][][] BY_LENGTH_AND_FIRST = new Field[MAX_LABEL + 1][128][];

    static {
        for (Field field : values()) {
            Field[][] byFirst = BY_LENGTH_AND_FIRST[field.label.length()];
            Field[] same = byFirst[field.label.charAt(0)];
            Field[] more = same == null ? new Field[1] : Arrays.copyOf(same, same.length + 1);
            more[more.length - 1] = field;
            byFirst[field.label.charAt(0)] = more;
        }
    }

    private final String label;
    private final Type type;

    Field(String label, Type type) {
        this.label = label;
        this.type = type;
    }

    /** The field with this JSON label, or {@code null} if the label is not one of SenML's. */
    static Field byLabel(String label) {
        int length = label.length();
        if (length == 0 || length > MAX_LABEL || label.charAt(0) >= 128) {
            return null;
        }
        Field[] candidates = BY_LENGTH_AND_FIRST[length][label.charAt(0)];
        if (candidates != null) {
            for (Field field : candidates) {
                if (field.label.equals(label)) {
                    return field;
                }
            }
        }
        return null;
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
