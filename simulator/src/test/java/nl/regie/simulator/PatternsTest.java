package nl.regie.simulator;

import static nl.regie.simulator.Times.HOUR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PatternsTest {

    @Test
    void localTimeFollowsAmsterdamsOffset() {
        assertEquals(0.0, Patterns.hourOfDay(Times.MONDAY_JUNE), 1e-9);
        assertEquals(13.5, Patterns.hourOfDay(Times.local("2026-01-12T13:30")), 1e-9);
        assertFalse(Patterns.weekend(Times.MONDAY_JUNE));
        assertTrue(Patterns.weekend(Times.SATURDAY_JUNE + 23 * HOUR));
        assertEquals(Patterns.localDay(Times.MONDAY_JUNE) + 1, Patterns.localDay(Times.MONDAY_JUNE + 24 * HOUR));
    }

    @Test
    void ambientTemperatureIsPlausible() {
        double januaryDawn = Patterns.ambient(Times.local("2026-01-12T05:00"));
        double julyAfternoon = Patterns.ambient(Times.local("2026-07-15T16:00"));
        assertTrue(januaryDawn > -5 && januaryDawn < 5, "January dawn " + januaryDawn);
        assertTrue(julyAfternoon > 18 && julyAfternoon < 26, "July afternoon " + julyAfternoon);
    }

    @Test
    void noiseIsDeterministicAndRoughlyStandard() {
        assertEquals(Patterns.gauss(7, 42), Patterns.gauss(7, 42));
        double sum = 0;
        double squares = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            double g = Patterns.gauss(7, i);
            sum += g;
            squares += g * g;
            double u = Patterns.uniform(7, i);
            assertTrue(u >= 0 && u < 1);
        }
        assertEquals(0, sum / n, 0.05);
        assertEquals(1, squares / n, 0.05);
    }

    @Test
    void smoothNoiseChangesGradually() {
        long step = 10 * Times.MINUTE;
        for (long t = 0; t < 100 * step; t += step / 10) {
            double a = Patterns.smoothNoise(3, t, step);
            double b = Patterns.smoothNoise(3, t + step / 10, step);
            assertTrue(Math.abs(a - b) < 2.5, "jump at " + t);
        }
    }

    @Test
    void sunIsUpAtNoonAndDownAtMidnight() {
        double lon = 4.9;
        double lat = 52.37;
        // Midsummer noon (13:40 local, solar noon): about 61 degrees.
        assertEquals(61, Sun.elevation(lon, lat, Times.local("2026-06-21T13:40")), 1.0);
        // Midwinter solar noon: about 14 degrees.
        assertEquals(14, Sun.elevation(lon, lat, Times.local("2026-12-21T12:40")), 1.0);
        assertTrue(Sun.dark(lon, lat, Times.local("2026-06-22T00:30")));
        assertFalse(Sun.dark(lon, lat, Times.local("2026-06-22T06:00")));
        assertTrue(Sun.dark(lon, lat, Times.local("2026-01-12T07:30")));
        assertFalse(Sun.dark(lon, lat, Times.local("2026-01-12T09:30")));
    }
}
