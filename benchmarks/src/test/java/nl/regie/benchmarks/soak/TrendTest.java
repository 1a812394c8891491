package nl.regie.benchmarks.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;

import org.junit.jupiter.api.Test;

class TrendTest {

    /** 60 samples 10 s apart of resident memory in KiB. */
    private static List<Sample> memory(IntToLongFunction kib) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            samples.add(new Sample(i * 10, kib.applyAsLong(i), 50, 100, 0, 0, "1.0.0"));
        }
        return samples;
    }

    private static Trend rss(List<Sample> samples) {
        return Trend.of("rss", samples, s -> s.residentKib() / 1024.0, 0.10, 16);
    }

    @Test
    void aFlatFigureWithNoiseIsFlat() {
        Trend trend = rss(memory(i -> 200 * 1024 + (i % 2 == 0 ? 3000 : -3000)));
        assertTrue(trend.flat(), trend.toString());
        assertEquals(200, trend.first(), 3);
    }

    @Test
    void aSteadyClimbIsNotFlat() {
        // 1 MiB a sample: 59 MiB over the span, far above 10% of 200 MiB plus 16 MiB.
        Trend trend = rss(memory(i -> (200 + i) * 1024L));
        assertFalse(trend.flat(), trend.toString());
        assertEquals(59, trend.growth(), 0.5);
        assertEquals(36, trend.allowed(), 1);
    }

    @Test
    void aStepThatLevelsOffEarlyIsFlat() {
        // 10 MiB more after the first few samples (a cache filled), then level.
        Trend trend = rss(memory(i -> (i < 5 ? 200 : 210) * 1024L));
        assertTrue(trend.flat(), trend.toString());
    }

    @Test
    void aSlowClimbJustOverTheAllowanceIsNotFlat() {
        // 0.7 MiB a sample: about 41 MiB over the span, above the 36 allowed.
        Trend trend = rss(memory(i -> Math.round((200 + 0.7 * i) * 1024)));
        assertFalse(trend.flat(), trend.toString());
    }

    @Test
    void tooFewSamplesAreRefused() {
        List<Sample> three = memory(i -> 1024).subList(0, 3);
        assertThrows(IllegalArgumentException.class, () -> rss(three));
    }

    @Test
    void burstyRatesAreAveragedOverFourIntervalsSoTheirTrendIsFlat() {
        // Two intervals with none, then two with twice the mean, as SoakIT saw: flat once averaged, whatever the phase.
        List<Sample> rates = new ArrayList<>();
        long[] burst = {0, 0, 427, 333};
        for (int i = 0; i < 23; i++) {
            rates.add(new Sample(65 + i * 5, 0, 0, 0, burst[i % 4], 0, ""));
        }
        List<Sample> smoothed = SoakResult.smoothed(rates);
        assertEquals(20, smoothed.size());
        assertTrue(smoothed.stream().allMatch(s -> s.delivered() == 190), smoothed.toString());
        assertTrue(Trend.of("rate", smoothed, s -> -s.delivered(), -0.2, 0).flat());
        // A rate that halves is still a fall after averaging.
        List<Sample> falling = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            falling.add(new Sample(65 + i * 5, 0, 0, 0, i < 12 ? 190 : 95, 0, ""));
        }
        assertFalse(Trend.of("rate", SoakResult.smoothed(falling), s -> -s.delivered(), -0.2, 0).flat());
    }
}
