package nl.regie.runtime.web.http;

import java.util.List;
import java.util.Map;
import java.util.Set;

import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.Location;
import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;

/**
 * The query parameters of {@code GET /api/entities}, parsed and checked. Every parameter is optional;
 * {@code near} and {@code bbox} exclude each other. A bad value is refused with a message naming the
 * parameter and what was expected.
 *
 * @param type   only entities of this type, or null
 * @param near   centre of a radius search, or null
 * @param metres the radius of a radius search
 * @param bbox   a bounding box, or null
 * @param limit  the page size, 1 to {@value #MAX_LIMIT}
 * @param offset how many matches to skip
 */
record EntityQuery(String type, Location near, double metres, BoundingBox bbox, int limit, int offset) {

    static final int DEFAULT_LIMIT = QueryParameters.DEFAULT_LIMIT;
    static final int MAX_LIMIT = QueryParameters.MAX_LIMIT;
    private static final Set<String> KNOWN = Set.of("type", "near", "bbox", "limit", "offset");

    static EntityQuery parse(Map<String, String[]> parameters) {
        QueryParameters.checkKnown(parameters, KNOWN);
        String type = QueryParameters.single(parameters, "type");
        String near = QueryParameters.single(parameters, "near");
        String bbox = QueryParameters.single(parameters, "bbox");
        if (near != null && bbox != null) {
            throw new IllegalArgumentException("give either 'near' or 'bbox', not both");
        }
        Location centre = null;
        double metres = 0;
        if (near != null) {
            double[] n = numbers("near", near, 3, "lon,lat,metres");
            centre = location("near", n[0], n[1]);
            metres = n[2];
            if (metres < 0) {
                throw new IllegalArgumentException("parameter 'near': the radius must not be negative, was " + metres);
            }
        }
        BoundingBox box = null;
        if (bbox != null) {
            double[] b = numbers("bbox", bbox, 4, "west,south,east,north");
            try {
                box = new BoundingBox(b[0], b[1], b[2], b[3]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter 'bbox': " + e.getMessage(), e);
            }
        }
        int limit = QueryParameters.limit(parameters);
        int offset = QueryParameters.offset(parameters);
        return new EntityQuery(type, centre, metres, box, limit, offset);
    }

    List<EntityState> run(CityState state) {
        if (near != null) {
            return state.near(near, metres, type);
        }
        if (bbox != null) {
            return state.within(bbox, type);
        }
        return type != null ? state.byType(type) : state.all();
    }

    static double[] numbers(String name, String text, int count, String form) {
        String[] parts = text.split(",", -1);
        if (parts.length != count) {
            throw new IllegalArgumentException("parameter '" + name + "' must be " + form + ", was '" + text + "'");
        }
        double[] numbers = new double[count];
        for (int i = 0; i < count; i++) {
            try {
                numbers[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("parameter '" + name + "' must be " + form + "; '" + parts[i]
                        + "' is not a number", e);
            }
            if (!Double.isFinite(numbers[i])) {
                throw new IllegalArgumentException("parameter '" + name + "' must be finite numbers, was '" + text + "'");
            }
        }
        return numbers;
    }

    private static Location location(String name, double lon, double lat) {
        try {
            return Location.of(lon, lat);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter '" + name + "': " + e.getMessage(), e);
        }
    }
}
