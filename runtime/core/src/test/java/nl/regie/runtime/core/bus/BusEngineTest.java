package nl.regie.runtime.core.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.monitor.SubscriberInfo;
import nl.regie.runtime.spi.monitor.SubscriberInfo.State;
import nl.regie.runtime.testing.RecordingLogger;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BusEngineTest {

    private static final Owner OWNER = new Owner("test.plugin", "1.2.3", 42);
    private static final Owner OTHER = new Owner("other.plugin", "2.0.0", 43);

    private final RecordingLogger log = new RecordingLogger();
    private final List<BusEngine> engines = new ArrayList<>();
    /** Opened by tests whose listeners block; opened again after each test so no listener stays stuck. */
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

    private static Reading reading(String type, String localId, String attribute, double value) {
        return Reading.of(EntityId.of(type, localId), attribute, Value.of(value), "", "test");
    }

    private static Reading bin(int n) {
        return reading("WasteContainer", "bin-" + n, "fillingLevel", n);
    }

    private static int value(Reading reading) {
        return ((Double) reading.value().asObject()).intValue();
    }

    private static List<Integer> values(Collection<Reading> readings) {
        return readings.stream().map(BusEngineTest::value).toList();
    }

    private static SubscriberInfo info(BusEngine engine, Subscription subscription) {
        long id = ((Subscriber) subscription).id();
        return engine.subscribers().stream().filter(s -> s.id() == id).findFirst().orElseThrow();
    }

    private static Set<Thread> busThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("regie-bus-"))
                .collect(Collectors.toSet());
    }

    /** Publishes a reading and waits until a (fast) subscriber has it, so that subscriber's queue never fills. */
    private static void publishAndAwait(BusEngine bus, Reading reading, Collection<Reading> received) {
        bus.publish("publisher", reading);
        eventually().until(() -> received.contains(reading));
    }

    /** A listener that blocks on {@link #release}, ignoring interrupts, and says when it has started. */
    private ReadingListener stuckListener(CountDownLatch entered) {
        return stuckListener(entered, new ConcurrentLinkedQueue<>());
    }

    /** The same, keeping what it was given. */
    private ReadingListener stuckListener(CountDownLatch entered, Queue<Reading> received) {
        return reading -> {
            received.add(reading);
            entered.countDown();
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // a listener that will not be interrupted
                }
            }
        };
    }

    @Test
    void deliversAsynchronouslyOnANamedDaemonThreadOfItsOwn() {
        BusEngine bus = engine();
        AtomicReference<Thread> deliveredOn = new AtomicReference<>();
        Subscription subscription = bus.subscribe(OWNER, List.of("WasteContainer/+/fillingLevel"),
                r -> deliveredOn.set(Thread.currentThread()));

        bus.publish("publisher", bin(1));

        eventually().until(() -> deliveredOn.get() != null);
        Thread thread = deliveredOn.get();
        assertEquals("regie-bus-test.plugin-" + ((Subscriber) subscription).id(), thread.getName());
        assertTrue(thread.isDaemon());
        assertTrue(thread != Thread.currentThread());
        assertEquals(List.of("WasteContainer/+/fillingLevel"), subscription.topicFilters());
    }

    @Test
    void keepsPublishOrderPerEntityForEverySubscriber() throws Exception {
        BusEngine bus = engine(20_000, Duration.ofSeconds(5), 10);
        int entities = 40;
        int perEntity = 250;
        Map<String, Queue<Reading>> received = new HashMap<>();
        for (String filter : List.of("#", "WasteContainer/#", "+/+/fillingLevel")) {
            Queue<Reading> queue = new ConcurrentLinkedQueue<>();
            received.put(filter, queue);
            bus.subscribe(OWNER, List.of(filter), queue::add);
        }
        // Two publishing threads, each owning half of the entities; half are bins, half streetlights.
        List<Thread> publishers = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int parity = p;
            publishers.add(new Thread(() -> {
                for (int seq = 0; seq < perEntity; seq++) {
                    for (int e = parity; e < entities; e += 2) {
                        String type = e < entities / 2 ? "WasteContainer" : "Streetlight";
                        String attribute = seq % 2 == 0 ? "fillingLevel" : "temperature";
                        bus.publish("publisher-" + parity, reading(type, "e" + e, attribute, seq));
                    }
                }
            }));
        }
        publishers.forEach(Thread::start);
        for (Thread publisher : publishers) {
            publisher.join();
        }

        int all = entities * perEntity;
        Map<String, Integer> expected = Map.of("#", all, "WasteContainer/#", all / 2, "+/+/fillingLevel", all / 2);
        eventually().until(() -> expected.entrySet().stream()
                .allMatch(e -> received.get(e.getKey()).size() == e.getValue()));
        received.forEach((filter, readings) -> {
            Map<EntityId, List<Double>> byEntity = readings.stream().collect(Collectors.groupingBy(Reading::entity,
                    Collectors.mapping(r -> (Double) r.value().asObject(), Collectors.toList())));
            byEntity.forEach((entity, values) -> {
                for (int i = 1; i < values.size(); i++) {
                    assertTrue(values.get(i - 1) < values.get(i), filter + " got " + entity + " out of order: " + values);
                }
            });
        });
        assertEquals(all, bus.published());
        assertEquals(Map.of("publisher-0", (long) all / 2, "publisher-1", (long) all / 2), bus.publishedBy());
        bus.subscribers().forEach(s -> assertEquals(0, s.dropped(), s.toString()));
    }

    @Test
    void everyReadingIsDeliveredOrCountedAsDroppedUnderConcurrentPublishers() throws Exception {
        BusEngine bus = engine(64, Duration.ofSeconds(5), 10);
        AtomicInteger received = new AtomicInteger();
        Subscription subscription = bus.subscribe(OWNER, List.of("#"), r -> received.incrementAndGet());
        List<Thread> publishers = IntStream.range(0, 4).mapToObj(p -> new Thread(() -> {
            for (int i = 0; i < 5_000; i++) {
                bus.publish("publisher-" + p, bin(i));
            }
        })).toList();

        publishers.forEach(Thread::start);
        for (Thread publisher : publishers) {
            publisher.join();
        }

        eventually().until(() -> info(bus, subscription).delivered() + info(bus, subscription).dropped() == 20_000);
        assertEquals(info(bus, subscription).delivered(), received.get());
        assertEquals(0, info(bus, subscription).queueDepth());
    }

    @Test
    void aSlowSubscriberHoldsUpNeitherThePublisherNorTheOthers() {
        BusEngine bus = engine();
        int count = 300;
        Queue<Reading> slow = new ConcurrentLinkedQueue<>();
        Queue<Reading> fast = new ConcurrentLinkedQueue<>();
        Subscription slowSubscription = bus.subscribe(OWNER, List.of("#"), r -> {
            Thread.sleep(2);
            slow.add(r);
        });
        bus.subscribe(OTHER, List.of("#"), fast::add);

        for (int i = 0; i < count; i++) {
            bus.publish("publisher", bin(i));
        }
        // Had publish waited for the slow subscriber, it would have delivered all of them by now (2 ms each).
        int slowWhenPublished = slow.size();

        eventually().until(() -> fast.size() == count);
        assertTrue(slowWhenPublished < count, "publishing waited for the slow subscriber: " + slowWhenPublished);
        assertEquals(IntStream.range(0, count).boxed().toList(), values(fast));
        eventually().until(() -> slow.size() == count);
        assertEquals(values(fast), values(slow));
        assertEquals(count, info(bus, slowSubscription).delivered());
    }

    @Test
    void aFullQueueDropsTheNewestReadingAndCountsExactly() throws Exception {
        int capacity = 10;
        int extra = 7;
        BusEngine bus = engine(capacity, Duration.ofSeconds(30), 10);
        CountDownLatch entered = new CountDownLatch(1);
        Queue<Reading> others = new ConcurrentLinkedQueue<>();
        Queue<Reading> received = new ConcurrentLinkedQueue<>();
        Subscription blocked = bus.subscribe(OWNER, List.of("#"), stuckListener(entered, received));
        bus.subscribe(OTHER, List.of("#"), others::add);

        bus.publish("publisher", bin(0));
        entered.await(); // the first reading has left the queue: the queue is empty and the listener blocked
        for (int i = 1; i <= capacity + extra; i++) {
            publishAndAwait(bus, bin(i), others); // the other subscriber's queue, as small, must not overflow
        }

        SubscriberInfo full = info(bus, blocked);
        assertEquals(extra, full.dropped());
        assertEquals(capacity, full.queueDepth());
        assertEquals(capacity, full.queueCapacity());
        assertEquals(0, full.delivered());

        release.countDown();
        eventually().until(() -> info(bus, blocked).delivered() == 1 + capacity);
        SubscriberInfo drained = info(bus, blocked);
        assertEquals(extra, drained.dropped());
        assertEquals(0, drained.queueDepth());
        assertEquals(IntStream.rangeClosed(0, capacity).boxed().toList(), values(received), "the newest were dropped");
    }

    @Test
    void aSubscriptionMayHaveAQueueOfItsOwnSize() throws Exception {
        BusEngine bus = engine(2, Duration.ofSeconds(30), 10);
        CountDownLatch entered = new CountDownLatch(1);
        Queue<Reading> received = new ConcurrentLinkedQueue<>();
        Subscription large = bus.subscribe(OWNER, List.of("#"), stuckListener(entered, received), 20);

        bus.publish("publisher", bin(0));
        entered.await();
        for (int i = 1; i <= 25; i++) {
            bus.publish("publisher", bin(i));
        }

        SubscriberInfo info = info(bus, large);
        assertEquals(20, info.queueCapacity());
        assertEquals(20, info.queueDepth());
        assertEquals(5, info.dropped(), "only what exceeds its own capacity, not the bus default of 2");
        assertThrows(IllegalArgumentException.class, () -> bus.subscribe(OTHER, List.of("#"), r -> { }, 0));
    }

    @Test
    void aThrowingSubscriberIsCountedIsolatedAndQuarantined() {
        BusEngine bus = engine(1_000, Duration.ofSeconds(5), 5);
        Queue<Reading> others = new ConcurrentLinkedQueue<>();
        AtomicInteger calls = new AtomicInteger();
        Subscription failing = bus.subscribe(OWNER, List.of("WasteContainer/#"), r -> {
            calls.incrementAndGet();
            throw new IllegalStateException("bin " + r.entity().localId() + " broke me");
        });
        bus.subscribe(OTHER, List.of("#"), others::add);

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 20; i++) {
                bus.publish("publisher", bin(i));
            }
        });

        eventually().until(() -> others.size() == 20);
        eventually().until(() -> info(bus, failing).dropped() == 15);
        SubscriberInfo quarantined = info(bus, failing);
        assertEquals(State.QUARANTINED, quarantined.state());
        assertEquals(5, quarantined.failed());
        assertEquals(0, quarantined.timedOut());
        assertEquals(0, quarantined.delivered());
        assertEquals(0, quarantined.queueDepth());
        assertEquals("java.lang.IllegalStateException: bin bin-4 broke me", quarantined.lastFailure());
        assertEquals(5, calls.get());

        bus.publish("publisher", bin(99));
        eventually().until(() -> others.size() == 21);
        assertEquals(16, info(bus, failing).dropped());
        assertEquals(5, calls.get());
        List<String> quarantineWarnings = log.messages("warn").stream().filter(m -> m.contains("quarantined")).toList();
        assertEquals(1, quarantineWarnings.size(), log.entries().toString());
        assertTrue(quarantineWarnings.get(0).contains("test.plugin 1.2.3 [42]"), quarantineWarnings.get(0));
        assertTrue(quarantineWarnings.get(0).contains("after 5 consecutive failures"), quarantineWarnings.get(0));
        assertTrue(quarantineWarnings.get(0).contains("bin bin-4 broke me"), quarantineWarnings.get(0));
    }

    @Test
    void aSuccessResetsTheConsecutiveFailureCount() {
        BusEngine bus = engine(1_000, Duration.ofSeconds(5), 2);
        Subscription flaky = bus.subscribe(OWNER, List.of("#"), r -> {
            if (value(r) % 2 == 1) {
                throw new IllegalArgumentException("odd");
            }
        });

        for (int i = 0; i < 20; i++) {
            bus.publish("publisher", bin(i));
        }

        eventually().until(() -> info(bus, flaky).delivered() + info(bus, flaky).failed() == 20);
        SubscriberInfo info = info(bus, flaky);
        assertEquals(State.ACTIVE, info.state());
        assertEquals(10, info.delivered());
        assertEquals(10, info.failed());
        assertEquals(0, info.dropped());
    }

    @Test
    void failureLogsAreRateLimited() {
        BusEngine bus = engine(1_000, Duration.ofSeconds(5), 1_000);
        Subscription failing = bus.subscribe(OWNER, List.of("#"), r -> {
            throw new IllegalStateException("always");
        });

        for (int i = 0; i < 200; i++) {
            bus.publish("publisher", bin(i));
        }

        eventually().until(() -> info(bus, failing).failed() == 200);
        List<RecordingLogger.Entry> failures = log.entries().stream()
                .filter(e -> e.message().contains("failed: java.lang.IllegalStateException: always")).toList();
        assertEquals(1, failures.size(), log.entries().toString());
        assertTrue(failures.get(0).message().contains("test.plugin"), failures.get(0).message());
        assertTrue(failures.get(0).exception() instanceof IllegalStateException);
    }

    @Test
    void aBlockingDeliveryIsTimedOutInterruptedAndTheNextReadingDelivered() {
        BusEngine bus = engine(1_000, Duration.ofMillis(100), 10);
        Queue<Reading> received = new ConcurrentLinkedQueue<>();
        Queue<Reading> others = new ConcurrentLinkedQueue<>();
        Subscription blocking = bus.subscribe(OWNER, List.of("#"), r -> {
            if (value(r) == 0) {
                new CountDownLatch(1).await(); // until interrupted
            }
            received.add(r);
        });
        bus.subscribe(OTHER, List.of("#"), others::add);

        for (int i = 0; i < 3; i++) {
            bus.publish("publisher", bin(i));
        }

        eventually().until(() -> others.size() == 3);
        eventually().until(() -> received.size() == 2);
        SubscriberInfo info = info(bus, blocking);
        assertEquals(1, info.timedOut());
        assertEquals(1, info.failed(), "the InterruptedException after the timeout is not a second failure");
        assertEquals(2, info.delivered());
        assertEquals(State.ACTIVE, info.state());
        assertEquals("delivery of WasteContainer/bin-0/fillingLevel took longer than 100 ms", info.lastFailure());
        assertEquals(List.of(1, 2), values(received));
    }

    @Test
    void aListenerThatIgnoresTheTimeoutOnlyOverflowsItsOwnQueue() throws Exception {
        BusEngine bus = engine(5, Duration.ofMillis(50), 10);
        CountDownLatch entered = new CountDownLatch(1);
        Queue<Reading> others = new ConcurrentLinkedQueue<>();
        Subscription stuck = bus.subscribe(OWNER, List.of("#"), stuckListener(entered));
        bus.subscribe(OTHER, List.of("#"), others::add);

        bus.publish("publisher", bin(0));
        entered.await();
        eventually().until(() -> info(bus, stuck).timedOut() == 1);
        for (int i = 1; i <= 20; i++) {
            publishAndAwait(bus, bin(i), others);
        }

        SubscriberInfo info = info(bus, stuck);
        assertEquals(15, info.dropped());
        assertEquals(5, info.queueDepth());
        assertEquals(1, info.failed());
        assertEquals(1, info.timedOut(), "one stuck delivery times out once");

        release.countDown();
        eventually().until(() -> info(bus, stuck).delivered() == 5);
        assertEquals(1, info(bus, stuck).failed());
    }

    @Test
    void aTimeoutCountsTowardsQuarantine() throws Exception {
        BusEngine bus = engine(5, Duration.ofMillis(50), 1);
        CountDownLatch entered = new CountDownLatch(1);
        Subscription stuck = bus.subscribe(OWNER, List.of("#"), stuckListener(entered));

        bus.publish("publisher", bin(0));
        entered.await();
        eventually().until(() -> info(bus, stuck).state() == State.QUARANTINED);
        for (int i = 1; i <= 8; i++) {
            bus.publish("publisher", bin(i));
        }
        assertEquals(8, info(bus, stuck).dropped());
        release.countDown();
        bus.publish("publisher", bin(9));
        eventually().until(() -> info(bus, stuck).dropped() == 9);
        assertEquals(0, info(bus, stuck).delivered());
    }

    @Test
    void aShorterTimeoutConfiguredWhileTheBusRunsTimesOutTheDeliveryInProgress() throws Exception {
        BusEngine bus = engine(5, Duration.ofHours(1), 10);
        CountDownLatch entered = new CountDownLatch(1);
        Subscription stuck = bus.subscribe(OWNER, List.of("#"), stuckListener(entered));
        bus.publish("publisher", bin(0));
        entered.await();

        bus.configure(new BusSettings(5, Duration.ofMillis(50), 10));

        eventually().until(() -> info(bus, stuck).timedOut() == 1);
        assertEquals("delivery of WasteContainer/bin-0/fillingLevel took longer than 50 ms",
                info(bus, stuck).lastFailure());
        assertEquals(State.ACTIVE, info(bus, stuck).state());
        assertEquals(new BusSettings(5, Duration.ofMillis(50), 10), bus.settings());
    }

    @Test
    void aLowerQuarantineThresholdAppliesToTheFailuresThatFollow() {
        BusEngine bus = engine(1_000, Duration.ofSeconds(5), 100);
        AtomicInteger calls = new AtomicInteger();
        Subscription failing = bus.subscribe(OWNER, List.of("#"), r -> {
            calls.incrementAndGet();
            throw new IllegalStateException("broken");
        });
        for (int i = 0; i < 3; i++) {
            bus.publish("publisher", bin(i));
        }
        eventually().until(() -> info(bus, failing).failed() == 3);
        assertEquals(State.ACTIVE, info(bus, failing).state());

        bus.configure(new BusSettings(1_000, Duration.ofSeconds(5), 4));
        bus.publish("publisher", bin(3));

        eventually().until(() -> info(bus, failing).state() == State.QUARANTINED);
        assertEquals(4, calls.get(), "the fourth failure in a row quarantines it under the new threshold");
    }

    @Test
    void aNewQueueCapacityIsForSubscriptionsMadeAfterItAndEveryReadingIsKept() throws Exception {
        BusEngine bus = engine(3, Duration.ofSeconds(5), 10);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        Queue<Reading> before = new ConcurrentLinkedQueue<>();
        Subscription old = bus.subscribe(OWNER, List.of("#"), r -> {
            entered.countDown();
            go.await();
            before.add(r);
        });
        bus.publish("publisher", bin(0));
        entered.await();
        bus.publish("publisher", bin(1));
        bus.publish("publisher", bin(2));

        bus.configure(new BusSettings(50, Duration.ofSeconds(5), 10));
        Subscription made = bus.subscribe(OTHER, List.of("#"), r -> { });

        assertEquals(3, info(bus, old).queueCapacity(), "a queue in use keeps its capacity");
        assertEquals(2, info(bus, old).queueDepth(), "and what waits in it");
        assertEquals(50, info(bus, made).queueCapacity());
        assertEquals(new BusSettings(50, Duration.ofSeconds(5), 10), bus.settings());
        go.countDown();
        eventually().until(() -> before.size() == 3);
        assertEquals(List.of(0, 1, 2), values(before));
        assertEquals(0, info(bus, old).dropped());
    }

    @Test
    void aListenerThatInterruptsItselfDoesNotDisturbDelivery() {
        BusEngine bus = engine();
        Queue<Reading> received = new ConcurrentLinkedQueue<>();
        Subscription rude = bus.subscribe(OWNER, List.of("#"), r -> {
            Thread.sleep(0, 1); // throws if the flag was left set by the previous call
            received.add(r);
            Thread.currentThread().interrupt();
        });

        for (int i = 0; i < 50; i++) {
            bus.publish("publisher", bin(i));
        }

        eventually().until(() -> received.size() == 50);
        assertEquals(0, info(bus, rude).failed());
    }

    @Test
    void aReadingMatchingSeveralFiltersIsDeliveredOnce() {
        BusEngine bus = engine();
        Queue<Reading> received = new ConcurrentLinkedQueue<>();
        Subscription subscription = bus.subscribe(OWNER,
                List.of("#", "WasteContainer/+/fillingLevel", "WasteContainer/bin-1/#"), received::add);
        Queue<Reading> marker = new ConcurrentLinkedQueue<>();
        bus.subscribe(OTHER, List.of("Streetlight/#"), marker::add);

        bus.publish("publisher", bin(1));
        bus.publish("publisher", reading("Streetlight", "lamp-1", "powerConsumption", 3));

        eventually().until(() -> received.size() == 2 && marker.size() == 1);
        assertEquals(2, info(bus, subscription).delivered());
    }

    @Test
    void closingASubscriptionStopsDeliveryAndEndsItsThread() {
        BusEngine bus = engine();
        Queue<Reading> closedOnes = new ConcurrentLinkedQueue<>();
        Queue<Reading> others = new ConcurrentLinkedQueue<>();
        Subscription closing = bus.subscribe(OWNER, List.of("#"), closedOnes::add);
        bus.subscribe(OTHER, List.of("#"), others::add);
        String threadName = ((Subscriber) closing).threadName();
        Thread thread = busThreads().stream().filter(t -> t.getName().equals(threadName)).findFirst().orElseThrow();

        closing.close();
        closing.close(); // a second close has no effect

        assertFalse(thread.isAlive());
        assertEquals(List.of("other.plugin"), bus.subscribers().stream().map(SubscriberInfo::bundleSymbolicName).toList());
        bus.publish("publisher", bin(1));
        eventually().until(() -> others.size() == 1);
        assertTrue(closedOnes.isEmpty());
    }

    @Test
    void aListenerMayCloseItsOwnSubscription() {
        BusEngine bus = engine();
        AtomicReference<Subscription> self = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        self.set(bus.subscribe(OWNER, List.of("#"), r -> {
            calls.incrementAndGet();
            self.get().close();
        }));

        bus.publish("publisher", bin(1));

        eventually().until(() -> bus.subscribers().isEmpty());
        bus.publish("publisher", bin(2));
        assertEquals(1, calls.get());
    }

    @Test
    void closeLeavesNoBusThreadAlive() throws Exception {
        Set<Thread> before = busThreads();
        BusEngine bus = engine(10, Duration.ofSeconds(5), 10);
        CountDownLatch entered = new CountDownLatch(1);
        bus.subscribe(OWNER, List.of("#"), r -> {
            entered.countDown();
            new CountDownLatch(1).await(); // blocked until close interrupts it
        });
        bus.subscribe(OWNER, List.of("WasteContainer/#"), r -> { });
        bus.subscribe(OTHER, List.of("+/+/fillingLevel"), r -> { });
        bus.publish("publisher", bin(1));
        entered.await();
        Set<Thread> ours = busThreads();
        ours.removeAll(before);
        assertEquals(4, ours.size(), "three delivery threads and the watchdog: " + ours);

        bus.close();

        assertEquals(List.of(), ours.stream().filter(Thread::isAlive).map(Thread::getName).toList());
        assertEquals(List.of(), bus.subscribers());
        assertThrows(IllegalStateException.class, () -> bus.subscribe(OWNER, List.of("#"), r -> { }));
        bus.publish("publisher", bin(2)); // goes nowhere, and does not throw
    }

    @Test
    void aNullReadingOrPublisherIsRefused() {
        BusEngine bus = engine();
        NullPointerException noReading = assertThrows(NullPointerException.class, () -> bus.publish("publisher", null));
        assertEquals("cannot publish a null reading", noReading.getMessage());
        NullPointerException noPublisher = assertThrows(NullPointerException.class, () -> bus.publish(null, bin(1)));
        assertEquals("the publisher of a reading must be named", noPublisher.getMessage());
        assertEquals(0, bus.published());
    }

    static Stream<Arguments> incompleteReadings() {
        EntityId bin = EntityId.of("WasteContainer", "bin-1");
        Instant now = Instant.now();
        Value value = Value.of(0.5);
        return Stream.of(
                Arguments.of("reading entity is required", (Executable) () -> new Reading(null, "fillingLevel", value, "/", now, now, "dev", null)),
                Arguments.of("reading attribute is required", (Executable) () -> new Reading(bin, null, value, "/", now, now, "dev", null)),
                Arguments.of("reading value is required", (Executable) () -> new Reading(bin, "fillingLevel", null, "/", now, now, "dev", null)),
                Arguments.of("reading unit is required (use \"\" for none)", (Executable) () -> new Reading(bin, "fillingLevel", value, null, now, now, "dev", null)),
                Arguments.of("reading observedAt is required", (Executable) () -> new Reading(bin, "fillingLevel", value, "/", null, now, "dev", null)),
                Arguments.of("reading receivedAt is required", (Executable) () -> new Reading(bin, "fillingLevel", value, "/", now, null, "dev", null)),
                Arguments.of("reading source is required", (Executable) () -> new Reading(bin, "fillingLevel", value, "/", now, now, null, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("incompleteReadings")
    void readingsMissingARequiredFieldCannotBeMade(String message, Executable makeReading) {
        assertEquals(message, assertThrows(NullPointerException.class, makeReading).getMessage());
    }

    @Test
    void aMalformedFilterIsRefusedBeforeAnythingIsSubscribed() {
        BusEngine bus = engine();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> bus.subscribe(OWNER, List.of("#", "WasteContainer//fillingLevel"), r -> { }));
        assertEquals("topic filter 'WasteContainer//fillingLevel' has an empty level 2", refused.getMessage());
        assertEquals(List.of(), bus.subscribers());
        assertEquals("at least one topic filter is required",
                assertThrows(IllegalArgumentException.class, () -> bus.subscribe(OWNER, List.of(), r -> { })).getMessage());
    }

    @Test
    void subscribersAreListedByBundleThenIdWithTheirOwnerAndFilters() {
        BusEngine bus = engine(123, Duration.ofSeconds(5), 10);
        Subscription first = bus.subscribe(OWNER, List.of("#"), r -> { });
        Subscription second = bus.subscribe(OTHER, List.of("Streetlight/+/powerConsumption"), r -> { });
        Subscription third = bus.subscribe(OWNER, List.of("WasteContainer/#", "Device/#"), r -> { });

        List<SubscriberInfo> listed = bus.subscribers();

        assertEquals(List.of(((Subscriber) second).id(), ((Subscriber) first).id(), ((Subscriber) third).id()),
                listed.stream().map(SubscriberInfo::id).toList());
        SubscriberInfo info = listed.get(2);
        assertEquals(new SubscriberInfo(((Subscriber) third).id(), "test.plugin", "1.2.3", 42,
                List.of("WasteContainer/#", "Device/#"), State.ACTIVE, 0, 0, 0, 0, 0, 123, ""), info);
    }

    @Test
    void aNewSubscriberReceivesTopicsThatWereAlreadyRouted() {
        BusEngine bus = engine();
        Queue<Reading> early = new ConcurrentLinkedQueue<>();
        bus.subscribe(OWNER, List.of("#"), early::add);
        bus.publish("publisher", bin(1)); // caches the route of this topic
        Queue<Reading> late = new ConcurrentLinkedQueue<>();
        bus.subscribe(OTHER, List.of("WasteContainer/+/fillingLevel"), late::add);

        bus.publish("publisher", bin(1));

        eventually().until(() -> early.size() == 2 && late.size() == 1);
    }
}
