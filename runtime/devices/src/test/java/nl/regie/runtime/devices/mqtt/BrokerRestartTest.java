package nl.regie.runtime.devices.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.SocketFactory;

import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.mqtt.client.NoDelaySocketFactory;
import nl.regie.runtime.testing.Mosquitto;

import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker restart in the middle of a QoS 1 stream: a device with a persistent session publishes numbered packs
 * while Mosquitto is stopped (SIGTERM, so it saves its persistence file) and started again. Its persistent
 * sessions (the device's and the bridge's) and its persistence must bring every reading to the bus at least once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokerRestartTest {

    private static final String SITE = "restart";
    private static final int PACKS = 3_000;

    @TempDir
    Path tmp;

    @Test
    void noReadingIsLostWhenTheBrokerRestartsMidStream() throws Exception {
        try (Mosquitto broker = Mosquitto.start(tmp);
                BridgeFixture fixture = new BridgeFixture(broker.url(), SITE).start()) {
            await().atMost(Duration.ofSeconds(10)).until(fixture.connection::isConnected);
            String topic = "regie/v1/" + SITE + "/dev/seq-1/tele";
            Publisher publisher = new Publisher(broker.url(), "seq-1");
            // The bridge is subscribed once a first pack comes through.
            publisher.publish(topic, pack(-1));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (fixture.telemetry().isEmpty()) {
                    publisher.publish(topic, pack(-1));
                    return false;
                }
                return true;
            });

            try {
                for (int i = 0; i < PACKS; i++) {
                    publisher.publish(topic, pack(i));
                    if (i == PACKS / 3) {
                        broker.restart();
                    }
                }
                publisher.awaitAllDelivered(Duration.ofSeconds(60));
            } catch (AssertionError e) {
                String logs = broker.logs();
                throw new AssertionError(e.getMessage() + "; broker log:\n" + logs.substring(Math.max(0, logs.length() - 4000)), e);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> missing(sequences(fixture)).isEmpty());

            TreeMap<Integer, Integer> seen = sequences(fixture);
            long duplicates = seen.values().stream().mapToInt(n -> n - 1).sum();
            System.out.printf("Broker restart after pack %,d of %,d: %,d distinct readings on the bus, none lost, %,d"
                    + " delivered twice (QoS 1 is at least once), %d publisher reconnect(s)%n",
                    PACKS / 3, PACKS, seen.size(), duplicates, publisher.reconnects.get());
            assertEquals(List.of(), missing(seen), "lost packs");
            assertTrue(publisher.reconnects.get() >= 1, "the publisher saw the broker go away");
            assertTrue(fixture.log.messages("info").stream().anyMatch(m -> m.contains("reconnected")),
                    "the bridge reconnected: " + fixture.log.entries());
            publisher.close();
        }
    }

    /** A pack with its own time, as devices should send them. */
    private static String pack(int sequence) {
        return "[{\"n\":\"urn:ngsi-ld:Device:seq-1:sequenceNumber\",\"bt\":" + (1_780_000_000L + sequence)
                + ",\"v\":" + sequence + "}]";
    }

    /** How often each sequence number reached the bus. */
    private static TreeMap<Integer, Integer> sequences(BridgeFixture fixture) {
        TreeMap<Integer, Integer> seen = new TreeMap<>();
        for (Reading r : fixture.telemetry()) {
            if (r.attribute().equals("sequenceNumber")) {
                int sequence = (int) ((Value.Number) r.value()).value();
                if (sequence >= 0) {
                    seen.merge(sequence, 1, Integer::sum);
                }
            }
        }
        return seen;
    }

    private static List<Integer> missing(TreeMap<Integer, Integer> seen) {
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < PACKS; i++) {
            if (!seen.containsKey(i)) {
                missing.add(i);
            }
        }
        return missing;
    }

    /** A device with a persistent session that keeps publishing through a broker restart (Paho buffers meanwhile). */
    private static final class Publisher implements MqttCallback {
        private final MqttAsyncClient client;
        private final Semaphore window = new Semaphore(200);
        private final AtomicLong reconnects = new AtomicLong();

        Publisher(String url, String clientId) throws MqttException {
            client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
            client.setCallback(this);
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(false);
            options.setSessionExpiryInterval(3600L);
            options.setAutomaticReconnect(true);
            options.setAutomaticReconnectDelay(1, 2);
            options.setSocketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()));
            DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
            buffer.setBufferEnabled(true);
            buffer.setBufferSize(PACKS * 2);
            buffer.setPersistBuffer(false);
            buffer.setDeleteOldestMessages(false);
            client.setBufferOpts(buffer);
            client.connect(options).waitForCompletion(10_000);
        }

        void publish(String topic, String payload) throws Exception {
            if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new AssertionError("no acknowledgement from the broker for 30 s");
            }
            MqttMessage message = new MqttMessage(Devices.utf8(payload));
            message.setQos(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    client.publish(topic, message);
                    return;
                } catch (MqttException e) {
                    // Refused while (re)connecting: try again shortly.
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(5);
                }
            }
        }

        void awaitAllDelivered(Duration timeout) throws InterruptedException {
            if (!window.tryAcquire(200, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError((200 - window.availablePermits()) + " packs not acknowledged by the broker");
            }
            window.release(200);
        }

        void close() throws MqttException {
            client.disconnect().waitForCompletion(5000);
            client.close();
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            window.release();
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            if (reconnect) {
                reconnects.incrementAndGet();
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
