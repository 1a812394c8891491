package nl.regie.simulator;

import static nl.regie.simulator.Patterns.MINUTE;

/**
 * A traffic counter (loop detector) on one road segment ({@code TrafficFlowObserved}: {@code intensity} in
 * vehicles per hour, unit {@code 1/h}; {@code averageVehicleSpeed} in {@code km/h}).
 *
 * <p>Demand follows the day: quiet at night, a morning rush around 08:00 and an evening rush around 17:15 on
 * weekdays, a broad afternoon hump on weekends. Below 85% of the segment's capacity traffic flows near the
 * speed limit (30 or 50 km/h); above it the segment congests: speed falls steeply and the flow through it
 * drops too. A bottleneck segment's demand exceeds its capacity in the rush hours, so it congests every
 * weekday.
 */
final class TrafficCounter extends SimDevice {

    private final int capacity;
    private final double freeSpeed;
    private final double demandFactor;

    TrafficCounter(String id, double lon, double lat, long seed, int capacity, double freeSpeed, double demandFactor) {
        super(id, TRAFFIC_FLOW_OBSERVED, lon, lat, seed);
        this.capacity = capacity;
        this.freeSpeed = freeSpeed;
        this.demandFactor = demandFactor;
    }

    @Override
    String type() {
        return TRAFFIC_FLOW_OBSERVED;
    }

    @Override
    void advanceTo(long millis) {
        // A pure function of time: nothing to move.
    }

    @Override
    SenmlPack telemetry(long millis) {
        return new SenmlPack(entity(), millis)
                .number("intensity", "1/h", intensity(millis), 0)
                .number("averageVehicleSpeed", "km/h", averageVehicleSpeed(millis), 1);
    }

    int capacity() {
        return capacity;
    }

    double freeSpeed() {
        return freeSpeed;
    }

    /** Demand over capacity at {@code millis}. */
    double saturation(long millis) {
        double hour = Patterns.hourOfDay(millis);
        double profile = Patterns.weekend(millis)
                ? 0.05 + 0.65 * Patterns.bell(hour, 14.5, 3.5)
                : 0.05 + 0.95 * Patterns.bell(hour, 8.0, 0.9) + 0.45 * Patterns.bell(hour, 12.5, 2.5)
                        + 1.0 * Patterns.bell(hour, 17.25, 1.1);
        return demandFactor * profile;
    }

    /** Vehicles per hour through the segment. */
    double intensity(long millis) {
        double rho = saturation(millis);
        double flow = rho <= 0.85 ? rho : 0.85 * Math.max(0.5, 1 - 0.8 * (rho - 0.85));
        return Math.max(0, Math.round(capacity * flow * (1 + 0.06 * Patterns.smoothNoise(seed, millis, 5 * MINUTE))));
    }

    /** The mean speed of the vehicles passing, km/h. */
    double averageVehicleSpeed(long millis) {
        double rho = saturation(millis);
        double speed = rho <= 0.85
                ? freeSpeed * (1 - 0.25 * rho * rho * rho * rho)
                : freeSpeed * 0.87 * Math.max(0.14, 1 - 2.2 * (rho - 0.85));
        return Math.max(1, speed * (1 + 0.04 * Patterns.smoothNoise(seed + 1, millis, 5 * MINUTE)));
    }
}
