package nl.regie.mobility;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Random;

/**
 * The shapes of the launcher's simulated crowd and traffic counters (launcher/.../simulator/CrowdCounter.java and
 * TrafficCounter.java), replicated here because a plugin may not depend on the launcher. Same formulas; the noise is
 * drawn differently but has the same size and smoothness.
 */
final class SimulatedCity {

    static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");

    private SimulatedCity() {
    }

    static double hour(ZonedDateTime t) {
        return t.getHour() + t.getMinute() / 60.0 + t.getSecond() / 3600.0;
    }

    static boolean weekend(ZonedDateTime t) {
        return t.getDayOfWeek() == DayOfWeek.SATURDAY || t.getDayOfWeek() == DayOfWeek.SUNDAY;
    }

    static double bell(double hour, double centre, double width) {
        double d = (hour - centre) / width;
        return Math.exp(-0.5 * d * d);
    }

    /** SplitMix64's finaliser, as the simulator's {@code Patterns.mix}. */
    static long mix(long key) {
        long z = key + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform number in [0, 1) determined by seed and key, as the simulator's {@code Patterns.uniform}. */
    static double uniform(long seed, long key) {
        return (mix(seed ^ mix(key)) >>> 11) * 0x1.0p-53;
    }

    /** A normal value that changes gradually between independent values drawn every {@code stepMinutes}. */
    static double smoothNoise(long seed, ZonedDateTime t, long stepMinutes) {
        long millis = t.toInstant().toEpochMilli();
        long step = stepMinutes * 60_000;
        long bucket = Math.floorDiv(millis, step);
        double f = Math.floorMod(millis, step) / (double) step;
        double s = f * f * (3 - 2 * f);
        return gauss(seed, bucket) * (1 - s) + gauss(seed, bucket + 1) * s;
    }

    private static double gauss(long seed, long bucket) {
        return new Random(mix(seed ^ mix(bucket))).nextGaussian();
    }

    /** A people counter: a daily pattern peaking at {@code peakDensity}, plus, in the event zone, a daily event. */
    record Crowd(long seed, double area, double peakDensity, boolean eventZone) {

        long peopleCount(ZonedDateTime t) {
            double hour = hour(t);
            double evening = weekend(t) ? 0.65 : 0.35;
            double daily = 0.03 + 0.35 * bell(hour, 11.5, 2.5) + 0.7 * bell(hour, 16, 3) + evening * bell(hour, 21.5, 1.8);
            double density = peakDensity * Math.min(daily, 1.1) * (1 + 0.08 * smoothNoise(seed, t, 15));
            if (eventZone) {
                density = Math.max(density, eventDensity(t));
            }
            return Math.max(0, Math.round(area * density));
        }

        /** The event's start today, local hours (13 to 18). */
        double eventStart(long day) {
            return 13 + 5 * uniform(seed, day * 3);
        }

        /** The event's length today, hours (3 to 5). */
        double eventHours(long day) {
            return 3 + 2 * uniform(seed, day * 3 + 1);
        }

        /** The event's peak today, people/m² (3 to 4). */
        double eventPeak(long day) {
            return 3.0 + uniform(seed, day * 3 + 2);
        }

        private double eventDensity(ZonedDateTime t) {
            long day = t.toLocalDate().toEpochDay();
            double into = hour(t) - eventStart(day);
            double length = eventHours(day);
            if (into <= 0 || into >= length) {
                return 0;
            }
            double ramp = Math.min(1, Math.min(into, length - into) / 0.75);
            double shape = ramp * ramp * (3 - 2 * ramp);
            return eventPeak(day) * shape * (1 + 0.04 * smoothNoise(seed + 1, t, 10));
        }
    }

    /** A loop detector on a segment with a capacity (vehicles/h), a speed limit and a demand factor. */
    record Road(long seed, int capacity, double freeSpeed, double demandFactor) {

        double saturation(ZonedDateTime t) {
            double hour = hour(t);
            double profile = weekend(t)
                    ? 0.05 + 0.65 * bell(hour, 14.5, 3.5)
                    : 0.05 + 0.95 * bell(hour, 8.0, 0.9) + 0.45 * bell(hour, 12.5, 2.5) + 1.0 * bell(hour, 17.25, 1.1);
            return demandFactor * profile;
        }

        double intensity(ZonedDateTime t) {
            double rho = saturation(t);
            double flow = rho <= 0.85 ? rho : 0.85 * Math.max(0.5, 1 - 0.8 * (rho - 0.85));
            return Math.max(0, Math.round(capacity * flow * (1 + 0.06 * smoothNoise(seed, t, 5))));
        }

        double averageVehicleSpeed(ZonedDateTime t) {
            double rho = saturation(t);
            double speed = rho <= 0.85
                    ? freeSpeed * (1 - 0.25 * rho * rho * rho * rho)
                    : freeSpeed * 0.87 * Math.max(0.14, 1 - 2.2 * (rho - 0.85));
            return Math.max(1, Math.round(10 * speed * (1 + 0.04 * smoothNoise(seed + 1, t, 5))) / 10.0);
        }
    }
}
