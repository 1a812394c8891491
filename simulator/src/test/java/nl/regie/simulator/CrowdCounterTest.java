package nl.regie.simulator;

import static nl.regie.simulator.Times.DAY;
import static nl.regie.simulator.Times.HOUR;
import static nl.regie.simulator.Times.MINUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CrowdCounterTest {

    private static final CrowdCounter DAM = new CrowdCounter("crowd-001", 4.8925, 52.3731, 1, 12_500, 0.5, true);
    private static final CrowdCounter BUSY_STREET = new CrowdCounter("crowd-002", 4.8828, 52.3641, 2, 6_000, 0.8, false);

    @Test
    void theEventZonePeaksEveryDay() {
        for (int day = 0; day < 7; day++) {
            long midnight = Times.MONDAY_JUNE + day * DAY;
            long busiest = midnight;
            double peak = 0;
            for (long t = midnight; t < midnight + DAY; t += 5 * MINUTE) {
                double density = DAM.peopleCount(t) / DAM.area();
                if (density > peak) {
                    peak = density;
                    busiest = t;
                }
            }
            assertTrue(peak >= 2.8 && peak <= 4.5, "day " + day + ": peak density " + peak + " people/m²");
            double hour = Patterns.hourOfDay(busiest);
            assertTrue(hour >= 13 && hour <= 23, "day " + day + ": the event is in the afternoon or evening, peak at " + hour);
            long middle = DAM.eventMiddle(midnight + 12 * HOUR);
            assertTrue(DAM.peopleCount(middle) / DAM.area() > 2.8);
            assertTrue(DAM.peopleCount(midnight + 4 * HOUR) / DAM.area() < 0.1, "empty at 04:00");
        }
    }

    @Test
    void anOrdinaryZoneFollowsTheDayWithoutAnEvent() {
        double peak = 0;
        for (long t = Times.MONDAY_JUNE; t < Times.MONDAY_JUNE + 7 * DAY; t += 5 * MINUTE) {
            peak = Math.max(peak, BUSY_STREET.peopleCount(t) / BUSY_STREET.area());
        }
        assertTrue(peak > 0.5 && peak < 1.3, "peak density " + peak);
        long night = BUSY_STREET.peopleCount(Times.local("2026-06-23T04:00"));
        long afternoon = BUSY_STREET.peopleCount(Times.local("2026-06-23T16:00"));
        assertTrue(afternoon > 8 * night, night + " at night, " + afternoon + " in the afternoon");
    }

    @Test
    void reportsPeopleCountAndArea() {
        long t = Times.local("2026-06-23T16:00");
        var records = SenmlCheck.check(DAM.telemetry(t).toJson(), "urn:ngsi-ld:CrowdFlowObserved:crowd-001");
        assertEquals("count", records.get("peopleCount").unit());
        assertEquals((double) DAM.peopleCount(t), records.get("peopleCount").value());
        assertEquals("m2", records.get("area").unit());
        assertEquals(12_500.0, records.get("area").value());
    }
}
