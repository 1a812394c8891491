package nl.regie.benchmarks.stream;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * The bus rate: the publish-to-delivery throughput of a saturating publisher to one bus subscriber (the driver
 * bundle's whiteboard {@code ProbeListener}, which calls this recorder). Like the JMH bus benchmark it publishes
 * in batches and waits until the subscriber has every reading of a batch before the next, so the bus runs flat out
 * without ever overflowing the subscriber's queue; a batch not complete within 2 s counts its missing readings as
 * lost and moves on.
 */
final class BusProbe implements LongConsumer {

    /** One measured round. */
    record Round(double rate, long delivered, long lost, double seconds) {
    }

    private final AtomicLong received = new AtomicLong();
    private long sequence;

    /** Called by the probe listener for each probe reading delivered. */
    @Override
    public void accept(long value) {
        received.incrementAndGet();
    }

    /** Publishes through {@code publisher} for about {@code millis}, in batches of {@code batch}. */
    Round run(LongConsumer publisher, long millis, int batch) {
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
        long first = received.get();
        long expected = first;
        long lost = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < batch; i++) {
                publisher.accept(sequence++);
            }
            expected += batch;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            long now = received.get();
            while (now < expected && System.nanoTime() < deadline) {
                LockSupport.parkNanos(20_000);
                now = received.get();
            }
            if (now < expected) {
                lost += expected - now;
                expected = now;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long delivered = received.get() - first;
        return new Round(delivered / seconds, delivered, lost, seconds);
    }
}
