package nl.regie.simulator;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.zone.ZoneRules;

/**
 * What the models share: Amsterdam's local time of day, deterministic noise, the ambient temperature.
 *
 * <p>Noise is a pure function of a key (a device's seed mixed with a time bucket), so a model holds no random
 * generator for it and the same seed gives the same city.
 */
final class Patterns {

    static final ZoneId ZONE = SimulatorSettings.CITY_ZONE;
    static final long MINUTE = 60_000L;
    static final long HOUR = 3_600_000L;
    static final long DAY = 86_400_000L;

    private static final ZoneRules RULES = ZONE.getRules();

    private Patterns() {
    }

    /** Milliseconds to add to UTC for Amsterdam's local time at {@code millis}. */
    static long offsetMillis(long millis) {
        return RULES.getOffset(Instant.ofEpochMilli(millis)).getTotalSeconds() * 1000L;
    }

    /** Local hour of the day, 0 (inclusive) to 24 (exclusive), with fractions. */
    static double hourOfDay(long millis) {
        return Math.floorMod(millis + offsetMillis(millis), DAY) / (double) HOUR;
    }

    /** The local day number (days since 1970-01-01 in Amsterdam's local time). */
    static long localDay(long millis) {
        return Math.floorDiv(millis + offsetMillis(millis), DAY);
    }

    /** Whether {@code millis} falls on a Saturday or Sunday in Amsterdam. */
    static boolean weekend(long millis) {
        DayOfWeek day = LocalDate.ofEpochDay(localDay(millis)).getDayOfWeek();
        return day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY;
    }

    /** Day of the year, 1..366, in Amsterdam. */
    static int dayOfYear(long millis) {
        return LocalDate.ofEpochDay(localDay(millis)).getDayOfYear();
    }

    /**
     * Outdoor air temperature in Amsterdam, °C: a seasonal mean from about 3 °C in January to 18 °C in July, and
     * a daily swing of ±3.5 °C with its low before sunrise and its high mid-afternoon.
     */
    static double ambient(long millis) {
        double season = 10.5 - 7.5 * Math.cos(2 * Math.PI * (dayOfYear(millis) - 15) / 365.25);
        double daily = -3.5 * Math.cos(2 * Math.PI * (hourOfDay(millis) - 4.5) / 24);
        return season + daily;
    }

    /** A bell curve around {@code centre} (hours) with width {@code width} (hours), 1 at its peak. */
    static double bell(double hour, double centre, double width) {
        double d = (hour - centre) / width;
        return Math.exp(-0.5 * d * d);
    }

    /** SplitMix64's finaliser: a well-mixed 64-bit hash of {@code key}. */
    static long mix(long key) {
        long z = key + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform number in [0, 1) determined by {@code seed} and {@code key}. */
    static double uniform(long seed, long key) {
        return (mix(seed ^ mix(key)) >>> 11) * 0x1.0p-53;
    }

    /** A number from a standard normal distribution determined by {@code seed} and {@code key}. */
    static double gauss(long seed, long key) {
        // Box-Muller from two independent uniforms.
        double u1 = Math.max(uniform(seed, key), 1e-12);
        double u2 = uniform(seed ^ 0x5DEECE66DL, key);
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * Smooth noise over time: a normal value that changes gradually, interpolated between independent values
     * drawn every {@code stepMillis}, so that consecutive readings differ a little, not wildly.
     */
    static double smoothNoise(long seed, long millis, long stepMillis) {
        long bucket = Math.floorDiv(millis, stepMillis);
        double f = Math.floorMod(millis, stepMillis) / (double) stepMillis;
        double s = f * f * (3 - 2 * f);
        return gauss(seed, bucket) * (1 - s) + gauss(seed, bucket + 1) * s;
    }

    /** {@code value} limited to {@code min}..{@code max}. */
    static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}
