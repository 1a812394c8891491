package nl.regie.itests;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

/**
 * Publishes numbered readings (0, 1, 2, ...) on the topic the sequence plugin subscribes to, at a steady rate, on
 * a thread of its own, until stopped.
 */
final class SequencePublisher implements AutoCloseable {

    private static final EntityId ENTITY = EntityId.of("Device", "itest-sequence");

    private final ReadingBus bus;
    private final long perSecond;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long published;

    private SequencePublisher(ReadingBus bus, long perSecond) {
        this.bus = bus;
        this.perSecond = perSecond;
        this.thread = new Thread(this::run, "itests-sequence-publisher");
        thread.setDaemon(true);
    }

    /** Starts publishing. */
    static SequencePublisher start(ReadingBus bus, long perSecond) {
        SequencePublisher publisher = new SequencePublisher(bus, perSecond);
        publisher.thread.start();
        return publisher;
    }

    private void run() {
        long start = System.nanoTime();
        long next = 0;
        while (!stopped) {
            long due = (System.nanoTime() - start) * perSecond / TimeUnit.SECONDS.toNanos(1);
            while (next < due && !stopped) {
                bus.publish(Reading.of(ENTITY, "sequence", Value.of(next), "count", RegieTestSupport.SOURCE));
                published = ++next;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** How many readings it has published so far. */
    long published() {
        return published;
    }

    /** Stops publishing and returns how many readings it published. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join();
    }
}
