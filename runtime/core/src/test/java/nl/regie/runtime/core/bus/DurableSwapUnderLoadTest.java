package nl.regie.runtime.core.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.bus.BusHolds;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.monitor.SubscriberInfo;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Swapping a durable subscription's listener again and again while a publisher runs flat out. */
class DurableSwapUnderLoadTest {

    private static final int READINGS = 200_000;
    private static final int SWAPS = 8;
    private static final String PLUGIN = "nl.example.bins";
    private static final List<String> FILTERS = List.of("WasteContainer/+/fillingLevel");

    private final RecordingLogger log = new RecordingLogger();
    // Room for every reading, so a long pause of the delivery thread can never drop one and every loss is a bug.
    private final BusEngine bus = new BusEngine(new BusSettings(READINGS, Duration.ofSeconds(30), 10), log.logger());

    @AfterEach
    void close() {
        bus.close();
    }

    private static Reading sequence(int n) {
        return Reading.of(EntityId.of("WasteContainer", "bin-" + (n % 50)), "fillingLevel", Value.of(n), "%", "test");
    }

    private static int sequenceOf(Reading reading) {
        return ((Double) reading.value().asObject()).intValue();
    }

    /** One version's listener: what it got, and whether it was called after its subscription was parked. */
    private static final class VersionListener implements ReadingListener {
        final Queue<Integer> received = new ConcurrentLinkedQueue<>();
        final AtomicBoolean parked = new AtomicBoolean();
        final AtomicInteger calledWhileParked = new AtomicInteger();
        private final Queue<Integer> all;
        private final AtomicInteger count;

        VersionListener(Queue<Integer> all, AtomicInteger count) {
            this.all = all;
            this.count = count;
        }

        @Override
        public void onReading(Reading reading) {
            if (parked.get()) {
                calledWhileParked.incrementAndGet();
            }
            received.add(sequenceOf(reading));
            all.add(sequenceOf(reading));
            count.incrementAndGet();
        }
    }

    @Test
    void everyReadingArrivesOnceAndInOrderAcrossTakeOvers() throws Exception {
        Queue<Integer> all = new ConcurrentLinkedQueue<>();
        AtomicInteger count = new AtomicInteger();
        List<VersionListener> versions = new ArrayList<>();
        versions.add(new VersionListener(all, count));
        Subscription lease = bus.subscribeDurable(new Owner(PLUGIN, "1.0.0", 17), "BinWatcher", FILTERS, versions.get(0));
        long id = ((Lease) lease).id();
        BusHolds.Hold hold = bus.hold(PLUGIN);
        AtomicBoolean publishing = new AtomicBoolean(true);
        Thread publisher = new Thread(() -> {
            for (int n = 0; n < READINGS; n++) {
                bus.publish("publisher", sequence(n));
                if (n % 1_000 == 999) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(4)); // bursts, spread over the swaps
                }
            }
            publishing.set(false);
        }, "test-publisher");
        publisher.start();

        long longestMeasuredNanos = 0;
        for (int swap = 1; swap <= SWAPS; swap++) {
            int threshold = swap * READINGS / (SWAPS + 2);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1)).until(() -> count.get() >= threshold);
            long heldBefore = hold.held();
            long parkedAt = System.nanoTime();

            lease.close();
            versions.get(swap - 1).parked.set(true); // close has returned: the old listener must not be called again
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1))
                    .until(() -> hold.held() > heldBefore + 100 || !publishing.get());
            VersionListener next = new VersionListener(all, count);
            versions.add(next);
            lease = bus.subscribeDurable(new Owner(PLUGIN, "1.0." + swap, 17), "BinWatcher", FILTERS, next);

            longestMeasuredNanos = Math.max(longestMeasuredNanos, System.nanoTime() - parkedAt);
            assertEquals(id, ((Lease) lease).id(), "the same subscription, taken over");
        }
        publisher.join();
        await().atMost(Duration.ofSeconds(20)).until(() -> count.get() >= READINGS);
        hold.close();

        List<Integer> inOrder = new ArrayList<>(all);
        assertEquals(READINGS, inOrder.size(), "nothing lost, nothing twice");
        for (int n = 0; n < READINGS; n++) {
            if (inOrder.get(n) != n) {
                throw new AssertionError("reading " + n + " is " + inOrder.get(n) + " (around it: "
                        + inOrder.subList(Math.max(0, n - 3), Math.min(READINGS, n + 3)) + ")");
            }
        }
        int next = 0;
        for (VersionListener version : versions) {
            assertEquals(0, version.calledWhileParked.get(), "a parked listener was called");
            for (int sequence : version.received) {
                assertEquals(next++, sequence, "each version gets the readings after those of the one before");
            }
        }
        assertTrue(versions.stream().filter(v -> !v.received.isEmpty()).count() > SWAPS / 2,
                "readings went to several versions: " + versions.stream().map(v -> v.received.size()).toList());
        assertTrue(hold.held() > 0);
        assertEquals(0, hold.droppedWhileHeld());
        assertEquals(0, hold.droppedAtEnd());
        assertTrue(hold.longestGap().toNanos() > 0 && hold.longestGap().toNanos() <= longestMeasuredNanos,
                hold.longestGap() + " vs measured " + Duration.ofNanos(longestMeasuredNanos));
        SubscriberInfo info = bus.subscribers().get(0);
        assertEquals(1, bus.subscribers().size());
        assertEquals(new SubscriberInfo(id, PLUGIN, "1.0." + SWAPS, 17, FILTERS, SubscriberInfo.State.ACTIVE, READINGS,
                0, 0, 0, 0, READINGS, ""), info);
    }
}
