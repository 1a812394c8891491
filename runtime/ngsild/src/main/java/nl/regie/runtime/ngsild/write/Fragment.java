package nl.regie.runtime.ngsild.write;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import nl.regie.api.model.Location;
import nl.regie.api.model.Value;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.model.Representation;
import nl.regie.runtime.ngsild.model.UnitCodes;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The attributes of an entity or fragment a caller sends (normalized or concise, clause 4.5), read into what Regie
 * holds: per attribute a value (number, boolean or text), a unit ({@code unitCode}) and an {@code observedAt}, and
 * the location (a GeoProperty {@code location} with a Point). What Regie cannot hold is refused, never dropped:
 * relationships, JSON and list values, other geometries, datasets, other sub-attributes.
 *
 * @param attributes the attributes by Regie name, in the order given
 * @param location   the location, or null when none was given
 */
public record Fragment(Map<String, Attribute> attributes, Location location) {

    /** One attribute: its value, Regie unit ("" for none) and observedAt (null: when it is published). */
    public record Attribute(Value value, String unit, Instant observedAt) {
    }

    /** Members of an entity that are not attributes. */
    private static final Set<String> ENTITY_MEMBERS = Set.of("id", "type", "@context", "createdAt", "modifiedAt");
    private static final Set<String> ATTRIBUTE_MEMBERS = Set.of("type", "value", "unitCode", "observedAt",
            "createdAt", "modifiedAt");

    /**
     * Reads the attributes of an entity or a fragment (the members other than id, type and {@code @context}).
     *
     * @throws NgsiLdException BadRequestData for a malformed attribute, OperationNotSupported for one Regie cannot hold
     */
    public static Fragment read(JsonNode body, LdContext context) {
        if (!body.isObject()) {
            throw NgsiLdException.badData("an entity or fragment must be a JSON object, was " + body.getNodeType());
        }
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        Location location = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> member = it.next();
            String name = member.getKey();
            if (ENTITY_MEMBERS.contains(name)) {
                continue;
            }
            if (name.equals("scope")) {
                throw new NgsiLdException(ProblemType.OPERATION_NOT_SUPPORTED, "Regie does not support scopes");
            }
            String own = context.regieName(name);
            if (own.equals(Representation.LOCATION)) {
                location = location(member.getValue());
            } else {
                attributes.put(own, attribute(name, member.getValue()));
            }
        }
        return new Fragment(attributes, location);
    }

    /** Reads one attribute as a fragment of its own ({@code PATCH .../attrs/{attr}}), or its location. */
    public static Attribute attribute(String name, JsonNode json) {
        if (json.isNull()) {
            throw NgsiLdException.badData("attribute '" + name + "' is null; delete an attribute with DELETE");
        }
        if (!json.isObject()) {
            return new Attribute(value(name, json), "", null); // concise: the value alone
        }
        String type = json.path("type").asText("Property");
        switch (type) {
            case "Property" -> {
                // the one kind Regie holds
            }
            case "Relationship", "GeoProperty", "LanguageProperty", "JsonProperty", "ListProperty",
                    "ListRelationship", "VocabularyProperty", "VocabProperty" -> throw new NgsiLdException(
                            ProblemType.OPERATION_NOT_SUPPORTED, "attribute '" + name + "' is a " + type
                                    + "; Regie holds Properties with a number, boolean or text value, and one"
                                    + " GeoProperty, location");
            default -> throw NgsiLdException.badData("attribute '" + name + "' has an unknown type '" + type + "'");
        }
        for (Iterator<String> members = json.fieldNames(); members.hasNext();) {
            String member = members.next();
            if (!ATTRIBUTE_MEMBERS.contains(member)) {
                throw new NgsiLdException(ProblemType.OPERATION_NOT_SUPPORTED, "attribute '" + name + "' has '" + member
                        + "'; Regie keeps a value, its unitCode and observedAt, nothing else");
            }
        }
        if (!json.has("value")) {
            throw NgsiLdException.badData("attribute '" + name + "' has no value");
        }
        String unit = json.has("unitCode") ? UnitCodes.unitOf(text(name, "unitCode", json.get("unitCode"))) : "";
        Instant observedAt = json.has("observedAt") ? instant(name, json.get("observedAt")) : null;
        return new Attribute(value(name, json.get("value")), unit, observedAt);
    }

    private static Value value(String name, JsonNode value) {
        if (value.isNumber()) {
            double number = value.asDouble();
            if (!Double.isFinite(number)) {
                throw NgsiLdException.badData("attribute '" + name + "': the number is out of range");
            }
            return Value.of(number);
        }
        if (value.isBoolean()) {
            return Value.of(value.asBoolean());
        }
        if (value.isTextual()) {
            return Value.of(value.asText());
        }
        if (value.isNull()) {
            throw NgsiLdException.badData("attribute '" + name + "' has a null value");
        }
        throw new NgsiLdException(ProblemType.OPERATION_NOT_SUPPORTED, "attribute '" + name + "' has a "
                + value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " value; Regie holds numbers,"
                + " booleans and text");
    }

    private static String text(String name, String member, JsonNode json) {
        if (!json.isTextual()) {
            throw NgsiLdException.badData("attribute '" + name + "': " + member + " must be a string");
        }
        return json.asText();
    }

    private static Instant instant(String name, JsonNode json) {
        try {
            return Instant.parse(text(name, "observedAt", json));
        } catch (DateTimeParseException e) {
            throw NgsiLdException.badData("attribute '" + name + "': observedAt must be a UTC dateTime such as"
                    + " 2026-03-01T10:00:00Z, was '" + json.asText() + "'");
        }
    }

    /** The location: a GeoProperty with a GeoJSON Point (normalized), or the Point alone (concise). */
    static Location location(JsonNode json) {
        JsonNode geometry = json;
        if (json.path("type").asText().equals("GeoProperty")) {
            geometry = json.path("value");
        } else if (json.has("value") && !json.has("coordinates")) {
            geometry = json.path("value");
        }
        if (!geometry.isObject() || !geometry.path("type").isTextual()) {
            throw NgsiLdException.badData("location must be a GeoProperty whose value is a GeoJSON geometry");
        }
        String type = geometry.path("type").asText();
        if (!type.equals("Point")) {
            throw new NgsiLdException(ProblemType.OPERATION_NOT_SUPPORTED, "location is a " + type
                    + "; Regie's entities are located by a Point");
        }
        JsonNode c = geometry.path("coordinates");
        if (!c.isArray() || c.size() < 2 || c.size() > 3 || !c.get(0).isNumber() || !c.get(1).isNumber()) {
            throw NgsiLdException.badData("location: a Point's coordinates must be [lon, lat]");
        }
        try {
            return Location.of(c.get(0).asDouble(), c.get(1).asDouble());
        } catch (IllegalArgumentException e) {
            throw NgsiLdException.badData("location: " + e.getMessage());
        }
    }
}
