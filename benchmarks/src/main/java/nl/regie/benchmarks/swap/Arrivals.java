package nl.regie.benchmarks.swap;

import java.util.Arrays;
import java.util.function.ObjLongConsumer;

/**
 * The benchmark's recorder: every version of the test plugin hands it each reading's sequence number as it
 * arrives. Registered as a service of a JDK type ({@link ObjLongConsumer}) from outside the plugin, so it outlives
 * every version and shares no class with them. Keeps, per sequence number, how often and first when it arrived,
 * and, in arrival order, when each delivery came and which were duplicates or out of order.
 *
 * <p>Calls are synchronized: a swap hands delivery from one plugin version's thread to the next one's, and the
 * bus delivers at 10,000 a second, far below what a monitor costs.
 */
final class Arrivals implements ObjLongConsumer<String> {

    private final short[] count;
    private final long[] firstArrival;
    private final long[] orderTimes;
    private final long[] anomalyTimes;
    private int arrivals;
    private int anomalies;
    private long duplicates;
    private long outOfOrder;
    private long outOfRange;
    private long highest = -1;
    private String lastVersion = "";

    /** A recorder for sequence numbers 0 to {@code capacity - 1}. */
    Arrivals(int capacity) {
        count = new short[capacity];
        firstArrival = new long[capacity];
        orderTimes = new long[capacity * 2];
        anomalyTimes = new long[capacity];
    }

    @Override
    public synchronized void accept(String version, long sequence) {
        long now = System.nanoTime();
        lastVersion = version;
        if (sequence < 0 || sequence >= count.length || arrivals == orderTimes.length) {
            outOfRange++;
            return;
        }
        int s = (int) sequence;
        orderTimes[arrivals++] = now;
        boolean anomaly = false;
        if (count[s] == 0) {
            firstArrival[s] = now;
        } else {
            duplicates++;
            anomaly = true;
        }
        if (count[s] < Short.MAX_VALUE) {
            count[s]++;
        }
        if (sequence < highest) {
            if (count[s] == 1) {
                outOfOrder++;
            }
            anomaly = true;
        } else {
            highest = sequence;
        }
        if (anomaly && anomalies < anomalyTimes.length) {
            anomalyTimes[anomalies++] = now;
        }
    }

    /** The version of the plugin that took the last reading. */
    synchronized String lastVersion() {
        return lastVersion;
    }

    /** Deliveries so far, duplicates included. */
    synchronized int arrivals() {
        return arrivals;
    }

    /** The lowest sequence number that arrived, or -1: readings published before the plugin subscribed are not lost. */
    synchronized long first() {
        for (int s = 0; s < count.length; s++) {
            if (count[s] > 0) {
                return s;
            }
        }
        return -1;
    }

    /** How many of the sequence numbers from {@code from} up to {@code to} (exclusive) never arrived. */
    synchronized long missing(long from, long to) {
        long missing = 0;
        for (long s = Math.max(0, from); s < Math.min(to, count.length); s++) {
            if (count[(int) s] == 0) {
                missing++;
            }
        }
        return missing;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    /** Readings that arrived after a later one (counted once per reading). */
    synchronized long outOfOrder() {
        return outOfOrder;
    }

    /** Sequence numbers beyond the recorder's capacity: a harness bug if ever non-zero. */
    synchronized long outOfRange() {
        return outOfRange;
    }

    /** Whether reading {@code sequence} arrived. */
    synchronized boolean arrived(long sequence) {
        return sequence >= 0 && sequence < count.length && count[(int) sequence] > 0;
    }

    /** When reading {@code sequence} first arrived ({@link System#nanoTime()}); only for one that arrived. */
    synchronized long arrivedAt(long sequence) {
        return firstArrival[(int) sequence];
    }

    /**
     * The longest interval between two consecutive deliveries that overlaps {@code [from, to]}
     * ({@link System#nanoTime()}), in nanoseconds. For the span of an update call, that is the swap's delivery
     * gap: from the last delivery before the old version went away to the first one after the new version took
     * over, whenever inside or after the call that came.
     */
    synchronized long longestGapAcross(long from, long to) {
        int k = Math.max(1, lowerBound(orderTimes, arrivals, from));
        long longest = 0;
        for (; k < arrivals && orderTimes[k - 1] < to; k++) {
            longest = Math.max(longest, orderTimes[k] - orderTimes[k - 1]);
        }
        return longest;
    }

    /** Duplicate or out-of-order deliveries that came in {@code [from, to)}. */
    synchronized int anomalies(long from, long to) {
        int n = 0;
        for (int i = lowerBound(anomalyTimes, anomalies, from); i < anomalies && anomalyTimes[i] < to; i++) {
            n++;
        }
        return n;
    }

    private static int lowerBound(long[] sorted, int size, long key) {
        int i = Arrays.binarySearch(sorted, 0, size, key);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && sorted[i - 1] == key) {
            i--;
        }
        return i;
    }
}
