package nl.regie.runtime.devices.senml;

import java.io.IOException;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads one JSON object of a pack into a {@link RawRecord}, checking the shape of each field: no duplicate labels,
 * each known label with its JSON type, finite numbers, and no must-understand label this parser does not know.
 */
final class RecordReader {

    private RecordReader() {
    }

    /**
     * Reads the object the parser is positioned at (its {@code START_OBJECT}) up to and including its end.
     *
     * @throws IOException    if the JSON itself is malformed
     * @throws SenmlException if a field breaks a SenML rule
     */
    static RawRecord read(JsonParser json, int index) throws IOException, SenmlException {
        RawRecord record = new RawRecord(index);
        // The labels seen: SenML's as bits by field, others (rare) in a set made when the first one comes.
        long fields = 0;
        Set<String> others = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String label = json.currentName();
            Field field = Field.byLabel(label);
            boolean first;
            if (field != null) {
                first = (fields & (1L << field.ordinal())) == 0;
                fields |= 1L << field.ordinal();
            } else {
                if (others == null) {
                    others = new HashSet<>();
                }
                first = others.add(label);
            }
            if (!first) {
                throw SenmlException.inRecord(index, "duplicate field " + SenmlException.quote(label));
            }
            JsonToken token = json.nextToken();
            if (field != null) {
                record.put(field, value(json, token, field, index));
            } else if (label.endsWith("_")) {
                // RFC 8428 §4.4: a label ending in '_' must be understood, so a pack carrying one we do not know
                // cannot be processed correctly at all.
                throw SenmlException.inRecord(index,
                        "must-understand field " + SenmlException.quote(label) + " is not supported");
            } else {
                json.skipChildren();
            }
        }
        return record;
    }

    private static Object value(JsonParser json, JsonToken token, Field field, int index)
            throws IOException, SenmlException {
        return switch (field.type()) {
            case STRING -> {
                require(token == JsonToken.VALUE_STRING, field, token, index);
                yield paired(json.getText(), field, index);
            }
            case BOOLEAN -> {
                require(token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE, field, token, index);
                yield token == JsonToken.VALUE_TRUE;
            }
            case NUMBER -> number(json, token, field, index);
            case VERSION -> version(json, token, index);
        };
    }

    /**
     * The text, if every surrogate in it is paired. JSON's {@code \\ud800} escape can name half a character, which
     * Jackson passes on as it is; such a string is no Unicode text (RFC 8259 §8.2) and has no UTF-8 form, so the
     * bus, the state folder and every client would each see something else.
     */
    private static String paired(String text, Field field, int index) throws SenmlException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw SenmlException.inRecord(index, field.quoted()
                        + String.format(" has an unpaired surrogate \\u%04x at character %d", (int) c, i)
                        + "; SenML strings are Unicode text (RFC 8428 §4.3, RFC 8259 §8.2)");
            }
        }
        return text;
    }

    private static Double number(JsonParser json, JsonToken token, Field field, int index)
            throws IOException, SenmlException {
        require(token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT, field, token, index);
        double number = json.getDoubleValue();
        // Jackson turns a literal beyond the double range (1e400, or an integer of 400 digits) into an infinity
        // rather than failing; the literal itself was finite, so this is the only place overflow shows.
        if (!Double.isFinite(number)) {
            throw SenmlException.inRecord(index, field.quoted() + " " + SenmlException.quote(json.getText())
                    + " overflows a double");
        }
        return number;
    }

    private static BigInteger version(JsonParser json, JsonToken token, int index)
            throws IOException, SenmlException {
        require(token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT,
                Field.BASE_VERSION, token, index);
        BigInteger version = token == JsonToken.VALUE_NUMBER_INT ? json.getBigIntegerValue() : BigInteger.ZERO;
        if (version.signum() <= 0) {
            throw SenmlException.inRecord(index, Field.BASE_VERSION.quoted() + " must be "
                    + Field.Type.VERSION.description() + ", found " + SenmlException.quote(json.getText()));
        }
        return version;
    }

    private static void require(boolean rightType, Field field, JsonToken found, int index) throws SenmlException {
        if (!rightType) {
            throw SenmlException.inRecord(index, field.quoted() + " must be " + field.type().description()
                    + ", found " + describe(found));
        }
    }

    /** The JSON type of a value token, as a message names it. */
    static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> String.valueOf(token);
        };
    }
}
