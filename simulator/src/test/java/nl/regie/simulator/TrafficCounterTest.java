package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrafficCounterTest {

    private static final TrafficCounter BOTTLENECK = new TrafficCounter("traffic-001", 4.9005, 52.3775, 1, 1_800, 50, 1.2);
    private static final TrafficCounter QUIET = new TrafficCounter("traffic-002", 4.8945, 52.3755, 2, 1_400, 50, 0.6);

    @Test
    void theBottleneckCongestsInTheRushHours() {
        long night = Times.local("2026-06-23T03:00");
        long morningRush = Times.local("2026-06-23T08:00");
        long eveningRush = Times.local("2026-06-23T17:15");
        assertTrue(BOTTLENECK.averageVehicleSpeed(night) > 45, "free flow at night");
        assertTrue(BOTTLENECK.averageVehicleSpeed(morningRush) < 25, "jammed at 08:00: " + BOTTLENECK.averageVehicleSpeed(morningRush));
        assertTrue(BOTTLENECK.averageVehicleSpeed(eveningRush) < 25, "jammed at 17:15: " + BOTTLENECK.averageVehicleSpeed(eveningRush));
        assertTrue(BOTTLENECK.intensity(morningRush) > 5 * BOTTLENECK.intensity(night));
        assertTrue(BOTTLENECK.intensity(morningRush) < BOTTLENECK.capacity(), "a jam passes fewer than capacity");
    }

    @Test
    void anOrdinarySegmentKeepsFlowing() {
        long morningRush = Times.local("2026-06-23T08:00");
        assertTrue(QUIET.averageVehicleSpeed(morningRush) > 40, "" + QUIET.averageVehicleSpeed(morningRush));
        assertTrue(QUIET.intensity(morningRush) > 500);
    }

    @Test
    void weekendsHaveNoMorningRush() {
        long saturdayMorning = Times.SATURDAY_JUNE + 8 * Times.HOUR;
        assertTrue(BOTTLENECK.averageVehicleSpeed(saturdayMorning) > 40,
                "" + BOTTLENECK.averageVehicleSpeed(saturdayMorning));
    }

    @Test
    void reportsIntensityPerHourAndSpeedInKmPerHour() {
        long t = Times.local("2026-06-23T08:00");
        var records = SenmlCheck.check(BOTTLENECK.telemetry(t).toJson(), "urn:ngsi-ld:TrafficFlowObserved:traffic-001");
        assertEquals("1/h", records.get("intensity").unit());
        assertEquals("km/h", records.get("averageVehicleSpeed").unit());
        assertEquals(BOTTLENECK.intensity(t), (Double) records.get("intensity").value());
    }
}
