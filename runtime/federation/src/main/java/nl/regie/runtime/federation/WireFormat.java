package nl.regie.runtime.federation;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The wire, version 1 (docs/federation.md): topic {@code regie/v1/{site}/share/{audience}/{Type}/{localId}/{attribute}},
 * a JSON payload with the reading, and MQTT 5 user properties {@value #ORIGIN_SITE}, {@value #ORIGIN_PARTY},
 * {@value #HOPS} and {@value #READING_ID}. Decoding is strict: every problem is a {@link WireException} naming it.
 */
final class WireFormat {

    /** The wire version in topics and payloads. */
    static final int VERSION = 1;
    static final String ORIGIN_SITE = "regie-origin-site";
    static final String ORIGIN_PARTY = "regie-origin-party";
    static final String HOPS = "regie-hops";
    static final String READING_ID = "regie-reading-id";
    /** The largest payload accepted, in bytes. */
    static final int MAX_PAYLOAD_BYTES = 8 * 1024;

    private static final Map<String, Boolean> FIELDS = Map.of("v", true, "value", true, "unit", true,
            "observedAt", true, "source", true, "exportedAt", true, "location", false);

    private final ObjectMapper json = new ObjectMapper();
    private final JsonFactory factory = json.getFactory();

    /** The topic a reading of {@code site} for {@code audience} is published on. */
    static String topic(String site, String audience, Reading reading) {
        return "regie/v1/" + site + "/share/" + audience + "/" + reading.topic();
    }

    /** The filter that receives everything addressed to {@code site}. */
    static String inbox(String site) {
        return "regie/v1/+/share/" + site + "/#";
    }

    /**
     * The payload of a reading: written directly as bytes when its text fields are printable ASCII with nothing to
     * escape (the usual case), else by Jackson ({@link #payloadByJackson}); both give the same bytes (WireFormatTest).
     */
    byte[] payload(Reading reading, long exportedAt) {
        Value value = reading.value();
        String text = value instanceof Value.Text t ? t.value() : null;
        if ((text != null && !plain(text)) || !plain(reading.unit()) || !plain(reading.source())) {
            return payloadByJackson(reading, exportedAt);
        }
        Bytes out = new Bytes(160 + (text == null ? 0 : text.length()));
        out.ascii("{\"v\":").ascii(Integer.toString(VERSION)).ascii(",\"value\":");
        if (value instanceof Value.Number n) {
            out.ascii(Double.toString(n.value()));
        } else if (value instanceof Value.Bool b) {
            out.ascii(b.value() ? "true" : "false");
        } else {
            out.quoted(text);
        }
        out.ascii(",\"unit\":").quoted(reading.unit()).ascii(",\"observedAt\":\"");
        instantText(reading.observedAt(), out);
        out.ascii("\",\"source\":").quoted(reading.source()).ascii(",\"exportedAt\":").ascii(Long.toString(exportedAt));
        if (reading.location() != null) {
            out.ascii(",\"location\":[").ascii(Double.toString(reading.location().longitude())).ascii(",")
                    .ascii(Double.toString(reading.location().latitude())).ascii("]");
        }
        return out.ascii("}").toArray();
    }

    /** The payload of a reading written by Jackson: text with characters to escape or outside ASCII. */
    byte[] payloadByJackson(Reading reading, long exportedAt) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(192);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            Value value = reading.value();
            if (value instanceof Value.Number n) {
                g.writeNumberField("value", n.value());
            } else if (value instanceof Value.Bool b) {
                g.writeBooleanField("value", b.value());
            } else {
                g.writeStringField("value", ((Value.Text) value).value());
            }
            g.writeStringField("unit", reading.unit());
            g.writeStringField("observedAt", reading.observedAt().toString());
            g.writeStringField("source", reading.source());
            g.writeNumberField("exportedAt", exportedAt);
            if (reading.location() != null) {
                g.writeArrayFieldStart("location");
                g.writeNumber(reading.location().longitude());
                g.writeNumber(reading.location().latitude());
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a shared reading", e);
        }
        return out.toByteArray();
    }

    /** Printable ASCII without a quote or a backslash: written as it is inside a JSON string. */
    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** A day since the epoch and its {@code yyyy-MM-ddT}. */
    private record Day(long day, String text) {
    }

    /** The last day {@link #instantText} wrote: readings of one day share its text. */
    private volatile Day lastDay = new Day(Long.MIN_VALUE, "");

    /**
     * {@link Instant#toString()} into {@code out} without a formatter: years 1970 to 9999 directly (the date part of
     * the last day kept), any other instant by {@link Instant#toString()}.
     */
    void instantText(Instant at, Bytes out) {
        long seconds = at.getEpochSecond();
        if (seconds < 0 || seconds > 253_402_300_799L) {
            out.ascii(at.toString());
            return;
        }
        long day = seconds / 86_400;
        Day known = lastDay;
        if (known.day() != day) {
            known = new Day(day, java.time.LocalDate.ofEpochDay(day) + "T");
            lastDay = known;
        }
        String dayText = known.text();
        int second = (int) (seconds % 86_400);
        out.ascii(dayText).two(second / 3_600).ascii(":").two(second / 60 % 60).ascii(":").two(second % 60);
        int nanos = at.getNano();
        if (nanos != 0) {
            if (nanos % 1_000_000 == 0) {
                out.ascii(".").digits(nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                out.ascii(".").digits(nanos / 1_000, 6);
            } else {
                out.ascii(".").digits(nanos, 9);
            }
        }
        out.ascii("Z");
    }

    /** A growing byte array for ASCII text. */
    static final class Bytes {
        private byte[] bytes;
        private int size;

        Bytes(int capacity) {
            bytes = new byte[capacity];
        }

        Bytes ascii(String text) {
            int n = text.length();
            room(n);
            for (int i = 0; i < n; i++) {
                bytes[size + i] = (byte) text.charAt(i); // ASCII only: the callers check
            }
            size += n;
            return this;
        }

        Bytes quoted(String plain) {
            room(plain.length() + 2);
            bytes[size++] = '"';
            ascii(plain);
            bytes[size++] = '"';
            return this;
        }

        Bytes two(int value) {
            return digits(value, 2);
        }

        Bytes digits(int value, int count) {
            room(count);
            for (int i = count - 1; i >= 0; i--) {
                bytes[size + i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            size += count;
            return this;
        }

        private void room(int more) {
            if (size + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        byte[] toArray() {
            return java.util.Arrays.copyOf(bytes, size);
        }

        @Override
        public String toString() {
            return new String(bytes, 0, size, java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /**
     * Reads a message from the wire.
     *
     * @param topic      the MQTT topic
     * @param payload    the payload
     * @param properties the MQTT 5 user properties
     * @param receivedAt when it arrived (the reading's {@code receivedAt} here)
     * @throws WireException naming what is wrong; its {@link WireException#publisher()} is the topic's site when the
     *                       topic got that far
     */
    SharedReading read(String topic, byte[] payload, Map<String, String> properties, Instant receivedAt)
            throws WireException {
        String[] levels = topic.split("/", -1);
        String publisher = levels.length > 2 ? levels[2] : "";
        if (levels.length != 8 || !levels[0].equals("regie") || !levels[3].equals("share")) {
            throw new WireException(publisher, "topic " + topic + " is not regie/v1/{site}/share/{audience}/{Type}/{id}"
                    + "/{attribute}");
        }
        if (!levels[1].equals("v" + VERSION)) {
            throw new WireException(publisher, "topic " + topic + " is wire version " + levels[1] + "; this runtime"
                    + " reads v" + VERSION);
        }
        if (!isName(publisher) || !isName(levels[4])) {
            throw new WireException(publisher, "topic " + topic + ": site and audience must be site names");
        }
        String originSite = property(publisher, properties, ORIGIN_SITE);
        String originParty = property(publisher, properties, ORIGIN_PARTY);
        String id = property(publisher, properties, READING_ID);
        if (!isName(originSite) || !isName(originParty)) {
            throw new WireException(publisher, "user properties " + ORIGIN_SITE + "=" + originSite + " and "
                    + ORIGIN_PARTY + "=" + originParty + " must be names (a lower-case letter, then lower-case letters,"
                    + " digits, '_' or '-')");
        }
        if (!isReadingId(id)) {
            throw new WireException(publisher, "user property " + READING_ID + " '" + id + "' must be 1 to 128 letters,"
                    + " digits, '.', '_', ':' or '-'");
        }
        int hops;
        try {
            hops = Integer.parseInt(property(publisher, properties, HOPS));
        } catch (NumberFormatException e) {
            throw new WireException(publisher, "user property " + HOPS + " '" + properties.get(HOPS)
                    + "' is not a whole number");
        }
        if (hops < 1) {
            throw new WireException(publisher, "user property " + HOPS + " is " + hops + "; it starts at 1");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new WireException(publisher, "payload of " + payload.length + " bytes is over the limit of "
                    + MAX_PAYLOAD_BYTES);
        }
        Fields fields = fields(payload);
        if (fields != null) {
            try {
                Reading reading = new Reading(EntityId.of(levels[5], levels[6]), levels[7], fields.value, fields.unit,
                        instant(fields.observedAt), receivedAt, fields.source, fields.location);
                if (reading.source().contains("/")) {
                    throw new WireException(publisher, "payload source '" + reading.source() + "' must not hold '/'");
                }
                return new SharedReading(publisher, levels[4], originSite, originParty, hops, id, fields.exportedAt,
                        reading);
            } catch (DateTimeParseException e) {
                throw new WireException(publisher, "payload observedAt is not an ISO-8601 instant: "
                        + e.getParsedString());
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new WireException(publisher, "topic " + topic + " or payload: " + e.getMessage());
            }
        }
        // Anything unusual: read as a tree, which names what is wrong.
        JsonNode root;
        try {
            root = json.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new WireException(publisher, "payload is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new WireException(publisher, "payload is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new WireException(publisher, "payload must be a JSON object");
        }
        check(publisher, (ObjectNode) root);
        if (root.get("v").asInt() != VERSION || !root.get("v").isIntegralNumber()) {
            throw new WireException(publisher, "payload v is " + root.get("v") + "; this runtime reads " + VERSION);
        }
        try {
            EntityId entity = EntityId.of(levels[5], levels[6]);
            Value value = value(publisher, root.get("value"));
            Instant observedAt = instant(text(publisher, root, "observedAt"));
            Location location = location(publisher, root.get("location"));
            Reading reading = new Reading(entity, levels[7], value, text(publisher, root, "unit"), observedAt,
                    receivedAt, text(publisher, root, "source"), location);
            if (reading.source().contains("/")) {
                throw new WireException(publisher, "payload source '" + reading.source() + "' must not hold '/'");
            }
            JsonNode exported = root.get("exportedAt");
            if (!exported.isIntegralNumber()) {
                throw new WireException(publisher, "payload exportedAt must be milliseconds since the epoch");
            }
            return new SharedReading(publisher, levels[4], originSite, originParty, hops, id, exported.asLong(),
                    reading);
        } catch (DateTimeParseException e) {
            throw new WireException(publisher, "payload observedAt is not an ISO-8601 instant: " + e.getParsedString());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new WireException(publisher, "topic " + topic + " or payload: " + e.getMessage());
        }
    }

    /** A payload's fields, each of its type; made only from a payload that is a whole, usual v1 object. */
    private record Fields(Value value, String unit, String observedAt, String source, long exportedAt,
            Location location) {
    }

    private static final int V = 1;
    private static final int VALUE = 2;
    private static final int UNIT = 4;
    private static final int OBSERVED_AT = 8;
    private static final int SOURCE = 16;
    private static final int EXPORTED_AT = 32;
    private static final int LOCATION = 64;
    private static final int REQUIRED = V | VALUE | UNIT | OBSERVED_AT | SOURCE | EXPORTED_AT;

    /**
     * The payload read in one pass of Jackson's streaming parser (the tree cost most of reading a message): its fields
     * when it is a v1 object with each field once, of its type, and nothing after it; null for anything else, which
     * the caller then reads as a tree to name the problem exactly as before.
     */
    private Fields fields(byte[] payload) {
        try (JsonParser p = factory.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int seen = 0;
            Value value = null;
            String unit = null;
            String observedAt = null;
            String source = null;
            long exportedAt = 0;
            Location location = null;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    return null;
                }
                String name = p.currentName();
                JsonToken v = p.nextToken();
                int bit;
                switch (name) {
                    case "v" -> {
                        bit = V;
                        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                                || p.getIntValue() != VERSION) {
                            return null;
                        }
                    }
                    case "value" -> {
                        bit = VALUE;
                        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                            double number = p.getDoubleValue();
                            if (!Double.isFinite(number)) {
                                return null;
                            }
                            value = Value.of(number);
                        } else if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                            value = Value.of(v == JsonToken.VALUE_TRUE);
                        } else if (v == JsonToken.VALUE_STRING) {
                            value = Value.of(p.getText());
                        } else {
                            return null;
                        }
                    }
                    case "unit", "observedAt", "source" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        String text = p.getText();
                        if (name.equals("unit")) {
                            bit = UNIT;
                            unit = text;
                        } else if (name.equals("source")) {
                            bit = SOURCE;
                            source = text;
                        } else {
                            bit = OBSERVED_AT;
                            observedAt = text;
                        }
                    }
                    case "exportedAt" -> {
                        bit = EXPORTED_AT;
                        if (v != JsonToken.VALUE_NUMBER_INT
                                || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            return null;
                        }
                        exportedAt = p.getLongValue();
                    }
                    case "location" -> {
                        bit = LOCATION;
                        if (v != JsonToken.START_ARRAY || !number(p.nextToken())) {
                            return null;
                        }
                        double longitude = p.getDoubleValue();
                        if (!number(p.nextToken())) {
                            return null;
                        }
                        double latitude = p.getDoubleValue();
                        if (p.nextToken() != JsonToken.END_ARRAY) {
                            return null;
                        }
                        location = Location.of(longitude, latitude);
                    }
                    default -> {
                        return null;
                    }
                }
                if ((seen & bit) != 0) {
                    return null;
                }
                seen |= bit;
            }
            if ((seen & REQUIRED) != REQUIRED || p.nextToken() != null) {
                return null;
            }
            return new Fields(value, unit, observedAt, source, exportedAt, location);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean number(JsonToken token) {
        return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
    }

    /** A site or party name: a lower-case letter, then up to 63 lower-case letters, digits, '_' or '-'. */
    static boolean isName(String name) {
        int n = name.length();
        if (n < 1 || n > 64 || name.charAt(0) < 'a' || name.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** A reading id: 1 to 128 letters, digits, '.', '_', ':' or '-'. */
    static boolean isReadingId(String id) {
        int n = id.length();
        if (n < 1 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link Instant#parse}, with a fast path for the form this runtime writes ({@code 2026-11-28T03:00:00Z}, with 1 to
     * 9 digits of fraction or none): on the import path {@code Instant.parse} cost more than the rest of reading the
     * payload. Anything else, valid or not, goes to {@code Instant.parse}, so what is accepted and the error are its.
     */
    static Instant instant(String text) {
        int n = text.length();
        if (n < 20 || n > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(n - 1) != 'Z') {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21;
            if (text.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return Instant.parse(text);
            }
            nanos = digits(text, 20, n - 1);
            for (int i = fraction; i < 9 && nanos >= 0; i++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > lengthOfMonth(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || nanos < 0) {
            return Instant.parse(text);
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second, nanos);
    }

    private static int lengthOfMonth(int year, int month) {
        return java.time.YearMonth.of(year, month).lengthOfMonth();
    }

    /** The number the decimal digits from {@code from} to {@code to} make, or -1 if one is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void check(String publisher, ObjectNode root) throws WireException {
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.containsKey(name)) {
                throw new WireException(publisher, "payload field '" + name + "' is unknown; v1 has "
                        + String.join(", ", new java.util.TreeSet<>(FIELDS.keySet())));
            }
        }
        for (Map.Entry<String, Boolean> field : FIELDS.entrySet()) {
            if (field.getValue() && !root.has(field.getKey())) {
                throw new WireException(publisher, "payload field '" + field.getKey() + "' is missing");
            }
        }
    }

    private static String property(String publisher, Map<String, String> properties, String name)
            throws WireException {
        String value = properties.get(name);
        if (value == null) {
            throw new WireException(publisher, "user property " + name + " is missing");
        }
        return value;
    }

    private static String text(String publisher, JsonNode root, String field) throws WireException {
        JsonNode node = root.get(field);
        if (!node.isTextual()) {
            throw new WireException(publisher, "payload field '" + field + "' must be text");
        }
        return node.asText();
    }

    private static Value value(String publisher, JsonNode node) throws WireException {
        if (node.isNumber()) {
            double number = node.asDouble();
            if (!Double.isFinite(number)) {
                throw new WireException(publisher, "payload value is not a finite number");
            }
            return Value.of(number);
        } else if (node.isBoolean()) {
            return Value.of(node.asBoolean());
        } else if (node.isTextual()) {
            return Value.of(node.asText());
        }
        throw new WireException(publisher, "payload value must be a number, a boolean or text");
    }

    private static Location location(String publisher, JsonNode node) throws WireException {
        if (node == null) {
            return null;
        }
        if (!node.isArray() || node.size() != 2 || !node.get(0).isNumber() || !node.get(1).isNumber()) {
            throw new WireException(publisher, "payload location must be [longitude, latitude]");
        }
        return Location.of(node.get(0).asDouble(), node.get(1).asDouble());
    }
}
