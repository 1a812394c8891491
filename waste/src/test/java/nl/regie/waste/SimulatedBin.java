package nl.regie.waste;

import java.time.Instant;
import java.time.ZoneId;

/**
 * A bin's temperature as the launcher's simulator makes it (WasteBin and Patterns, copied in spirit): the air's
 * seasonal and daily swing, a little warmth, smooth noise; and a fire that jumps to 60-90 °C, climbs about 20 °C an
 * hour for one to two hours, then cools off exponentially (time constant 1.5 h) with some flicker.
 */
final class SimulatedBin {

    private static final long MINUTE = 60_000L;
    private static final long HOUR = 3_600_000L;
    private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");

    private final long seed;
    private final double warmth;
    private long fireStart = Long.MIN_VALUE;
    private double fireStartTemperature;
    private double riseHours;

    SimulatedBin(long seed) {
        this.seed = seed;
        this.warmth = 0.3 + 1.2 * uniform(seed, -2);
    }

    void ignite(Instant at, double startTemperature, double riseHours) {
        this.fireStart = at.toEpochMilli();
        this.fireStartTemperature = startTemperature;
        this.riseHours = riseHours;
    }

    /** The temperature its sensor reads, rounded to 0.1 °C as the simulator's SenML does. */
    double temperature(Instant at) {
        long millis = at.toEpochMilli();
        double t = fireStart == Long.MIN_VALUE || millis < fireStart ? normal(millis) : Math.max(normal(millis), fire(millis));
        return Math.round(t * 10) / 10.0;
    }

    private double normal(long millis) {
        return ambient(millis) + warmth + 0.25 * smoothNoise(seed + 1, millis, 30 * MINUTE);
    }

    private double fire(long millis) {
        double hours = (millis - fireStart) / (double) HOUR;
        double flicker = 1.5 * smoothNoise(seed + 2, millis, 5 * MINUTE);
        if (hours <= riseHours) {
            return fireStartTemperature + 20 * hours + flicker;
        }
        double peak = fireStartTemperature + 20 * riseHours;
        double ambient = normal(millis);
        return ambient + (peak - ambient) * Math.exp(-(hours - riseHours) / 1.5) + flicker * Math.exp(-(hours - riseHours));
    }

    static double ambient(long millis) {
        var local = Instant.ofEpochMilli(millis).atZone(AMSTERDAM);
        double hour = local.getHour() + local.getMinute() / 60.0 + local.getSecond() / 3600.0;
        double season = 10.5 - 7.5 * Math.cos(2 * Math.PI * (local.getDayOfYear() - 15) / 365.25);
        return season - 3.5 * Math.cos(2 * Math.PI * (hour - 4.5) / 24);
    }

    private static double smoothNoise(long seed, long millis, long step) {
        long bucket = Math.floorDiv(millis, step);
        double f = Math.floorMod(millis, step) / (double) step;
        double s = f * f * (3 - 2 * f);
        return gauss(seed, bucket) * (1 - s) + gauss(seed, bucket + 1) * s;
    }

    private static double gauss(long seed, long key) {
        double u1 = Math.max(uniform(seed, key), 1e-12);
        double u2 = uniform(seed ^ 0x5DEECE66DL, key);
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static double uniform(long seed, long key) {
        return (mix(seed ^ mix(key)) >>> 11) * 0x1.0p-53;
    }

    private static long mix(long key) {
        long z = key + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
