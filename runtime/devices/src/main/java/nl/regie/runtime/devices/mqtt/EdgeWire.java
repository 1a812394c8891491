package nl.regie.runtime.devices.mqtt;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The edge hop of the wire (version 1): what an edge runtime sends its site's core for each SenML pack it accepted.
 * <pre>
 * topic    regie/v1/{site}/edge/{d}
 * payload  {"v": 1, "pack": "{d}-{digest}", "readings": [
 *             {"entity": "urn:ngsi-ld:WasteContainer:bin-1", "attribute": "fillingLevel", "value": 0.42,
 *              "unit": "/", "observedAt": "2026-12-07T09:00:00Z", "receivedAt": "2026-12-07T09:00:00.012Z"}, ...]}
 * </pre>
 * QoS 1. {@code pack} names the device's message, not the edge's copy of it: the device id and the first 128 bits of
 * the SHA-256 of the pack's bytes, so that a pack the broker delivers again (to the same edge after a restart, or to
 * another one) carries the same id and the core drops the second copy. Each reading's source is the device of the
 * topic. Any other field, a missing one or a malformed value is refused whole.
 */
final class EdgeWire {

    /** The version in every payload. */
    static final int VERSION = 1;
    /** The largest payload the core reads. */
    static final int MAX_BYTES = 512 * 1024;

    /** The fields, in the order a missing one is named (a fixed order: {@code Set.of} iterates differently per JVM). */
    private static final List<String> PACK_FIELDS = List.of("v", "pack", "readings");
    private static final List<String> READING_FIELDS = List.of("entity", "attribute", "value", "unit", "observedAt",
            "receivedAt");
    private static final Pattern PACK_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}-[0-9a-f]{32}");

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final String prefix;

    /** The edge topics of a site (checked as {@link Topics} checks it). */
    EdgeWire(String site) {
        this.prefix = "regie/v1/" + new Topics(site).site() + "/edge/";
    }

    /** The filter the core subscribes to. */
    String filter() {
        return prefix + "+";
    }

    /** The topic an edge forwards a device's packs on. */
    String topic(String device) {
        return prefix + device;
    }

    /**
     * A forwarded pack.
     *
     * @param device   the device that sent it (from the topic)
     * @param pack     the pack's id
     * @param readings its readings, in the pack's order, sourced by the device, without location
     */
    record Forwarded(String device, String pack, List<Reading> readings) {
    }

    /** The payload for the readings of one pack. */
    byte[] encode(String pack, Reading[] readings) {
        List<Map<String, Object>> list = new ArrayList<>(readings.length);
        for (Reading r : readings) {
            list.add(Map.of("entity", r.entity().toString(), "attribute", r.attribute(), "value", r.value().asObject(),
                    "unit", r.unit(), "observedAt", r.observedAt().toString(), "receivedAt",
                    r.receivedAt().toString()));
        }
        try {
            return mapper.writeValueAsBytes(Map.of("v", VERSION, "pack", pack, "readings", list));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an edge payload", e);
        }
    }

    /**
     * Reads a forwarded pack.
     *
     * @throws IllegalArgumentException naming what is wrong: the topic, the size, a field
     */
    Forwarded decode(String topic, byte[] payload) {
        if (!topic.startsWith(prefix) || topic.indexOf('/', prefix.length()) >= 0) {
            throw new IllegalArgumentException("topic '" + topic + "' is not " + prefix + "{deviceId}");
        }
        String device = topic.substring(prefix.length());
        if (!Topics.isDeviceId(device)) {
            throw new IllegalArgumentException("topic '" + topic + "': " + Topics.deviceIdRule(device));
        }
        if (payload.length > MAX_BYTES) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes is larger than " + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the payload must be a JSON object");
        }
        onlyFields(root, PACK_FIELDS, "the payload");
        if (!root.path("v").isInt() || root.path("v").asInt() != VERSION) {
            throw new IllegalArgumentException("'v' must be " + VERSION + ", was " + root.path("v"));
        }
        String pack = root.path("pack").asText("");
        if (!root.path("pack").isTextual() || !PACK_ID.matcher(pack).matches() || !pack.startsWith(device + "-")) {
            throw new IllegalArgumentException("'pack' must be '" + device + "-' and 32 hex digits, was "
                    + root.path("pack"));
        }
        JsonNode array = root.path("readings");
        if (!array.isArray() || array.isEmpty()) {
            throw new IllegalArgumentException("'readings' must be a non-empty array");
        }
        List<Reading> readings = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            try {
                readings.add(reading(array.get(i), device));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("reading " + i + ": " + e.getMessage(), e);
            }
        }
        return new Forwarded(device, pack, List.copyOf(readings));
    }

    private static Reading reading(JsonNode node, String device) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("must be a JSON object");
        }
        onlyFields(node, READING_FIELDS, "it");
        JsonNode value = node.path("value");
        Value v;
        if (value.isNumber()) {
            v = new Value.Number(value.doubleValue());
        } else if (value.isBoolean()) {
            v = new Value.Bool(value.booleanValue());
        } else if (value.isTextual()) {
            v = new Value.Text(value.textValue());
        } else {
            throw new IllegalArgumentException("'value' must be a number, boolean or text, was " + value);
        }
        return new Reading(EntityId.parse(text(node, "entity")), text(node, "attribute"), v, text(node, "unit"),
                instant(node, "observedAt"), instant(node, "receivedAt"), device, null);
    }

    private static void onlyFields(JsonNode node, List<String> allowed, String what) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(what + " has a field '" + name + "' outside edge wire v1 "
                        + allowed);
            }
        }
        for (String name : allowed) {
            if (!node.has(name)) {
                throw new IllegalArgumentException(what + " has no '" + name + "'");
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' must be text, was " + value);
        }
        return value.textValue();
    }

    private static Instant instant(JsonNode node, String field) {
        String text = text(node, field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + field + "' must be an ISO-8601 instant, was '" + text + "'");
        }
    }
}
