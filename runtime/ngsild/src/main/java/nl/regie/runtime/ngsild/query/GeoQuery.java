package nl.regie.runtime.ngsild.query;

import java.util.ArrayList;
import java.util.List;

import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.Location;
import nl.regie.runtime.ngsild.problem.NgsiLdException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A geo-query (clause 4.10): {@code georel} ({@code near;maxDistance==m}, {@code near;minDistance==m}, {@code within},
 * {@code contains}, {@code intersects}, {@code disjoint}, {@code equals}, {@code overlaps}), a {@code geometry}
 * ({@code Point}, {@code LineString}, {@code Polygon}) with its {@code coordinates} ({@code [lon, lat]} positions, as
 * GeoJSON), and the {@code geoproperty} it applies to ({@code location}, the only GeoProperty Regie's entities have).
 * Regie's entities are points, so each relation is decided for a point: within and intersects a polygon (holes left
 * out) or a line (within 1 cm), equals and contains only an equal point, overlaps never.
 * Bounded: at most {@value #MAX_POSITIONS} positions.
 *
 * @param relation    the relation
 * @param distance    the metres of {@code near}, else 0
 * @param geometry    the geometry's type
 * @param rings       its positions: one list for a Point or a LineString, the rings of a Polygon
 * @param geoproperty the GeoProperty it applies to
 */
public record GeoQuery(Relation relation, double distance, Geometry geometry, List<List<Location>> rings,
        String geoproperty) {

    public static final int MAX_POSITIONS = 1_000;
    private static final double ON_LINE_METRES = 0.01;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The relations. */
    public enum Relation {
        NEAR_MAX, NEAR_MIN, WITHIN, CONTAINS, INTERSECTS, DISJOINT, EQUALS, OVERLAPS
    }

    /** The geometries. */
    public enum Geometry {
        Point, LineString, Polygon
    }

    /**
     * Parses the parameters; all of georel, geometry and coordinates are needed once one is given.
     *
     * @return null when none is given
     * @throws NgsiLdException BadRequestData for a relation, geometry or coordinates that are wrong, naming which
     */
    public static GeoQuery parse(String georel, String geometry, String coordinates, String geoproperty) {
        if (georel == null && geometry == null && coordinates == null) {
            return null;
        }
        if (georel == null || geometry == null || coordinates == null) {
            throw NgsiLdException.badData("a geo-query needs georel, geometry and coordinates together; missing "
                    + (georel == null ? "georel" : geometry == null ? "geometry" : "coordinates"));
        }
        Geometry shape;
        try {
            shape = Geometry.valueOf(geometry);
        } catch (IllegalArgumentException e) {
            throw NgsiLdException.badData("geometry must be Point, LineString or Polygon, was '" + shorten(geometry)
                    + "'");
        }
        double distance = 0;
        Relation relation;
        String[] parts = georel.split(";", -1);
        switch (parts[0]) {
            case "near" -> {
                if (parts.length != 2 || !(parts[1].startsWith("maxDistance==") || parts[1].startsWith("minDistance=="))) {
                    throw NgsiLdException.badData("georel near needs ';maxDistance==<metres>' or"
                            + " ';minDistance==<metres>', was '" + shorten(georel) + "'");
                }
                relation = parts[1].startsWith("max") ? Relation.NEAR_MAX : Relation.NEAR_MIN;
                distance = metres(parts[1].substring("maxDistance==".length()));
            }
            case "within", "contains", "intersects", "disjoint", "equals", "overlaps" -> {
                if (parts.length != 1) {
                    throw NgsiLdException.badData("georel " + parts[0] + " takes no modifier, was '" + shorten(georel)
                            + "'");
                }
                relation = Relation.valueOf(parts[0].toUpperCase(java.util.Locale.ROOT));
            }
            default -> throw NgsiLdException.badData("georel must be near, within, contains, intersects, disjoint,"
                    + " equals or overlaps, was '" + shorten(georel) + "'");
        }
        if (relation == Relation.WITHIN && shape != Geometry.Polygon) {
            throw NgsiLdException.badData("georel within needs a Polygon, not a " + shape);
        }
        List<List<Location>> rings = coordinates(shape, coordinates);
        return new GeoQuery(relation, distance, shape, rings, geoproperty == null ? "location" : geoproperty);
    }

    private static double metres(String text) {
        try {
            double metres = Double.parseDouble(text);
            if (!Double.isFinite(metres) || metres < 0) {
                throw new NumberFormatException();
            }
            return metres;
        } catch (NumberFormatException e) {
            throw NgsiLdException.badData("the distance of georel near must be a non-negative number of metres, was '"
                    + shorten(text) + "'");
        }
    }

    private static List<List<Location>> coordinates(Geometry shape, String text) {
        if (text.length() > MAX_POSITIONS * 50) {
            throw NgsiLdException.badData("coordinates may have at most " + MAX_POSITIONS + " positions");
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw NgsiLdException.badData("coordinates must be a JSON array of [lon, lat] positions: "
                    + e.getOriginalMessage());
        }
        List<List<Location>> rings = new ArrayList<>();
        int[] count = {0};
        switch (shape) {
            case Point -> rings.add(List.of(position(json, count)));
            case LineString -> {
                List<Location> line = positions(json, count);
                if (line.size() < 2) {
                    throw NgsiLdException.badData("a LineString needs at least 2 positions, has " + line.size());
                }
                rings.add(line);
            }
            case Polygon -> {
                if (!json.isArray() || json.isEmpty()) {
                    throw NgsiLdException.badData("a Polygon's coordinates must be an array of rings, each an array of"
                            + " [lon, lat] positions");
                }
                for (JsonNode ring : json) {
                    List<Location> positions = positions(ring, count);
                    if (positions.size() < 4 || !positions.get(0).equals(positions.get(positions.size() - 1))) {
                        throw NgsiLdException.badData("each ring of a Polygon needs at least 4 positions and must end"
                                + " where it begins (GeoJSON, RFC 7946 3.1.6)");
                    }
                    rings.add(positions);
                }
            }
            default -> throw new IllegalStateException();
        }
        return List.copyOf(rings);
    }

    private static List<Location> positions(JsonNode json, int[] count) {
        if (!json.isArray()) {
            throw NgsiLdException.badData("coordinates must be an array of [lon, lat] positions");
        }
        List<Location> positions = new ArrayList<>(json.size());
        for (JsonNode position : json) {
            positions.add(position(position, count));
        }
        return List.copyOf(positions);
    }

    private static Location position(JsonNode json, int[] count) {
        if (++count[0] > MAX_POSITIONS) {
            throw NgsiLdException.badData("coordinates may have at most " + MAX_POSITIONS + " positions");
        }
        if (!json.isArray() || json.size() < 2 || json.size() > 3 || !json.get(0).isNumber()
                || !json.get(1).isNumber()) {
            throw NgsiLdException.badData("a position must be [lon, lat] (numbers), was " + shorten(json.toString()));
        }
        try {
            return Location.of(json.get(0).asDouble(), json.get(1).asDouble());
        } catch (IllegalArgumentException e) {
            throw NgsiLdException.badData("a position is out of range: " + e.getMessage());
        }
    }

    /** The box around the geometry, grown by {@code near}'s distance: where every match must lie (a first cut). */
    public BoundingBox bounds() {
        double west = 180;
        double south = 90;
        double east = -180;
        double north = -90;
        for (List<Location> ring : rings) {
            for (Location p : ring) {
                west = Math.min(west, p.longitude());
                east = Math.max(east, p.longitude());
                south = Math.min(south, p.latitude());
                north = Math.max(north, p.latitude());
            }
        }
        double grow = relation == Relation.NEAR_MAX ? distance : ON_LINE_METRES;
        double dLat = Math.toDegrees(grow / Location.EARTH_RADIUS_METRES);
        double cos = Math.max(Math.cos(Math.toRadians(Math.max(Math.abs(south), Math.abs(north)) + dLat)), 1e-6);
        double dLon = Math.toDegrees(grow / (Location.EARTH_RADIUS_METRES * cos));
        return new BoundingBox(Math.max(-180, west - dLon), Math.max(-90, south - dLat), Math.min(180, east + dLon),
                Math.min(90, north + dLat));
    }

    /** Whether the box cut applies: the relations whose every match lies near the geometry. */
    public boolean bounded() {
        return relation != Relation.NEAR_MIN && relation != Relation.DISJOINT && !(relation == Relation.NEAR_MAX
                && distance > 1_000_000);
    }

    /** Whether an entity at this point matches; an entity without a location matches nothing. */
    public boolean test(Location point) {
        if (point == null || !geoproperty.equals("location")) {
            return false;
        }
        return switch (relation) {
            case NEAR_MAX -> distanceTo(point) <= distance;
            case NEAR_MIN -> distanceTo(point) >= distance;
            case WITHIN -> inside(point);
            case INTERSECTS -> touches(point);
            case DISJOINT -> !touches(point);
            case EQUALS, CONTAINS -> geometry == Geometry.Point && rings.get(0).get(0).equals(point);
            case OVERLAPS -> false;
        };
    }

    private boolean touches(Location point) {
        return switch (geometry) {
            case Point -> rings.get(0).get(0).equals(point);
            case LineString -> distanceTo(point) <= ON_LINE_METRES;
            case Polygon -> inside(point) || distanceTo(point) <= ON_LINE_METRES;
        };
    }

    /** Metres from the point to the geometry: 0 inside a polygon. */
    double distanceTo(Location point) {
        if (geometry == Geometry.Point) {
            return point.distanceMetres(rings.get(0).get(0));
        }
        if (geometry == Geometry.Polygon && inside(point)) {
            return 0;
        }
        double best = Double.MAX_VALUE;
        for (List<Location> ring : rings) {
            for (int i = 0; i + 1 < ring.size(); i++) {
                best = Math.min(best, segment(point, ring.get(i), ring.get(i + 1)));
            }
        }
        return best;
    }

    /** Metres from a point to a segment, on a plane tangent at the point (fine at a city's scale). */
    private static double segment(Location p, Location a, Location b) {
        double cos = Math.cos(Math.toRadians(p.latitude()));
        double metresPerDegree = Math.toRadians(Location.EARTH_RADIUS_METRES);
        double ax = (a.longitude() - p.longitude()) * cos * metresPerDegree;
        double ay = (a.latitude() - p.latitude()) * metresPerDegree;
        double bx = (b.longitude() - p.longitude()) * cos * metresPerDegree;
        double by = (b.latitude() - p.latitude()) * metresPerDegree;
        double dx = bx - ax;
        double dy = by - ay;
        double length = dx * dx + dy * dy;
        double t = length == 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / length));
        return Math.hypot(ax + t * dx, ay + t * dy);
    }

    /** Inside the outer ring and outside every hole (even-odd rule on longitude and latitude). */
    private boolean inside(Location point) {
        if (geometry != Geometry.Polygon || !inRing(point, rings.get(0))) {
            return false;
        }
        for (int i = 1; i < rings.size(); i++) {
            if (inRing(point, rings.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean inRing(Location point, List<Location> ring) {
        boolean inside = false;
        double x = point.longitude();
        double y = point.latitude();
        for (int i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
            double xi = ring.get(i).longitude();
            double yi = ring.get(i).latitude();
            double xj = ring.get(j).longitude();
            double yj = ring.get(j).latitude();
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) {
                inside = !inside;
            }
        }
        return inside;
    }

    private static String shorten(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }
}
