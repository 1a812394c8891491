package nl.regie.launcher;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.SocketFactory;

import nl.regie.mqtt.client.NoDelaySocketFactory;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** MQTT 5 clients for tests (Paho, in memory, nothing on disk), and the messages they receive. */
final class MqttTraffic {

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private MqttTraffic() {
    }

    /**
     * A connected client without a login (which the embedded broker refuses). {@code cleanStart false} keeps a session
     * of an hour; {@code willTopic} may be null.
     */
    static Client connect(String url, String clientId, boolean cleanStart, String willTopic) throws MqttException {
        return connect(url, clientId, cleanStart, willTopic, null, null);
    }

    /** A client connected as {@code user} with {@code password} (both null for none). */
    static Client connect(String url, String clientId, boolean cleanStart, String willTopic, String user, String password)
            throws MqttException {
        Client client = new Client(new MqttAsyncClient(url, clientId, new MemoryPersistence()));
        MqttConnectionOptions options = new MqttConnectionOptions();
        if (user != null) {
            options.setUserName(user);
        }
        if (password != null) {
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        options.setCleanStart(cleanStart);
        options.setSessionExpiryInterval(cleanStart ? 0L : 3600L);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout((int) TIMEOUT.toSeconds());
        options.setSocketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()));
        if (willTopic != null) {
            options.setWill(willTopic, new MqttMessage("{\"online\": false}".getBytes(StandardCharsets.UTF_8), 1, true, null));
        }
        client.paho.setCallback(client);
        try {
            client.paho.connect(options).waitForCompletion(TIMEOUT.toMillis());
        } catch (MqttException e) {
            client.paho.close(true);
            throw e;
        }
        return client;
    }

    /** One client and what arrived for it. */
    static final class Client implements MqttCallback, AutoCloseable {
        final MqttAsyncClient paho;
        final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        final List<String> problems = new CopyOnWriteArrayList<>();

        Client(MqttAsyncClient paho) {
            this.paho = paho;
        }

        void subscribe(String filter, int qos) throws MqttException {
            paho.subscribe(new MqttSubscription(filter, qos)).waitForCompletion(TIMEOUT.toMillis());
        }

        void publish(String topic, String payload, int qos, boolean retained) throws MqttException {
            paho.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained).waitForCompletion(TIMEOUT.toMillis());
        }

        /**
         * Publishes at QoS 1 and returns the reason code of the broker's acknowledgement: 0 when taken, 0x87 when
         * not authorized.
         */
        int publishReason(String topic, String payload) throws MqttException {
            IMqttToken token = paho.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
            try {
                token.waitForCompletion(TIMEOUT.toMillis());
            } catch (MqttException e) {
                return e.getReasonCode();
            }
            int[] codes = token.getReasonCodes();
            return codes == null || codes.length == 0 ? 0 : codes[0];
        }

        /** Subscribes at QoS 1 and returns the SUBACK's reason code: 1 (granted QoS 1) when taken, 0x87 when not. */
        int subscribeReason(String filter) throws MqttException {
            IMqttToken token = paho.subscribe(new MqttSubscription(filter, 1));
            try {
                token.waitForCompletion(TIMEOUT.toMillis());
            } catch (MqttException e) {
                return e.getReasonCode();
            }
            return token.getReasonCodes()[0];
        }

        /** The next message, or {@code null} after the timeout. */
        Received next(Duration timeout) throws InterruptedException {
            return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /**
         * Drops the TCP connection without DISCONNECT, as a crashed device would: the broker sends its will. Close
         * the client later ({@link #close()}), once Paho has settled.
         */
        void crash() throws MqttException {
            paho.disconnectForcibly(0, 1000, false);
        }

        @Override
        public void close() {
            try {
                if (paho.isConnected()) {
                    paho.disconnect().waitForCompletion(TIMEOUT.toMillis());
                }
                paho.close(true);
            } catch (MqttException e) {
                problems.add("close: " + e);
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8), message.getQos(),
                    message.isRetained()));
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            problems.add("disconnected: " + response);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            problems.add("error: " + exception);
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
    }

    /** A message as a subscriber saw it. */
    record Received(String topic, String payload, int qos, boolean retained) {
    }
}
