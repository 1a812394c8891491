package nl.regie.runtime.devices.senml;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The known fields of one record as they were written, before base fields are applied. Each value already has
 * the JSON type its {@link Field} requires: a {@code String}, a finite {@code Double}, a {@code Boolean}, or for
 * {@code bver} a positive {@code BigInteger}.
 */
final class RawRecord {

    /** The value fields, in the order messages name them. */
    private static final List<Field> VALUE_FIELDS =
            List.of(Field.VALUE, Field.STRING_VALUE, Field.BOOLEAN_VALUE, Field.DATA_VALUE);

    private final int index;
    private final Map<Field, Object> fields = new EnumMap<>(Field.class);

    RawRecord(int index) {
        this.index = index;
    }

    /** The 0-based position of the record in its pack. */
    int index() {
        return index;
    }

    void put(Field field, Object value) {
        fields.put(field, value);
    }

    boolean has(Field field) {
        return fields.containsKey(field);
    }

    /** The string field, or {@code null} if absent. */
    String text(Field field) {
        return (String) fields.get(field);
    }

    /** The number field, or {@code null} if absent. */
    Double number(Field field) {
        return (Double) fields.get(field);
    }

    /** The boolean field, or {@code null} if absent. */
    Boolean bool(Field field) {
        return (Boolean) fields.get(field);
    }

    /** The base version, or {@code null} if absent. */
    BigInteger version() {
        return (BigInteger) fields.get(Field.BASE_VERSION);
    }

    /** Which of {@code v}, {@code vs}, {@code vb} and {@code vd} the record carries. */
    List<Field> valueFields() {
        // Nearly always exactly one, asked for every record: no stream.
        Field only = null;
        List<Field> several = null;
        for (Field field : VALUE_FIELDS) {
            if (!fields.containsKey(field)) {
                continue;
            }
            if (only == null) {
                only = field;
            } else {
                if (several == null) {
                    several = new ArrayList<>(VALUE_FIELDS.size());
                    several.add(only);
                }
                several.add(field);
            }
        }
        return several != null ? List.copyOf(several) : only != null ? List.of(only) : List.of();
    }
}
