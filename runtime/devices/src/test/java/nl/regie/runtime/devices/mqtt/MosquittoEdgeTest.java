package nl.regie.runtime.devices.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Reading;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.Mosquitto;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two edges and a core on a real Mosquitto, wired as the runtime wires them but without a framework: devices' packs
 * reach the core's bus once each, in each device's order, also when an edge stops in the middle and comes back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MosquittoEdgeTest {

    private static final String SITE = "edgecity";
    /** Odd, so that Mosquitto's round robin over two edges gives each device's packs to both in turn. */
    private static final int DEVICES = 7;
    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    @TempDir
    Path tmp;

    private final RecordingLogger log = new RecordingLogger();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "test-edge");
        t.setDaemon(true);
        return t;
    });
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Reading> onBus = new CopyOnWriteArrayList<>();
    private Mosquitto broker;
    private EdgeCore core;

    @BeforeEach
    void start() throws Exception {
        broker = Mosquitto.start(tmp);
        BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
        Subscription subscription = bus.subscribe(new Owner("test", "0.0.0", 0), List.of("WasteContainer/#"), onBus::add);
        open.add(bus::close);
        open.add(subscription::close);
        DeviceBridge bridge = new DeviceBridge(BridgeSettings.defaults(SITE).withFutureTolerance(null), bus::publish,
                Clock.systemUTC(), log.logger());
        core = new EdgeCore(SITE, 10_000, Duration.ofMillis(2000), bridge, 1000, log.logger());
        PahoConnection connection = new PahoConnection(ConnectionSettings.of(broker.url(), "regie-" + SITE),
                core.filters(bridge.topicFilters()), (topic, payload) -> core.onMessage(topic, payload, bridge),
                scheduler, log.logger());
        open.add(0, connection);
        core.start(scheduler, null);
        connection.start();
        await().atMost(Duration.ofSeconds(20)).until(connection::isSubscribed);
    }

    private EdgeLink edge(String clientId) throws Exception {
        EdgeForwarder forwarder = new EdgeForwarder(BridgeSettings.defaults(SITE).withFutureTolerance(null),
                Clock.systemUTC(), log.logger(), new RecordingAuditLog());
        EdgeLink link = new EdgeLink(ConnectionSettings.of(broker.url(), clientId), "edges", 100, forwarder, scheduler,
                log.logger());
        link.start();
        await().atMost(Duration.ofSeconds(20)).until(link::isConnected);
        return link;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        scheduler.shutdownNow();
        if (broker != null) {
            broker.close();
        }
    }

    private static byte[] pack(int device, int n) {
        return ("[{\"bn\":\"urn:ngsi-ld:WasteContainer:bin-" + device + ":\",\"bt\":"
                + (T0.getEpochSecond() + n) + ",\"n\":\"fillingLevel\",\"u\":\"/\",\"v\":" + n + "}]")
                .getBytes(StandardCharsets.UTF_8);
    }


    private void publish(MqttAsyncClient devices, int from, int to) throws Exception {
        for (int n = from; n < to; n++) {
            for (int d = 0; d < DEVICES; d++) {
                devices.publish("regie/v1/" + SITE + "/dev/bin-" + d + "/tele", pack(d, n), 1, false)
                        .waitForCompletion(10_000);
            }
        }
    }

    /** Each device's values in the order the bus delivered them. */
    private Map<String, List<Integer>> byDevice() {
        Map<String, List<Integer>> values = new TreeMap<>();
        for (Reading r : onBus) {
            values.computeIfAbsent(r.source(), d -> new ArrayList<>()).add((int) r.number().orElseThrow());
        }
        return values;
    }

    private static List<Integer> upTo(int count) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(i);
        }
        return list;
    }

    @Test
    void twoEdgesShareTheDevicesAndTheCoreSeesEachPackOnceInEachDevicesOrder() throws Exception {
        EdgeLink first = edge("edge-1");
        open.add(0, first);
        EdgeLink second = edge("edge-2");
        open.add(0, second);
        MqttAsyncClient devices = new MqttAsyncClient(broker.url(), "devices", new MemoryPersistence());
        devices.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        open.add(0, devices::disconnectForcibly);

        publish(devices, 0, 50);

        await().atMost(Duration.ofSeconds(60)).until(() -> onBus.size() >= DEVICES * 50);
        Map<String, List<Integer>> values = byDevice();
        for (int d = 0; d < DEVICES; d++) {
            assertEquals(upTo(50), values.get("bin-" + d), "bin-" + d + ": every pack once, in order");
        }
        assertTrue(first.forwarded() > 0 && second.forwarded() > 0,
                "both edges took a share: " + first.forwarded() + " and " + second.forwarded());
        assertEquals(DEVICES * 50, first.forwarded() + second.forwarded());
        assertEquals(0, core.counts().late());
    }

    @Test
    void anEdgeThatStopsMidStreamLosesNothingOnceItIsBack() throws Exception {
        EdgeLink first = edge("edge-1");
        EdgeLink second = edge("edge-2");
        open.add(0, second);
        MqttAsyncClient devices = new MqttAsyncClient(broker.url(), "devices", new MemoryPersistence());
        devices.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        open.add(0, devices::disconnectForcibly);

        publish(devices, 0, 20);
        first.close();
        publish(devices, 20, 40);
        EdgeLink again = edge("edge-1");
        open.add(0, again);
        publish(devices, 40, 60);

        await().atMost(Duration.ofSeconds(60)).until(() -> onBus.size() >= DEVICES * 60);
        Map<String, List<Integer>> values = byDevice();
        for (int d = 0; d < DEVICES; d++) {
            List<Integer> got = new ArrayList<>(values.get("bin-" + d));
            got.sort(null);
            assertEquals(upTo(60), got, "bin-" + d + ": every pack once");
        }
        assertEquals(DEVICES * 60, onBus.size(), "nothing twice");
    }
}
