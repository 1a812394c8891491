package nl.regie.simulator;

import static nl.regie.simulator.Times.DAY;
import static nl.regie.simulator.Times.HOUR;
import static nl.regie.simulator.Times.MINUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WasteBinTest {

    private static WasteBin bin(long seed, long origin) {
        return new WasteBin("bin-001", 4.89, 52.37, seed, origin);
    }

    @Test
    void fillsFasterByDayThanByNight() {
        // A Saturday: no collection rounds, so nothing empties a bin that is not full.
        long origin = Times.SATURDAY_JUNE;
        WasteBin bin = bin(11, origin);
        bin.empty(0);
        bin.advanceTo(origin + 2 * HOUR);
        double at2 = bin.fillingLevel(origin + 2 * HOUR);
        bin.advanceTo(origin + 5 * HOUR);
        double at5 = bin.fillingLevel(origin + 5 * HOUR);
        bin.advanceTo(origin + 11 * HOUR);
        double at11 = bin.fillingLevel(origin + 11 * HOUR);
        bin.advanceTo(origin + 14 * HOUR);
        double at14 = bin.fillingLevel(origin + 14 * HOUR);
        assertTrue(at5 > at2 - 0.03, "rises at night too, slowly: " + at2 + " -> " + at5);
        assertTrue(at14 - at11 > 3 * (at5 - at2), "lunch " + (at14 - at11) + " vs night " + (at5 - at2));
        assertTrue(at14 > at2 && at14 < 1.0);
    }

    @Test
    void risesUntilFullAndIsEmptiedWithinHours() {
        for (long seed = 1; seed <= 20; seed++) {
            long origin = Times.MONDAY_JUNE;
            WasteBin bin = bin(seed, origin);
            double previous = -1;
            long fullSince = -1;
            boolean emptied = false;
            for (long t = origin; t < origin + 8 * DAY && !emptied; t += 10 * MINUTE) {
                bin.advanceTo(t);
                double level = bin.fillingLevel(t);
                assertTrue(level >= 0 && level <= 1, "level " + level);
                if (fullSince < 0 && level >= 0.99) {
                    fullSince = t;
                }
                if (previous > 0.5 && level < 0.1) {
                    emptied = true;
                    if (fullSince >= 0) {
                        assertTrue(t - fullSince <= 9 * HOUR, "a full bin waits at most 8 hours for collection, seed " + seed);
                    }
                }
                previous = level;
            }
            assertTrue(emptied, "bin with seed " + seed + " was never emptied in 8 days");
        }
    }

    @Test
    void sameSeedSameBin() {
        WasteBin a = bin(5, Times.MONDAY_JUNE);
        WasteBin b = bin(5, Times.MONDAY_JUNE);
        // Asked at different moments, the two agree wherever they are both asked.
        for (int i = 0; i < 3 * 24 * 60 / 7; i++) {
            long t = Times.MONDAY_JUNE + i * 7 * MINUTE;
            a.advanceTo(t);
            if (i % 3 == 0) {
                b.advanceTo(t);
                assertEquals(a.fillingLevel(t), b.fillingLevel(t), 1e-12);
                assertEquals(a.temperature(t), b.temperature(t), 1e-12);
            }
        }
    }

    @Test
    void temperatureFollowsTheAir() {
        WasteBin bin = bin(3, Times.MONDAY_JANUARY);
        double dawn = bin.temperature(Times.local("2026-01-12T05:00"));
        double afternoon = bin.temperature(Times.local("2026-01-12T15:00"));
        assertTrue(afternoon > dawn + 3, dawn + " -> " + afternoon);
        assertTrue(dawn > -10 && afternoon < 15);
    }

    @Test
    void aFireHeatsTheBinThenItCools() {
        long start = Times.local("2026-06-22T14:00");
        WasteBin bin = bin(9, Times.MONDAY_JUNE);
        bin.advanceTo(start);
        double before = bin.temperature(start);
        assertTrue(before < 35, "no fire yet: " + before);

        bin.ignite(start, 75, 1.5);
        assertTrue(bin.onFire());
        double atStart = bin.temperature(start);
        assertEquals(75, atStart, 6, "jumps to the fire's start temperature");
        double afterHour = bin.temperature(start + HOUR);
        assertTrue(afterHour > atStart + 10, "rises while it burns: " + atStart + " -> " + afterHour);
        double peak = bin.temperature(start + 90 * MINUTE);
        assertTrue(peak > 95 && peak < 115, "peak " + peak);
        double cooling = bin.temperature(start + 4 * HOUR);
        assertTrue(cooling < peak - 30 && cooling > before + 5, "cools: " + cooling);
        double later = bin.temperature(start + 10 * HOUR);
        assertTrue(later < before + 5, "back near the air's temperature: " + later);

        bin.advanceTo(start + 12 * HOUR);
        assertFalse(bin.onFire(), "the fire is over");
    }

    @Test
    void theCitySetsABinAlightSoonAfterTheStart() {
        long origin = Times.MONDAY_JUNE;
        City city = City.build(120, 2026, origin);
        assertTrue(city.nextFire(origin + 15 * MINUTE).isEmpty(), "not in the first 20 minutes");
        var lit = city.nextFire(origin + 2 * HOUR);
        assertEquals(1, lit.size());
        WasteBin bin = lit.get(0);
        assertTrue(bin.onFire());
        assertTrue(bin.temperature(origin + 2 * HOUR) > 55, "burning: " + bin.temperature(origin + 2 * HOUR));
        // More fires follow over the days, about two a day in this city.
        int fires = 0;
        for (long t = origin + 2 * HOUR; t < origin + 10 * DAY; t += HOUR) {
            fires += city.nextFire(t).size();
        }
        assertTrue(fires >= 8 && fires <= 40, fires + " fires in 10 days");
    }
}
