package nl.regie.benchmarks.stream;

/**
 * A histogram of latencies: 10 µs buckets up to 100 ms, then 1 ms buckets up to 60 s (longer counts as 60 s).
 * Percentiles are the upper bound of their bucket. Not thread-safe: one per client thread, merged at the end.
 */
final class Latencies {

    private static final int FINE = 10_000;
    private static final int COARSE = 60_000;

    private final long[] buckets = new long[FINE + COARSE];
    private long count;
    private long maxNanos;

    void record(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        int bucket = micros < 100_000 ? (int) (micros / 10) : FINE + (int) Math.min(COARSE - 1, micros / 1000 - 100);
        buckets[bucket]++;
        count++;
        maxNanos = Math.max(maxNanos, nanos);
    }

    void add(Latencies other) {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += other.buckets[i];
        }
        count += other.count;
        maxNanos = Math.max(maxNanos, other.maxNanos);
    }

    long count() {
        return count;
    }

    /** The latency below which a fraction {@code q} (0.5, 0.99) of the samples fell, in milliseconds; NaN if none. */
    double percentileMillis(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * count);
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen >= Math.max(1, rank)) {
                return i < FINE ? (i + 1) * 0.01 : (i - FINE + 101);
            }
        }
        return maxMillis();
    }

    double maxMillis() {
        return maxNanos / 1e6;
    }
}
