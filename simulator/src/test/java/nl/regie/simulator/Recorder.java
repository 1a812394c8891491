package nl.regie.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A plain Paho MQTT 5 client for tests: records what arrives on a filter, lets a test wait for a message, publishes. */
final class Recorder implements AutoCloseable {

    /** One message received, with the wall-clock time it arrived. */
    record Message(String topic, String payload, boolean retained, long arrivedMillis) {
    }

    private final MqttClient client;
    private final List<Message> messages = new ArrayList<>();

    Recorder(String url, String filter) throws MqttException {
        this(url, filter, null, null);
    }

    /** A recorder that logs in as {@code username} with {@code password} (neither when {@code username} is null). */
    Recorder(String url, String filter, String username, String password) throws MqttException {
        client = new MqttClient(url, "recorder-" + UUID.randomUUID(), new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                Message received = new Message(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
                        message.isRetained(), System.currentTimeMillis());
                synchronized (messages) {
                    messages.add(received);
                    messages.notifyAll();
                }
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
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        client.connect(options);
        client.subscribe(filter, 1);
    }

    /** Waits for the first message, received so far or later, that matches; fails after {@code timeout}. */
    Message await(String what, Predicate<Message> matches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (messages) {
            int checked = 0;
            while (true) {
                for (; checked < messages.size(); checked++) {
                    if (matches.test(messages.get(checked))) {
                        return messages.get(checked);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    List<Message> last = messages.subList(Math.max(0, messages.size() - 10), messages.size());
                    throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s; " + messages.size()
                            + " messages arrived, the last: " + last);
                }
                messages.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Waits for a message on exactly {@code topic} that matches. */
    Message await(String topic, String what, Predicate<Message> matches) throws InterruptedException {
        return await(what + " on " + topic, m -> m.topic().equals(topic) && matches.test(m), Duration.ofSeconds(15));
    }

    /** Everything received so far. */
    List<Message> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    void publish(String topic, String payload) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    @Override
    public void close() throws MqttException {
        try {
            client.disconnect();
        } finally {
            client.close();
        }
    }
}
