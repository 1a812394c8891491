package nl.regie.runtime.web.http;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;

/**
 * What one {@code GET /api/stream} client wants: entity types ({@code type=}, repeatable or a comma list; empty
 * means every type) and at most one area ({@code near=lon,lat,metres} or {@code bbox=w,s,e,n}, parsed and checked
 * by {@link EntityQuery}, so a bad value gets the same message as on {@code /api/entities}).
 *
 * @param types  the entity types, empty for all
 * @param near   the centre of a radius, or null
 * @param metres the radius
 * @param bbox   a bounding box, or null
 */
record StreamFilter(Set<String> types, Location near, double metres, BoundingBox bbox) {

    static final StreamFilter ALL = new StreamFilter(Set.of(), null, 0, null);
    private static final Set<String> KNOWN = Set.of("type", "near", "bbox");

    StreamFilter {
        types = Set.copyOf(types);
    }

    /** Parses the query parameters; an IllegalArgumentException names the bad one. */
    static StreamFilter parse(Map<String, String[]> parameters) {
        QueryParameters.checkKnown(parameters, KNOWN);
        Set<String> types = new LinkedHashSet<>();
        String[] typeValues = parameters.get("type");
        if (typeValues != null) {
            for (String value : typeValues) {
                for (String type : value.split(",", -1)) {
                    if (type.isBlank()) {
                        throw new IllegalArgumentException("parameter 'type' must name entity types, was '"
                                + String.join("&type=", Arrays.asList(typeValues)) + "'");
                    }
                    types.add(type.trim());
                }
            }
        }
        Map<String, String[]> area = new LinkedHashMap<>();
        for (String name : new String[] {"near", "bbox"}) {
            if (parameters.containsKey(name)) {
                area.put(name, parameters.get(name));
            }
        }
        EntityQuery query = EntityQuery.parse(area);
        return new StreamFilter(types, query.near(), query.metres(), query.bbox());
    }

    /** Whether the filter names an area, so a reading without a location needs its entity's. */
    boolean hasArea() {
        return near != null || bbox != null;
    }

    /**
     * Whether the reading passes. {@code location} is where its entity is (the reading's own, else the last known
     * one); asked only when the type matched and an area is given.
     */
    boolean matches(Reading reading, Function<EntityId, Location> location) {
        if (!types.isEmpty() && !types.contains(reading.entityType())) {
            return false;
        }
        return !hasArea() || covers(location.apply(reading.entity()));
    }

    /** Whether a place is in the area: always without an area; never for an unknown place (null) with one. */
    boolean covers(Location at) {
        if (!hasArea()) {
            return true;
        }
        if (at == null) {
            return false;
        }
        return near != null ? at.distanceMetres(near) <= metres : bbox.contains(at);
    }
}
