package nl.regie.mobility;

import java.util.OptionalDouble;

/**
 * Learns a road segment's free-flow speed from the speeds it reports: the 85th percentile of its last
 * {@value #WINDOW} average speeds (a week of 5-minute readings), once it has {@value #MIN_SAMPLES} (a day's worth).
 *
 * <p>Why this works: the free-flow speed is what traffic does when nothing holds it up (the HCM measures it at low
 * volume), and a street is unobstructed most of the day. A percentile is robust against both ends: a jam pulls it
 * down only if the segment is congested more than 85% of the time, and the fastest 15% (a lone fast car at night)
 * are left out. So a 30 km/h street is judged against 30, not against a city-wide 50, without configuring each one.
 * A segment that really is congested nearly all day needs its speed configured
 * ({@code traffic.free.speed.by.segment}), which always wins.
 *
 * <p>Speeds are kept in 1 km/h buckets (a ring of the last samples and a histogram), so adding a sample and asking
 * the percentile cost a few hundred steps and 2 KiB per segment.
 */
final class FreeSpeedLearner {

    static final int WINDOW = 2016;
    static final int MIN_SAMPLES = 288;
    static final double PERCENTILE = 0.85;
    private static final int MAX_BUCKET = 255;

    private final byte[] ring = new byte[WINDOW];
    private final int[] histogram = new int[MAX_BUCKET + 1];
    private int next;
    private int size;

    /** Adds an observed average speed in km/h. */
    void add(double kmh) {
        int bucket = (int) Math.max(0, Math.min(MAX_BUCKET, Math.round(kmh)));
        if (size == WINDOW) {
            histogram[Byte.toUnsignedInt(ring[next])]--;
        } else {
            size++;
        }
        ring[next] = (byte) bucket;
        histogram[bucket]++;
        next = (next + 1) % WINDOW;
    }

    /** How many samples the window holds. */
    int samples() {
        return size;
    }

    /** The learned free-flow speed in km/h (at least 1), or empty while fewer than {@value #MIN_SAMPLES} samples. */
    OptionalDouble freeSpeed() {
        if (size < MIN_SAMPLES) {
            return OptionalDouble.empty();
        }
        int rank = (int) Math.ceil(PERCENTILE * size);
        int seen = 0;
        for (int bucket = 0; bucket <= MAX_BUCKET; bucket++) {
            seen += histogram[bucket];
            if (seen >= rank) {
                return OptionalDouble.of(Math.max(1, bucket));
            }
        }
        return OptionalDouble.of(MAX_BUCKET);
    }
}
