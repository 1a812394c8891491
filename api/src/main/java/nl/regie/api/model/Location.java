package nl.regie.api.model;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A WGS84 position, in GeoJSON order: longitude first, then latitude, in decimal degrees.
 *
 * @param longitude degrees east, -180 to 180
 * @param latitude  degrees north, -90 to 90
 */
@ProviderType
public record Location(double longitude, double latitude) {

    /** Mean earth radius in metres, as used by the haversine formula. */
    public static final double EARTH_RADIUS_METRES = 6_371_008.8;

    /**
     * Creates a location, checking the ranges.
     *
     * @throws IllegalArgumentException if a coordinate is not finite or out of range
     */
    public Location {
        if (!Double.isFinite(longitude) || longitude < -180 || longitude > 180) {
            throw new IllegalArgumentException("longitude " + longitude + " must be between -180 and 180");
        }
        if (!Double.isFinite(latitude) || latitude < -90 || latitude > 90) {
            throw new IllegalArgumentException("latitude " + latitude + " must be between -90 and 90");
        }
    }

    /** Creates a location from longitude and latitude. */
    public static Location of(double longitude, double latitude) {
        return new Location(longitude, latitude);
    }

    /** The great-circle distance to another location in metres (haversine). */
    public double distanceMetres(Location other) {
        double phi1 = Math.toRadians(latitude);
        double phi2 = Math.toRadians(other.latitude);
        double dPhi = phi2 - phi1;
        double dLambda = Math.toRadians(other.longitude - longitude);
        double a = Math.sin(dPhi / 2) * Math.sin(dPhi / 2)
                + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) * Math.sin(dLambda / 2);
        return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(a)));
    }
}
