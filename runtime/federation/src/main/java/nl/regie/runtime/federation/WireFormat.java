package nl.regie.runtime.federation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
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

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final Pattern READING_ID_FORM = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
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

    /** The payload of a reading. */
    byte[] payload(Reading reading, long exportedAt) {
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
        if (!NAME.matcher(publisher).matches() || !NAME.matcher(levels[4]).matches()) {
            throw new WireException(publisher, "topic " + topic + ": site and audience must be site names");
        }
        String originSite = property(publisher, properties, ORIGIN_SITE);
        String originParty = property(publisher, properties, ORIGIN_PARTY);
        String id = property(publisher, properties, READING_ID);
        if (!NAME.matcher(originSite).matches() || !NAME.matcher(originParty).matches()) {
            throw new WireException(publisher, "user properties " + ORIGIN_SITE + "=" + originSite + " and "
                    + ORIGIN_PARTY + "=" + originParty + " must be names (a lower-case letter, then lower-case letters,"
                    + " digits, '_' or '-')");
        }
        if (!READING_ID_FORM.matcher(id).matches()) {
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
        JsonNode root;
        try {
            root = json.readTree(new String(payload, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new WireException(publisher, "payload is not JSON: " + e.getOriginalMessage());
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
            Instant observedAt = Instant.parse(text(publisher, root, "observedAt"));
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
