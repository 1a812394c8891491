package nl.regie.runtime.spi.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A latency histogram for {@code /metrics}: fixed buckets, recorded from any number of threads without a lock, read as a
 * {@link Snapshot} that {@link MetricWriter#histogram} writes in the Prometheus histogram format ({@code _bucket} with
 * {@code le}, {@code _sum}, {@code _count}). Its memory is fixed: one counter per bucket, whatever is recorded.
 */
public final class LatencyHistogram {

    /**
     * The default bucket bounds in seconds: 50 µs to 5 s, about three to a decade, fine where the bus lives (tens of
     * microseconds to a millisecond) and coarse where only a stall gets (a delivery timeout is 5 s by default).
     */
    private static final double[] DEFAULT_BOUNDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private final double[] bounds;
    private final long[] boundsNanos;
    /** One count per bucket, the last for beyond the largest bound (+Inf); not cumulative. */
    private final AtomicLongArray counts;
    private final LongAdder sumNanos = new LongAdder();

    /** A histogram with the default bounds. */
    public LatencyHistogram() {
        this(DEFAULT_BOUNDS);
    }

    /**
     * A histogram with these bucket bounds.
     *
     * @param boundsSeconds upper bounds in seconds, strictly increasing and positive
     * @throws IllegalArgumentException if they are not
     */
    public LatencyHistogram(double... boundsSeconds) {
        if (boundsSeconds.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one bucket bound");
        }
        for (int i = 0; i < boundsSeconds.length; i++) {
            if (!(boundsSeconds[i] > 0) || Double.isInfinite(boundsSeconds[i])
                    || i > 0 && boundsSeconds[i] <= boundsSeconds[i - 1]) {
                throw new IllegalArgumentException("bucket bounds must be positive, finite and increasing: "
                        + Arrays.toString(boundsSeconds));
            }
        }
        this.bounds = boundsSeconds.clone();
        this.boundsNanos = Arrays.stream(boundsSeconds).mapToLong(s -> Math.round(s * 1e9)).toArray();
        this.counts = new AtomicLongArray(boundsSeconds.length + 1);
    }

    /** Records one latency, in nanoseconds (a negative one, from a clock that stepped, counts as 0). */
    public void record(long nanos) {
        long value = Math.max(0, nanos);
        int bucket = Arrays.binarySearch(boundsNanos, value);
        counts.incrementAndGet(bucket >= 0 ? bucket : -bucket - 1);
        sumNanos.add(value);
    }

    /** What was recorded so far. */
    public Snapshot snapshot() {
        long[] cumulative = new long[bounds.length + 1];
        long running = 0;
        for (int i = 0; i < cumulative.length; i++) {
            running += counts.get(i);
            cumulative[i] = running;
        }
        return new Snapshot(bounds.clone(), cumulative, sumNanos.sum() / 1e9);
    }

    /**
     * A histogram as read once.
     *
     * @param upperBounds the bucket bounds in seconds, without the last, +Inf
     * @param cumulative  per bucket, how many were at most its bound; one more than the bounds: the last, +Inf, is the
     *                    count of all
     * @param sumSeconds  the sum of all recorded latencies, in seconds
     */
    public record Snapshot(double[] upperBounds, long[] cumulative, double sumSeconds) {

        /** How many were recorded. */
        public long count() {
            return cumulative[cumulative.length - 1];
        }
    }
}
