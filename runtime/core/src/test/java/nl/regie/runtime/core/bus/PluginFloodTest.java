package nl.regie.runtime.core.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.LimitExceededException;
import nl.regie.runtime.core.limits.PluginLimits;
import nl.regie.runtime.core.scope.DeclaredScope;
import nl.regie.runtime.core.scope.ScopeGuards;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.monitor.SubscriberInfo;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.TestPolicy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A plugin flooding the bus within its own scope cannot take the runtime's own subscriptions' queues from the
 * devices: past the plugins' share its publishes are refused, and not one device reading is dropped. With the share
 * at 100% (the bus before limits) the same flood drops device readings: the test shows what it guards against.
 */
class PluginFloodTest {

    private static final int CAPACITY = 1_000;
    private static final int DEVICE_READINGS = 500;

    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
    private final CountDownLatch stateBlocked = new CountDownLatch(1);
    private final Set<String> stateSaw = ConcurrentHashMap.newKeySet();
    private final Owner runtime = new Owner("nl.regie.runtime.core", "0.1.0", 1);
    private final Owner flooder = new Owner("nl.example.flood", "1.0.0", 40);
    private final ScopeGuards scopes = new ScopeGuards(new TestPolicy(), new RecordingAuditLog(), log.logger(), 1,
            Clock.systemUTC());
    private final PluginLimits limits = new PluginLimits(bundle -> false, entity -> true, log.logger(),
            Clock.systemUTC(), System::nanoTime);
    private final BundleBusView flood = BundleBusView.of(bus, flooder, scopes.forPlugin(flooder,
            DeclaredScope.of(List.of(), List.of("WaterObserved/#"), List.of())), limits.forPlugin(flooder));

    @AfterEach
    void close() {
        stateBlocked.countDown();
        bus.close();
    }

    /** The city state's subscription, stuck until released: the worst case, a queue that only fills. */
    private Subscription cityState() {
        return bus.subscribe(runtime, List.of("#"), reading -> {
            stateBlocked.await();
            stateSaw.add(reading.source() + ":" + reading.entity().localId());
        }, CAPACITY);
    }

    private static Reading reading(String localId, String source) {
        return Reading.of(EntityId.of("WaterObserved", localId), "waterLevel", Value.of(1.0), "m", source);
    }

    private int flood(int attempts) {
        int refused = 0;
        for (int i = 0; i < attempts; i++) {
            try {
                flood.publish(reading("fake-" + (i % 100), flooder.symbolicName()));
            } catch (LimitExceededException e) {
                refused++;
            }
        }
        return refused;
    }

    private void devicesReport() {
        for (int i = 0; i < DEVICE_READINGS; i++) {
            bus.publish("gauge-" + i, reading("gauge-" + i, "gauge-" + i));
        }
    }

    private SubscriberInfo stateInfo() {
        return bus.subscribers().stream().filter(s -> s.bundleSymbolicName().equals(runtime.symbolicName()))
                .findFirst().orElseThrow();
    }

    @Test
    void aFloodingPluginIsRefusedPastItsShareAndTheCityStateLosesNoDeviceReading() throws InterruptedException {
        limits.apply(Map.of("publishPerSecond", 100_000_000, "publishBurst", 100_000_000, "busSharePercent", 50));
        cityState();

        int refused = flood(20_000);
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> flood.publish(reading("fake-1", flooder.symbolicName())));
        assertEquals(LimitExceededException.BUS_SHARE, e.limit());
        assertTrue(e.getMessage().startsWith("plugin nl.example.flood 1.0.0 may not publish WaterObserved/fake-1/"
                + "waterLevel now: bus subscription "), e.getMessage());
        assertTrue(e.getMessage().contains("(busSharePercent = 50); the rest is kept for the devices' readings"),
                e.getMessage());
        // The stuck delivery holds one reading; the queue holds the plugins' half.
        assertTrue(refused >= 20_000 - CAPACITY / 2 - 1, "refused " + refused);

        devicesReport();
        stateBlocked.countDown();
        long offered = 20_000 - refused + DEVICE_READINGS;
        await().atMost(Duration.ofSeconds(10)).until(() -> stateInfo().delivered() + stateInfo().dropped() == offered);
        assertEquals(0, stateInfo().dropped(), "the city state dropped nothing");
        for (int i = 0; i < DEVICE_READINGS; i++) {
            assertTrue(stateSaw.contains("gauge-" + i + ":gauge-" + i), "gauge-" + i);
        }
        assertEquals(Map.of("nl.example.flood", Map.of("busSharePercent", (long) refused + 1)), limits.refusals());
    }

    @Test
    void withTheWholeQueueOpenToPluginsTheSameFloodDropsDeviceReadings() throws InterruptedException {
        limits.apply(Map.of("publishPerSecond", 100_000_000, "publishBurst", 100_000_000, "busSharePercent", 100));
        cityState();
        assertEquals(0, flood(20_000), "nothing refused");
        devicesReport();
        stateBlocked.countDown();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> stateInfo().delivered() + stateInfo().dropped() == 20_000 + DEVICE_READINGS);
        assertTrue(stateInfo().dropped() >= DEVICE_READINGS, "dropped " + stateInfo().dropped());
        long lost = IntStream.range(0, DEVICE_READINGS)
                .filter(i -> !stateSaw.contains("gauge-" + i + ":gauge-" + i)).count();
        assertEquals(DEVICE_READINGS, lost, "every device reading was lost to the flood");
    }
}
