package nl.regie.itests;

import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Where the sequence plugin (any version of it) passes the sequence numbers of the readings it receives; the test
 * checks that they are exactly 0, 1, 2, ... with none missing, repeated or out of order.
 */
final class SequenceSink implements LongConsumer {

    private long[] received = new long[1 << 16];
    private int count;

    @Override
    public synchronized void accept(long sequence) {
        if (count == received.length) {
            received = Arrays.copyOf(received, count * 2);
        }
        received[count++] = sequence;
    }

    /** How many were received. */
    synchronized int count() {
        return count;
    }

    /**
     * What is wrong with the sequence received, if {@code expected} were published: empty if it is exactly 0 to
     * expected - 1 in order.
     */
    synchronized String problems(long expected) {
        StringBuilder problems = new StringBuilder();
        long[] seen = new long[(int) expected];
        long outOfOrder = 0;
        long previous = -1;
        for (int i = 0; i < count; i++) {
            long sequence = received[i];
            if (sequence < 0 || sequence >= expected) {
                problems.append("unexpected ").append(sequence).append("; ");
                continue;
            }
            seen[(int) sequence]++;
            if (sequence <= previous) {
                outOfOrder++;
            }
            previous = sequence;
        }
        long missing = Arrays.stream(seen).filter(n -> n == 0).count();
        long repeated = Arrays.stream(seen).filter(n -> n > 1).count();
        if (missing > 0) {
            problems.append(missing).append(" missing (first: ").append(firstIndex(seen, 0)).append("); ");
        }
        if (repeated > 0) {
            problems.append(repeated).append(" repeated; ");
        }
        if (outOfOrder > 0) {
            problems.append(outOfOrder).append(" out of order; ");
        }
        return problems.toString();
    }

    private static int firstIndex(long[] seen, long value) {
        for (int i = 0; i < seen.length; i++) {
            if (seen[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
