package nl.regie.simulator;

import static nl.regie.simulator.Times.DAY;
import static nl.regie.simulator.Times.HOUR;
import static nl.regie.simulator.Times.MINUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WaterGaugeTest {

    @Test
    void theRisingGaugeCrossesTheFloodLevelWithinFiveHoursEveryDay() {
        long origin = Times.local("2026-06-22T09:17");
        WaterGauge amstel = new WaterGauge("gauge-01", 4.901, 52.365, 3, origin, 1.20, true);
        for (int day = 0; day < 3; day++) {
            long start = origin + day * DAY;
            assertTrue(amstel.waterLevel(start) < 1.3, "normal at the start of the cycle");
            long crossed = -1;
            double peak = 0;
            for (long t = start; t < start + DAY; t += 5 * MINUTE) {
                double level = amstel.waterLevel(t);
                peak = Math.max(peak, level);
                if (crossed < 0 && level > WaterGauge.FLOOD_LEVEL) {
                    crossed = t;
                }
            }
            assertTrue(crossed > 0 && crossed - start <= 5 * HOUR, "crossed after " + (crossed - start) / (double) HOUR + " h");
            assertTrue(amstel.waterLevel(crossed + 3 * HOUR) > WaterGauge.FLOOD_LEVEL, "stays over it for hours");
            assertTrue(peak > 1.9, "peak " + peak);
            assertTrue(amstel.waterLevel(start + 20 * HOUR) < 1.3, "back to normal");
        }
    }

    @Test
    void anOrdinaryGaugeStaysNearItsLevel() {
        long origin = Times.MONDAY_JUNE;
        WaterGauge canal = new WaterGauge("gauge-02", 4.89, 52.37, 4, origin, 1.24, false);
        for (long t = origin; t < origin + 3 * DAY; t += 5 * MINUTE) {
            assertEquals(1.24, canal.waterLevel(t), 0.06);
        }
        var records = SenmlCheck.check(canal.telemetry(origin).toJson(), "urn:ngsi-ld:WaterObserved:gauge-02");
        assertEquals("m", records.get("waterLevel").unit());
    }
}
