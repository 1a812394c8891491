package nl.regie.runtime.spi.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Buckets by their upper bound (inclusive), cumulative counts, the sum, many threads at once, and bad bounds. */
class LatencyHistogramTest {

    @Test
    void eachLatencyFallsInTheFirstBucketWhoseBoundItDoesNotExceed() {
        LatencyHistogram histogram = new LatencyHistogram(0.001, 0.01, 0.1);
        histogram.record(TimeUnit.MICROSECONDS.toNanos(500));
        histogram.record(TimeUnit.MILLISECONDS.toNanos(1)); // on the bound: in it
        histogram.record(TimeUnit.MILLISECONDS.toNanos(1) + 1);
        histogram.record(TimeUnit.MILLISECONDS.toNanos(50));
        histogram.record(TimeUnit.SECONDS.toNanos(3));
        histogram.record(-5); // a clock that stepped back: 0

        LatencyHistogram.Snapshot snapshot = histogram.snapshot();
        assertArrayEquals(new double[] {0.001, 0.01, 0.1}, snapshot.upperBounds());
        assertArrayEquals(new long[] {3, 4, 5, 6}, snapshot.cumulative());
        assertEquals(6, snapshot.count());
        assertEquals(0.0005 + 0.001 + 0.001000001 + 0.05 + 3, snapshot.sumSeconds(), 1e-12);
    }

    @Test
    void theDefaultBoundsSpanFiftyMicrosecondsToFiveSeconds() {
        LatencyHistogram.Snapshot empty = new LatencyHistogram().snapshot();
        assertEquals(0.00005, empty.upperBounds()[0]);
        assertEquals(5.0, empty.upperBounds()[empty.upperBounds().length - 1]);
        assertEquals(0, empty.count());
        assertEquals(0.0, empty.sumSeconds());
    }

    @Test
    void manyThreadsRecordWithoutLosingOne() throws InterruptedException {
        LatencyHistogram histogram = new LatencyHistogram();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 100_000; i++) {
                    histogram.record((i + offset) * 1_000L);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(400_000, histogram.snapshot().count());
    }

    @Test
    void boundsMustBePositiveFiniteAndIncreasing() {
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(0.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(1.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(2.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(1.0, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(Double.NaN));
    }
}
