package nl.regie.simulator;

/**
 * The sun's elevation above the horizon, from the usual low-precision solar position formulas (the
 * Astronomical Almanac's, good to about 0.1 degree for this century): enough for a photocell.
 */
final class Sun {

    /** A lamp's photocell switches on when the sun is lower than this, in degrees (in the civil twilight). */
    static final double PHOTOCELL_ELEVATION = -3.0;

    private Sun() {
    }

    /** The sun's elevation in degrees at {@code lon}, {@code lat} (WGS84 degrees) and {@code millis} (epoch). */
    static double elevation(double lon, double lat, long millis) {
        double d = millis / 86_400_000.0 + 2440587.5 - 2451545.0; // days since J2000.0
        double g = Math.toRadians(357.529 + 0.98560028 * d);
        double q = 280.459 + 0.98564736 * d;
        double l = Math.toRadians(q + 1.915 * Math.sin(g) + 0.020 * Math.sin(2 * g));
        double e = Math.toRadians(23.439 - 0.00000036 * d);
        double ra = Math.atan2(Math.cos(e) * Math.sin(l), Math.cos(l));
        double dec = Math.asin(Math.sin(e) * Math.sin(l));
        double gmst = 18.697374558 + 24.06570982441908 * d; // hours
        double hourAngle = Math.toRadians(gmst * 15 + lon) - ra;
        double phi = Math.toRadians(lat);
        double sinElevation = Math.sin(phi) * Math.sin(dec) + Math.cos(phi) * Math.cos(dec) * Math.cos(hourAngle);
        return Math.toDegrees(Math.asin(sinElevation));
    }

    /** Whether a photocell at {@code lon}, {@code lat} sees night at {@code millis}. */
    static boolean dark(double lon, double lat, long millis) {
        return elevation(lon, lat, millis) < PHOTOCELL_ELEVATION;
    }
}
