package nl.regie.simulator;

import static nl.regie.simulator.Patterns.HOUR;
import static nl.regie.simulator.Patterns.MINUTE;

/**
 * A water-level gauge in a canal or the river ({@code WaterObserved}: {@code waterLevel} in {@code m}, above
 * the gauge's zero).
 *
 * <p>The city's water is managed, so a normal gauge stays within a few centimetres of its usual level (1.15 to
 * 1.30 m) with a slow tidal ripple. The rising gauge repeats a daily high-water cycle from the start of the
 * simulation: it rises 8.5 cm an hour for 10 hours (past {@link #FLOOD_LEVEL} after about 3 to 4 hours,
 * peaking 85 cm above normal), falls back over the next 8 hours and stays normal for the last 6.
 */
final class WaterGauge extends SimDevice {

    /** The level above which the simulated city floods, m: the rising gauge passes it every simulated day. */
    static final double FLOOD_LEVEL = 1.5;
    static final double RISE_PER_HOUR = 0.085;
    static final double RISE_HOURS = 10;
    static final double FALL_HOURS = 8;

    private final double normalLevel;
    private final boolean rising;
    private final long origin;

    WaterGauge(String id, double lon, double lat, long seed, long origin, double normalLevel, boolean rising) {
        super(id, WATER_OBSERVED, lon, lat, seed);
        this.normalLevel = normalLevel;
        this.rising = rising;
        this.origin = origin;
    }

    @Override
    String type() {
        return WATER_OBSERVED;
    }

    @Override
    void advanceTo(long millis) {
        // A pure function of time: nothing to move.
    }

    @Override
    SenmlPack telemetry(long millis) {
        return new SenmlPack(entity(), millis).number("waterLevel", "m", waterLevel(millis), 3);
    }

    boolean rising() {
        return rising;
    }

    /** The level the gauge reads at {@code millis}, m. */
    double waterLevel(long millis) {
        double tide = 0.02 * Math.sin(2 * Math.PI * (millis / (double) HOUR) / 12.42);
        double level = normalLevel + tide + 0.006 * Patterns.smoothNoise(seed, millis, 20 * MINUTE);
        if (rising) {
            double hours = Math.floorMod(millis - origin, Patterns.DAY) / (double) HOUR;
            double peak = RISE_PER_HOUR * RISE_HOURS;
            if (hours < RISE_HOURS) {
                level += RISE_PER_HOUR * hours;
            } else if (hours < RISE_HOURS + FALL_HOURS) {
                level += peak * (1 - (hours - RISE_HOURS) / FALL_HOURS);
            }
        }
        return level;
    }
}
