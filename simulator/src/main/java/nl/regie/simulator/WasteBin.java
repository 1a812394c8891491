package nl.regie.simulator;

import static nl.regie.simulator.Patterns.HOUR;
import static nl.regie.simulator.Patterns.MINUTE;

/**
 * A waste container with a fill-level and temperature sensor ({@code WasteContainer}: {@code fillingLevel} as a
 * ratio 0..1, unit {@code /}; {@code temperature} in {@code Cel}).
 *
 * <p>It fills on a daily pattern, slowly at night and fastest around lunch and in the evening, from empty to
 * full in 1.5 to 5 days depending on the bin. The collection service empties it now and then in working hours
 * once it is more than half full, and always within 1 to 8 hours after it became full (the level stays at 1
 * meanwhile). Its temperature follows the air's daily swing, a little warmer. Now and then a fire starts (the
 * city picks the bin, see {@link #ignite}): the temperature jumps to 60-90 °C, climbs for one to two hours and
 * then cools back to the ambient temperature over some hours.
 *
 * <p>The model moves in steps of {@link #STEP} on a fixed grid of simulated time, and its random events are
 * drawn from the seed and the step's number: the same seed gives the same bin whenever it is asked.
 */
final class WasteBin extends SimDevice {

    static final long STEP = 10 * MINUTE;
    private static final long NO_FIRE = Long.MIN_VALUE;
    private static final double MEAN_ACTIVITY = meanActivity();

    private final double daysToFill;
    private final double warmth;
    private double level;
    /** The start of the step the level is known for. */
    private long stepStart;
    private long collectionAt = Long.MAX_VALUE;
    private long fireStart = NO_FIRE;
    private double fireStartTemperature;
    private double fireRiseHours;

    WasteBin(String id, double lon, double lat, long seed, long origin) {
        super(id, WASTE_CONTAINER, lon, lat, seed);
        this.daysToFill = 1.5 + 3.5 * Patterns.uniform(seed, -1);
        this.warmth = 0.3 + 1.2 * Patterns.uniform(seed, -2);
        this.level = 0.75 * Patterns.uniform(seed, -3);
        this.stepStart = Math.floorDiv(origin, STEP) * STEP;
    }

    @Override
    String type() {
        return WASTE_CONTAINER;
    }

    @Override
    void advanceTo(long millis) {
        while (stepStart + STEP <= millis) {
            long step = Math.floorDiv(stepStart, STEP);
            level = Math.min(1.0, level + fillRate(stepStart) * STEP / HOUR);
            double hour = Patterns.hourOfDay(stepStart);
            if (level >= 1.0 && collectionAt == Long.MAX_VALUE) {
                collectionAt = stepStart + STEP + (long) ((1 + 7 * Patterns.uniform(seed, step * 4 + 1)) * HOUR);
            }
            boolean rounds = hour >= 7 && hour < 16 && !Patterns.weekend(stepStart);
            if (rounds && level > 0.55 && Patterns.uniform(seed, step * 4 + 2) < 0.07 * STEP / HOUR) {
                empty(step);
            } else if (stepStart + STEP >= collectionAt) {
                empty(step);
            }
            stepStart += STEP;
            if (fireStart != NO_FIRE && stepStart > fireStart + (long) (fireRiseHours * HOUR)
                    && fireTemperature(stepStart) - normalTemperature(stepStart) < 0.5) {
                fireStart = NO_FIRE;
            }
        }
    }

    @Override
    SenmlPack telemetry(long millis) {
        return new SenmlPack(entity(), millis)
                .number("fillingLevel", "/", fillingLevel(millis), 3)
                .number("temperature", "Cel", temperature(millis), 1);
    }

    /** The level its sensor reads at {@code millis} (after {@link #advanceTo}): 0..1, with a little noise. */
    double fillingLevel(long millis) {
        double sinceStep = Math.max(0, millis - stepStart) / (double) HOUR;
        double exact = Math.min(1.0, level + fillRate(stepStart) * sinceStep);
        return Patterns.clamp(exact + 0.008 * Patterns.smoothNoise(seed, millis, 20 * MINUTE), 0, 1);
    }

    /** The temperature its sensor reads at {@code millis}, °C. */
    double temperature(long millis) {
        double normal = normalTemperature(millis);
        return fireStart == NO_FIRE || millis < fireStart ? normal : Math.max(normal, fireTemperature(millis));
    }

    /** Whether it is burning or still hot from a fire at the last time it was advanced to. */
    boolean onFire() {
        return fireStart != NO_FIRE;
    }

    /**
     * Sets it on fire at {@code millis}: the temperature jumps to {@code startTemperature} (60-90 °C), climbs by
     * about 20 °C an hour for {@code riseHours}, then cools off exponentially (a time constant of 1.5 hours).
     */
    void ignite(long millis, double startTemperature, double riseHours) {
        fireStart = millis;
        fireStartTemperature = startTemperature;
        fireRiseHours = riseHours;
    }

    /** Empties it now (a collection), as the collection service would. */
    void empty(long step) {
        level = 0.03 * Patterns.uniform(seed, step * 4 + 3);
        collectionAt = Long.MAX_VALUE;
    }

    private double normalTemperature(long millis) {
        return Patterns.ambient(millis) + warmth + 0.25 * Patterns.smoothNoise(seed + 1, millis, 30 * MINUTE);
    }

    private double fireTemperature(long millis) {
        double hours = (millis - fireStart) / (double) HOUR;
        double flicker = 1.5 * Patterns.smoothNoise(seed + 2, millis, 5 * MINUTE);
        if (hours <= fireRiseHours) {
            return fireStartTemperature + 20 * hours + flicker;
        }
        double peak = fireStartTemperature + 20 * fireRiseHours;
        double ambient = normalTemperature(millis);
        return ambient + (peak - ambient) * Math.exp(-(hours - fireRiseHours) / 1.5) + flicker * Math.exp(-(hours - fireRiseHours));
    }

    /** Fill rate per hour at {@code millis}: the bin's average rate shaped by the time of day. */
    private double fillRate(long millis) {
        return activity(Patterns.hourOfDay(millis)) / MEAN_ACTIVITY / (daysToFill * 24);
    }

    /** How much waste comes in at a local hour of the day, relative: little at night, most at lunch and dinner. */
    private static double activity(double hour) {
        return 0.12 + 0.9 * Patterns.bell(hour, 12.5, 2.5) + 0.7 * Patterns.bell(hour, 19, 2) + 0.2 * Patterns.bell(hour, 8, 1);
    }

    private static double meanActivity() {
        double sum = 0;
        for (int minute = 0; minute < 24 * 60; minute++) {
            sum += activity(minute / 60.0);
        }
        return sum / (24 * 60);
    }
}
