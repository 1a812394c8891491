package nl.regie.api.model;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A WGS84 bounding box in GeoJSON order (west, south, east, north). A box whose west edge is east of its
 * east edge crosses the antimeridian.
 *
 * @param west  western longitude
 * @param south southern latitude
 * @param east  eastern longitude
 * @param north northern latitude
 */
@ProviderType
public record BoundingBox(double west, double south, double east, double north) {

    /**
     * Creates a box, checking that each edge is a valid coordinate and south is not above north.
     *
     * @throws IllegalArgumentException naming the edge that is wrong
     */
    public BoundingBox {
        new Location(west, south);
        new Location(east, north);
        if (south > north) {
            throw new IllegalArgumentException("bounding box south " + south + " is north of north " + north);
        }
    }

    /** Whether the location lies inside the box or on its edge. */
    public boolean contains(Location location) {
        double lat = location.latitude();
        if (lat < south || lat > north) {
            return false;
        }
        double lon = location.longitude();
        return west <= east ? lon >= west && lon <= east : lon >= west || lon <= east;
    }
}
