package nl.regie.lighting;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Sunrise, solar noon and sunset with NOAA's solar calculator algorithm (the "General Solar Position" spreadsheet,
 * after Meeus, <i>Astronomical Algorithms</i>): sunrise and sunset are when the sun's centre is 0.833 degrees
 * below the horizon (34' of refraction plus the sun's 16' radius). Good to about a minute between the polar
 * circles for dates within a few centuries of 2000; stateless and thread-safe.
 *
 * <p>The dates are <em>solar</em> dates of the location: {@link #times} for a date gives the solar noon that falls
 * on that date in local mean solar time (about 11:40 UTC in Amsterdam), the sunrise before it and the sunset after.
 */
final class SunCalculator {

    /** The sun's altitude at sunrise and sunset, degrees: refraction at the horizon and the solar semi-diameter. */
    static final double SUNRISE_ALTITUDE = -0.833;

    private static final double MINUTE_MILLIS = 60_000.0;

    /** Whether the sun rises and sets on the date, or stays below or above the horizon all day. */
    enum Kind {
        /** It rises and sets. */
        NORMAL,
        /** It stays below the horizon: sunrise and sunset are both given as solar noon (an empty day). */
        POLAR_NIGHT,
        /** It stays above: sunrise is given as noon minus 12 hours, sunset as noon plus 12 hours (an empty night). */
        MIDNIGHT_SUN
    }

    /**
     * The sun's times on one solar date at one place.
     *
     * @param date      the solar date
     * @param sunrise   the sunrise before noon (see {@link Kind} for the days without one)
     * @param solarNoon when the sun is highest
     * @param sunset    the sunset after noon (see {@link Kind})
     * @param kind      whether it really rises and sets
     */
    record SunTimes(LocalDate date, Instant sunrise, Instant solarNoon, Instant sunset, Kind kind) {
    }

    /** The sun's times at {@code latitude}, {@code longitude} (WGS84 degrees, east positive) on {@code date}. */
    SunTimes times(LocalDate date, double latitude, double longitude) {
        double midnightJd = date.toEpochDay() + 2440587.5;
        double noonMinutes = solarNoonMinutes(midnightJd, longitude);
        Event rise = event(midnightJd, latitude, longitude, noonMinutes, -1);
        Event set = event(midnightJd, latitude, longitude, noonMinutes, +1);
        Instant midnight = date.atStartOfDay().toInstant(ZoneOffset.UTC);
        Kind kind = rise.kind != Kind.NORMAL ? rise.kind : set.kind;
        return new SunTimes(date, at(midnight, rise.minutes), at(midnight, noonMinutes), at(midnight, set.minutes), kind);
    }

    /** The solar date whose noon-to-noon span contains {@code instant} at {@code longitude}: a night belongs to the day it starts on. */
    LocalDate solarDate(Instant instant, double latitude, double longitude) {
        // Local mean solar time is UTC shifted by 4 minutes per degree east; the true noon differs by at most
        // 17 minutes (the equation of time), so check against the computed noon.
        LocalDate date = LocalDate.ofInstant(instant.plusSeconds(Math.round(longitude * 240)), ZoneOffset.UTC);
        if (instant.isBefore(times(date, latitude, longitude).solarNoon())) {
            return date.minusDays(1);
        }
        if (!instant.isBefore(times(date.plusDays(1), latitude, longitude).solarNoon())) {
            return date.plusDays(1);
        }
        return date;
    }

    private record Event(double minutes, Kind kind) {
    }

    /** Sunrise (sign -1) or sunset (+1) in minutes after 0h UTC, refined at the event's own time. */
    private static Event event(double midnightJd, double latitude, double longitude, double noonMinutes, int sign) {
        double minutes = noonMinutes + sign * 360;
        Kind kind = Kind.NORMAL;
        for (int i = 0; i < 3; i++) {
            Solar sun = Solar.at(midnightJd + minutes / 1440.0);
            double cosHourAngle = (Math.sin(Math.toRadians(SUNRISE_ALTITUDE))
                    - Math.sin(Math.toRadians(latitude)) * Math.sin(sun.declination))
                    / (Math.cos(Math.toRadians(latitude)) * Math.cos(sun.declination));
            kind = cosHourAngle > 1 ? Kind.POLAR_NIGHT : cosHourAngle < -1 ? Kind.MIDNIGHT_SUN : Kind.NORMAL;
            double hourAngle = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cosHourAngle))));
            double noon = 720 - 4 * longitude - sun.equationOfTimeMinutes;
            minutes = noon + sign * 4 * hourAngle;
        }
        return new Event(minutes, kind);
    }

    private static double solarNoonMinutes(double midnightJd, double longitude) {
        double minutes = 720 - 4 * longitude;
        for (int i = 0; i < 2; i++) {
            minutes = 720 - 4 * longitude - Solar.at(midnightJd + minutes / 1440.0).equationOfTimeMinutes;
        }
        return minutes;
    }

    private static Instant at(Instant midnight, double minutes) {
        return midnight.plus(Duration.ofMillis(Math.round(minutes * MINUTE_MILLIS)));
    }

    /** The sun's declination (radians) and the equation of time (minutes) at a Julian day, NOAA's formulas. */
    private record Solar(double declination, double equationOfTimeMinutes) {

        static Solar at(double julianDay) {
            double t = (julianDay - 2451545.0) / 36525.0;
            double meanLongitude = normalize(280.46646 + t * (36000.76983 + t * 0.0003032));
            double meanAnomaly = 357.52911 + t * (35999.05029 - 0.0001537 * t);
            double eccentricity = 0.016708634 - t * (0.000042037 + 0.0000001267 * t);
            double m = Math.toRadians(meanAnomaly);
            double centre = Math.sin(m) * (1.914602 - t * (0.004817 + 0.000014 * t))
                    + Math.sin(2 * m) * (0.019993 - 0.000101 * t) + Math.sin(3 * m) * 0.000289;
            double omega = Math.toRadians(125.04 - 1934.136 * t);
            double apparentLongitude = Math.toRadians(meanLongitude + centre - 0.00569 - 0.00478 * Math.sin(omega));
            double meanObliquity = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60;
            double obliquity = Math.toRadians(meanObliquity + 0.00256 * Math.cos(omega));
            double declination = Math.asin(Math.sin(obliquity) * Math.sin(apparentLongitude));
            double y = Math.pow(Math.tan(obliquity / 2), 2);
            double l0 = Math.toRadians(meanLongitude);
            double equationOfTime = y * Math.sin(2 * l0) - 2 * eccentricity * Math.sin(m)
                    + 4 * eccentricity * y * Math.sin(m) * Math.cos(2 * l0)
                    - 0.5 * y * y * Math.sin(4 * l0) - 1.25 * eccentricity * eccentricity * Math.sin(2 * m);
            return new Solar(declination, 4 * Math.toDegrees(equationOfTime));
        }

        private static double normalize(double degrees) {
            double d = degrees % 360;
            return d < 0 ? d + 360 : d;
        }
    }
}
