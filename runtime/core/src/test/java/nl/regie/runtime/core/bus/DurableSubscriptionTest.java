package nl.regie.runtime.core.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.bus.BusHolds;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.monitor.SubscriberInfo;
import nl.regie.runtime.spi.monitor.SubscriberInfo.State;
import nl.regie.runtime.testing.RecordingLogger;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Durable subscriptions: parking while a hold is open, taking over, and what a hold counts. */
class DurableSubscriptionTest {

    private static final Owner V1 = new Owner("nl.example.bins", "1.0.0", 17);
    private static final Owner V2 = new Owner("nl.example.bins", "2.0.0", 17);
    private static final String WATCHER = "nl.example.bins.BinWatcher";

    private final RecordingLogger log = new RecordingLogger();
    private final List<BusEngine> engines = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeEngines() {
        release.countDown();
        engines.forEach(BusEngine::close);
    }

    private BusEngine engine(int capacity, Duration timeout, int failuresBeforeQuarantine) {
        BusEngine engine = new BusEngine(new BusSettings(capacity, timeout, failuresBeforeQuarantine), log.logger());
        engines.add(engine);
        return engine;
    }

    private BusEngine engine() {
        return engine(1_000, Duration.ofSeconds(5), 10);
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2));
    }

    private static Reading bin(int n) {
        return reading("WasteContainer", "bin-" + n, "fillingLevel", n);
    }

    private static Reading reading(String type, String localId, String attribute, int value) {
        return Reading.of(EntityId.of(type, localId), attribute, Value.of(value), "", "test");
    }

    private static List<Integer> values(Collection<Reading> readings) {
        return readings.stream().map(r -> ((Double) r.value().asObject()).intValue()).toList();
    }

    private static SubscriberInfo info(BusEngine bus, Subscription subscription) {
        long id = ((Lease) subscription).id();
        return bus.subscribers().stream().filter(s -> s.id() == id).findFirst().orElseThrow();
    }

    private static void publish(BusEngine bus, int from, int to) {
        for (int n = from; n <= to; n++) {
            bus.publish("publisher", bin(n));
        }
    }

    @Test
    void aSubscriptionClosedDuringAHoldIsParkedAndTakenOverWithWhatItHeld() {
        BusEngine bus = engine();
        Queue<Reading> first = new ConcurrentLinkedQueue<>();
        Queue<Reading> second = new ConcurrentLinkedQueue<>();
        Subscription old = bus.subscribeDurable(V1, WATCHER, List.of("WasteContainer/#"), first::add);
        publish(bus, 0, 2);
        eventually().until(() -> first.size() == 3);
        BusHolds.Hold hold = bus.hold("nl.example.bins");

        long before = System.nanoTime();
        old.close();
        publish(bus, 3, 9);

        SubscriberInfo parked = info(bus, old);
        assertEquals(State.PARKED, parked.state());
        assertEquals("1.0.0", parked.bundleVersion());
        assertEquals(7, parked.queueDepth());
        assertEquals(Set.of(WATCHER), hold.parked());
        assertEquals(7, hold.held());

        Subscription taken = bus.subscribeDurable(V2, WATCHER, List.of("WasteContainer/#"), second::add);
        long measured = System.nanoTime() - before;
        publish(bus, 10, 11);

        eventually().until(() -> second.size() == 9);
        assertEquals(List.of(0, 1, 2), values(first));
        assertEquals(List.of(3, 4, 5, 6, 7, 8, 9, 10, 11), values(second));
        SubscriberInfo active = info(bus, taken);
        assertEquals(parked.id(), active.id());
        assertEquals(State.ACTIVE, active.state());
        assertEquals("2.0.0", active.bundleVersion());
        assertEquals(12, active.delivered());
        assertEquals(Set.of(), hold.parked());
        assertTrue(hold.longestGap().toNanos() > 0 && hold.longestGap().toNanos() <= measured, hold.toString());
        hold.close();
        assertEquals(0, hold.droppedAtEnd());
        assertEquals(List.of(active.id()), bus.subscribers().stream().map(SubscriberInfo::id).toList());
    }

    @Test
    void overflowWhileHeldIsDroppedNewestFirstAndCountedExactly() {
        BusEngine bus = engine(10, Duration.ofSeconds(5), 10);
        Queue<Reading> second = new ConcurrentLinkedQueue<>();
        Subscription old = bus.subscribeDurable(V1, WATCHER, List.of("#"), r -> { });
        BusHolds.Hold hold = bus.hold("nl.example.bins");
        old.close();

        publish(bus, 0, 24);

        assertEquals(10, hold.held());
        assertEquals(15, hold.droppedWhileHeld());
        SubscriberInfo parked = info(bus, old);
        assertEquals(15, parked.dropped());
        assertEquals(10, parked.queueDepth());
        List<String> warnings = log.messages("warn");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("nl.example.bins 1.0.0 [17]") && warnings.get(0).contains(WATCHER)
                && warnings.get(0).contains("queue of 10 is full"), warnings.get(0));

        Subscription taken = bus.subscribeDurable(V2, WATCHER, List.of("#"), second::add);
        eventually().until(() -> second.size() == 10);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), values(second), "the oldest are kept");
        assertEquals(15, info(bus, taken).dropped());
        assertTrue(log.messages("info").stream().anyMatch(m -> m.contains("10 readings held, 15 dropped while held")),
                log.entries().toString());
    }

    @Test
    void aParkedSubscriptionNoOneTookOverIsClosedWhenTheHoldEnds() throws Exception {
        BusEngine bus = engine();
        Subscription old = bus.subscribeDurable(V1, WATCHER, List.of("#"), r -> { });
        String threadName = "regie-bus-nl.example.bins-" + ((Lease) old).id();
        BusHolds.Hold hold = bus.hold("nl.example.bins");
        old.close();
        publish(bus, 0, 6);

        hold.close();
        hold.close(); // idempotent

        assertEquals(List.of(), bus.subscribers());
        assertEquals(7, hold.droppedAtEnd());
        assertEquals(7, hold.held());
        assertEquals(Set.of(), hold.parked());
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(threadName)),
                "the parked subscription's thread has ended");
        List<String> warnings = log.messages("warn");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("Plugin nl.example.bins 1.0.0 [17] did not take its bus subscription "
                + WATCHER + " back"), warnings.get(0));
        assertTrue(warnings.get(0).contains("its 7 held readings are dropped"), warnings.get(0));
        Duration gap = hold.longestGap();
        assertTrue(gap.toNanos() > 0);
        assertEquals(gap, hold.longestGap(), "the gap stops growing when the hold ends");

        Subscription fresh = bus.subscribeDurable(V2, WATCHER, List.of("#"), r -> { });
        assertNotEquals(((Lease) old).id(), ((Lease) fresh).id(), "a new subscription, not the closed one");
    }

    @Test
    void withoutAHoldADurableSubscriptionClosesAsAnyOther() {
        BusEngine bus = engine();
        Subscription durable = bus.subscribeDurable(V1, WATCHER, List.of("#"), r -> { });
        BusHolds.Hold otherHold = bus.hold("nl.example.lights");

        durable.close();

        assertEquals(List.of(), bus.subscribers());
        assertEquals(Set.of(), otherHold.parked());
        bus.subscribeDurable(V1, WATCHER, List.of("#"), r -> { });
        assertEquals(State.ACTIVE, bus.subscribers().get(0).state());
    }

    @Test
    void aPlainSubscriptionIsNotParked() {
        BusEngine bus = engine();
        Subscription plain = bus.subscribe(V1, List.of("#"), r -> { });
        BusHolds.Hold hold = bus.hold("nl.example.bins");

        plain.close();

        assertEquals(List.of(), bus.subscribers());
        assertEquals(Set.of(), hold.parked());
    }

    @Test
    void theFiltersOfTheListenerThatTakesOverApplyFromTheTakeOverOn() {
        BusEngine bus = engine();
        Queue<Reading> second = new ConcurrentLinkedQueue<>();
        Subscription old = bus.subscribeDurable(V1, WATCHER, List.of("WasteContainer/#"), r -> { });
        BusHolds.Hold hold = bus.hold("nl.example.bins");
        old.close();
        bus.publish("publisher", bin(1));
        bus.publish("publisher", reading("WasteContainer", "bin-2", "temperature", 2));
        bus.publish("publisher", reading("Streetlight", "lamp-3", "powerConsumption", 3)); // matches neither
        bus.publish("publisher", bin(4));
        assertEquals(3, hold.held());

        List<String> newFilters = List.of("WasteContainer/+/fillingLevel", "Streetlight/#");
        Subscription taken = bus.subscribeDurable(V2, WATCHER, newFilters, second::add);
        bus.publish("publisher", reading("Streetlight", "lamp-5", "powerConsumption", 5));
        bus.publish("publisher", reading("WasteContainer", "bin-6", "temperature", 6)); // matches only the old ones
        bus.publish("publisher", bin(7));

        eventually().until(() -> second.size() == 4);
        assertEquals(List.of(1, 4, 5, 7), values(second));
        eventually().until(() -> info(bus, taken).dropped() == 1);
        SubscriberInfo info = info(bus, taken);
        assertEquals(newFilters, info.topicFilters());
        assertEquals(newFilters, taken.topicFilters());
        assertEquals(4, info.delivered());
        assertEquals(0, info.queueDepth());
    }

    @Test
    void theWatchdogIgnoresAParkedSubscriberWhichSleeps() {
        BusEngine bus = engine(5, Duration.ofMillis(20), 1);
        Subscription old = bus.subscribeDurable(V1, WATCHER, List.of("#"), r -> { });
        String threadName = "regie-bus-nl.example.bins-" + ((Lease) old).id();
        Thread thread = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(threadName))
                .findFirst().orElseThrow();
        BusHolds.Hold hold = bus.hold("nl.example.bins");
        old.close();
        publish(bus, 0, 9); // full, and overflowing

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getThreadCpuTime(thread.getId());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> {
            SubscriberInfo info = info(bus, old);
            return info.state() == State.PARKED && info.failed() == 0 && info.timedOut() == 0
                    && thread.getState() == Thread.State.WAITING;
        });
        long cpuNanos = threads.getThreadCpuTime(thread.getId()) - cpuBefore;
        assertTrue(cpuNanos < Duration.ofMillis(50).toNanos(), "a parked delivery thread used " + cpuNanos + " ns");
        assertEquals(5, hold.held());
        assertEquals(5, hold.droppedWhileHeld());
    }

    @Test
    void aDeliveryInProgressToTheOldListenerEndsBeforeCloseReturnsAndTheNewOneGetsTheRest() throws Exception {
        BusEngine bus = engine(100, Duration.ofSeconds(30), 10);
        CountDownLatch entered = new CountDownLatch(1);
        AtomicBoolean oldFinished = new AtomicBoolean();
        Queue<Reading> first = new ConcurrentLinkedQueue<>();
        Queue<Reading> second = new ConcurrentLinkedQueue<>();
        Subscription old = bus.subscribeDurable(V1, WATCHER, List.of("#"), r -> {
            first.add(r);
            entered.countDown();
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // finishes when released, however long that takes
                }
            }
            oldFinished.set(true);
        });
        BusHolds.Hold hold = bus.hold("nl.example.bins");
        publish(bus, 0, 4);
        entered.await();

        AtomicBoolean finishedWhenCloseReturned = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            old.close();
            finishedWhenCloseReturned.set(oldFinished.get());
        });
        closer.start();
        eventually().until(() -> info(bus, old).state() == State.PARKED);
        assertTrue(closer.isAlive(), "close waits for the delivery in progress");
        release.countDown();
        closer.join();
        assertTrue(finishedWhenCloseReturned.get());

        bus.subscribeDurable(V2, WATCHER, List.of("#"), second::add);
        eventually().until(() -> second.size() == 4);
        assertEquals(List.of(0), values(first));
        assertEquals(List.of(1, 2, 3, 4), values(second));
        assertEquals(0, hold.held(), "these were queued before it was parked");
    }

    @Test
    void aListenerMayCloseItsOwnDurableSubscriptionDuringAHold() {
        BusEngine bus = engine();
        AtomicReference<Subscription> self = new AtomicReference<>();
        Queue<Reading> first = new ConcurrentLinkedQueue<>();
        Queue<Reading> second = new ConcurrentLinkedQueue<>();
        self.set(bus.subscribeDurable(V1, WATCHER, List.of("#"), r -> {
            first.add(r);
            self.get().close();
        }));
        BusHolds.Hold hold = bus.hold("nl.example.bins");

        bus.publish("publisher", bin(1));
        eventually().until(() -> hold.parked().contains(WATCHER));
        publish(bus, 2, 3);
        bus.subscribeDurable(V2, WATCHER, List.of("#"), second::add);

        eventually().until(() -> second.size() == 2);
        assertEquals(List.of(1), values(first));
        assertEquals(List.of(2, 3), values(second));
    }

    @Test
    void theOldListenersHandleClosesNothingOnceTakenOver() {
        BusEngine bus = engine();
        Queue<Reading> second = new ConcurrentLinkedQueue<>();
        Subscription old = bus.subscribeDurable(V1, WATCHER, List.of("#"), r -> { });
        BusHolds.Hold hold = bus.hold("nl.example.bins");
        old.close();
        Subscription taken = bus.subscribeDurable(V2, WATCHER, List.of("#"), second::add);

        old.close();

        assertEquals(Set.of(), hold.parked());
        assertEquals(State.ACTIVE, info(bus, taken).state());
        bus.publish("publisher", bin(1));
        eventually().until(() -> second.size() == 1);
    }

    @Test
    void aHoldForANameAlreadyHeldIsRefused() {
        BusEngine bus = engine();
        BusHolds.Hold hold = bus.hold("nl.example.bins");

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> bus.hold("nl.example.bins"));
        assertEquals("a hold for nl.example.bins is already open", refused.getMessage());
        bus.hold("nl.example.lights").close();
        hold.close();
        bus.hold("nl.example.bins").close(); // once ended, the name may be held again
        assertEquals("symbolic name must not be blank",
                assertThrows(IllegalArgumentException.class, () -> bus.hold(" ")).getMessage());
        bus.close();
        assertEquals("the bus is closed",
                assertThrows(IllegalStateException.class, () -> bus.hold("nl.example.bins")).getMessage());
    }

    @Test
    void anotherBundleCannotTakeASubscriptionOverWithTheSameDurableName() {
        BusEngine bus = engine();
        Queue<Reading> intruder = new ConcurrentLinkedQueue<>();
        Subscription old = bus.subscribeDurable(V1, WATCHER, List.of("#"), r -> { });
        BusHolds.Hold hold = bus.hold("nl.example.bins");
        BusHolds.Hold otherHold = bus.hold("nl.example.other");
        old.close();
        publish(bus, 0, 2);

        Subscription other = bus.subscribeDurable(new Owner("nl.example.other", "1.0.0", 18), WATCHER, List.of("#"),
                intruder::add);

        assertNotEquals(((Lease) old).id(), ((Lease) other).id());
        assertEquals(Set.of(WATCHER), hold.parked());
        assertEquals(Set.of(), otherHold.parked());
        assertEquals(State.PARKED, info(bus, old).state());
        assertEquals(3, info(bus, old).queueDepth());
        bus.publish("publisher", bin(3));
        eventually().until(() -> intruder.size() == 1);
        assertEquals(List.of(3), values(intruder), "it never sees what the other bundle's subscription held");
    }

    @Test
    void aSecondListenerWithADurableNameInUseGetsAnOrdinarySubscription() {
        BusEngine bus = engine();
        Subscription first = bus.subscribeDurable(V1, WATCHER, List.of("#"), r -> { });
        Subscription second = bus.subscribeDurable(V1, WATCHER, List.of("#"), r -> { });
        BusHolds.Hold hold = bus.hold("nl.example.bins");

        second.close();
        first.close();

        assertEquals(Set.of(WATCHER), hold.parked());
        assertEquals(1, bus.subscribers().size());
        assertTrue(log.messages("warn").get(0).contains("only the first is durable"), log.entries().toString());
    }

    @Test
    void closingTheBusClosesParkedSubscriptionsToo() {
        BusEngine bus = engine();
        Subscription old = bus.subscribeDurable(V1, WATCHER, List.of("#"), r -> { });
        BusHolds.Hold hold = bus.hold("nl.example.bins");
        old.close();

        bus.close();
        hold.close();

        assertEquals(List.of(), bus.subscribers());
        assertEquals(Set.of(), hold.parked());
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("regie-bus-nl.example.bins-" + ((Lease) old).id())));
    }
}
