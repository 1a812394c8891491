package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The largest city, 10,000 devices, against a real broker: it runs on 50 connections and a handful of threads,
 * every device announces itself and reports, its heap stays well under 100 MB, and on close every device is
 * offline.
 */
@Timeout(180)
class CitySimulatorScaleTest {

    private static final String PREFIX = "regie/v1/scale/dev/";
    private static final int DEVICES = 10_000;

    @Test
    void tenThousandDevicesOnFiftyConnections() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        // x3600 and at most 5,000 packs a second: each device reports every 2 s of wall time.
        SimulatorSettings settings = SimulatorSettings.defaults().withDevices(DEVICES).withSpeed(3600)
                .withMaxMessagesPerSecond(5_000).withAckShares(0, 0);
        try (TestBroker broker = TestBroker.start(); Counter states = new Counter(broker.url(), PREFIX + "+/state")) {
            long heapBefore = settledHeap(memory);
            try (CitySimulator simulator = new CitySimulator(settings)) {
                long started = System.nanoTime();
                simulator.start(broker.url(), "scale");
                long startMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
                assertTrue(startMillis < 10_000, "started in " + startMillis + " ms");
                assertEquals(50, simulator.links().size());

                await("every birth", () -> states.online.size() == DEVICES, states);
                long packs;
                // A subscriber of its own for telemetry, gone once it has heard every device: it runs in this JVM,
                // and what its client holds of 5,000 packs a second would count as the simulator's heap.
                try (Counter telemetry = new Counter(broker.url(), PREFIX + "+/tele")) {
                    await("telemetry from every device", () -> telemetry.reporting.size() == DEVICES, telemetry);
                    packs = telemetry.telemetry.get();
                }

                long heapUsed = settledHeap(memory) - heapBefore;
                assertTrue(heapUsed < 100L * 1024 * 1024, "the simulator (and the broker's retained births and "
                        + "subscriptions) hold " + heapUsed / (1024 * 1024) + " MB");
                // Two of its own and three of Paho's per connection, nothing per device.
                long threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                        .filter(name -> name.startsWith("regie-simulator") || name.contains("sim-scale-")).count();
                assertTrue(threads <= 2 + 3 * 50, threads + " threads");
                long dropped = simulator.links().stream().mapToLong(l -> l.outbox().dropped.get() + l.outbox().failed.get()).sum();
                assertEquals(0, dropped, "nothing dropped or failed");
                System.out.printf("10,000 devices: started in %d ms, %d MB heap, %d threads, %d packs heard%n",
                        startMillis, heapUsed / (1024 * 1024), threads, packs);
            }
            await("every device offline", () -> states.offline.size() == DEVICES, states);
        }
    }

    private static void await(String what, BooleanSupplier condition, Counter counter) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 60 s: " + counter);
            }
            Thread.sleep(50);
        }
    }

    private static long settledHeap(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Counts, per device, births, offline states and telemetry. */
    private static final class Counter implements MqttCallback, AutoCloseable {
        final Set<String> online = ConcurrentHashMap.newKeySet();
        final Set<String> offline = ConcurrentHashMap.newKeySet();
        final Set<String> reporting = ConcurrentHashMap.newKeySet();
        final AtomicLong telemetry = new AtomicLong();
        private final MqttClient client;

        Counter(String url, String filter) throws MqttException {
            client = new MqttClient(url, "counter-" + UUID.randomUUID(), new MemoryPersistence());
            client.setCallback(this);
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            client.connect(options);
            client.subscribe(filter, 1);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            String rest = topic.substring(PREFIX.length());
            String device = rest.substring(0, rest.indexOf('/'));
            if (rest.endsWith("/tele")) {
                reporting.add(device);
                telemetry.incrementAndGet();
            } else if (rest.endsWith("/state")) {
                String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
                (payload.contains("true") ? online : offline).add(device);
            }
        }

        @Override
        public String toString() {
            return online.size() + " online, " + reporting.size() + " reporting, " + offline.size() + " offline, "
                    + telemetry.get() + " packs";
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }

        @Override
        public void close() throws MqttException {
            client.disconnect();
            client.close();
        }
    }
}
