package nl.regie.simulator;

import static nl.regie.simulator.Patterns.HOUR;
import static nl.regie.simulator.Patterns.MINUTE;

/**
 * A people counter (camera or Wi-Fi based) over one zone with a known area ({@code CrowdFlowObserved}:
 * {@code peopleCount}, unit {@code count}; and the zone's {@code area} in {@code m2}, so that a plugin can
 * compute the density).
 *
 * <p>The crowd follows the day: nearly empty at night, a morning rise, busiest from the afternoon into the
 * evening (later on weekends). At its busiest a zone holds {@code peakDensity} people per square metre (0.1 to
 * 0.8). The event zone also hosts an event every simulated day: for three to five hours, starting between
 * 13:00 and 18:00, it fills to 3 to 4 people per square metre (a crowd that needs watching), ramping up and
 * down over 45 minutes.
 */
final class CrowdCounter extends SimDevice {

    /** People per square metre at an event's height, at least. */
    static final double EVENT_DENSITY = 3.0;
    private static final double RAMP_HOURS = 0.75;

    private final double area;
    private final double peakDensity;
    private final boolean eventZone;

    CrowdCounter(String id, double lon, double lat, long seed, double area, double peakDensity, boolean eventZone) {
        super(id, CROWD_FLOW_OBSERVED, lon, lat, seed);
        this.area = area;
        this.peakDensity = peakDensity;
        this.eventZone = eventZone;
    }

    @Override
    String type() {
        return CROWD_FLOW_OBSERVED;
    }

    @Override
    void advanceTo(long millis) {
        // A pure function of time: nothing to move.
    }

    @Override
    SenmlPack telemetry(long millis) {
        return new SenmlPack(entity(), millis)
                .number("peopleCount", "count", peopleCount(millis), 0)
                .number("area", "m2", area, 0);
    }

    /** The zone's area, m². */
    double area() {
        return area;
    }

    boolean eventZone() {
        return eventZone;
    }

    /** How many people the counter sees at {@code millis}. */
    long peopleCount(long millis) {
        double hour = Patterns.hourOfDay(millis);
        double evening = Patterns.weekend(millis) ? 0.65 : 0.35;
        double daily = 0.03 + 0.35 * Patterns.bell(hour, 11.5, 2.5) + 0.7 * Patterns.bell(hour, 16, 3)
                + evening * Patterns.bell(hour, 21.5, 1.8);
        double density = peakDensity * Math.min(daily, 1.1) * (1 + 0.08 * Patterns.smoothNoise(seed, millis, 15 * MINUTE));
        if (eventZone) {
            density = Math.max(density, eventDensity(millis));
        }
        return Math.max(0, Math.round(area * density));
    }

    /** The event's start today, local hours (13 to 18). */
    double eventStart(long day) {
        return 13 + 5 * Patterns.uniform(seed, day * 3);
    }

    /** The event's length today, hours (3 to 5). */
    double eventHours(long day) {
        return 3 + 2 * Patterns.uniform(seed, day * 3 + 1);
    }

    private double eventDensity(long millis) {
        long day = Patterns.localDay(millis);
        double into = Patterns.hourOfDay(millis) - eventStart(day);
        double length = eventHours(day);
        if (into <= 0 || into >= length) {
            return 0;
        }
        double ramp = Math.min(1, Math.min(into, length - into) / RAMP_HOURS);
        double shape = ramp * ramp * (3 - 2 * ramp);
        double peak = EVENT_DENSITY + Patterns.uniform(seed, day * 3 + 2);
        return peak * shape * (1 + 0.04 * Patterns.smoothNoise(seed + 1, millis, 10 * MINUTE));
    }

    /** The event's peak hour today, for tests: the middle of the event. */
    long eventMiddle(long millis) {
        long day = Patterns.localDay(millis);
        long midnight = day * Patterns.DAY - Patterns.offsetMillis(millis);
        return midnight + (long) ((eventStart(day) + eventHours(day) / 2) * HOUR);
    }
}
