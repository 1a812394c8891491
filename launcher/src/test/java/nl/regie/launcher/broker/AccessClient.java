package nl.regie.launcher.broker;

import java.nio.charset.StandardCharsets;
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

/**
 * A Paho MQTT 5 client for the broker access tests: it logs in (or not), answers each publish and subscription with
 * the broker's reason code instead of an exception, and keeps what it received.
 */
final class AccessClient implements MqttCallback, AutoCloseable {

    final MqttAsyncClient paho;
    /** Every message received, in order. */
    final List<MqttMessage> received = new CopyOnWriteArrayList<>();
    private final List<String> topics = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> arrivals = new LinkedBlockingQueue<>();
    private volatile boolean refused;

    /** Connects as {@code user} (null: no login), with a retained will on {@code willTopic} unless it is null. */
    AccessClient(String url, String user, String password, String clientId, String willTopic) throws MqttException {
        paho = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        paho.setCallback(this);
        MqttConnectionOptions options = new MqttConnectionOptions();
        if (user != null) {
            options.setUserName(user);
        }
        if (password != null) {
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        if (willTopic != null) {
            options.setWill(willTopic, new MqttMessage("{\"online\": false}".getBytes(StandardCharsets.UTF_8), 1, true,
                    null));
        }
        options.setSocketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()));
        try {
            paho.connect(options).waitForCompletion(10_000);
        } catch (MqttException e) {
            paho.close(true);
            throw e;
        }
    }

    /** Connects as {@code user}, without a will. */
    AccessClient(String url, String user, String password, String clientId) throws MqttException {
        this(url, user, password, clientId, null);
    }

    /** The topics of every message received, in order. */
    List<String> topics() {
        return List.copyOf(topics);
    }

    /** The topic of the next message received, waiting up to {@code seconds}; null if none came. */
    String nextTopic(long seconds) throws InterruptedException {
        return arrivals.poll(seconds, TimeUnit.SECONDS);
    }

    /** Publishes at QoS 1: the broker's reason code (0x80 and up: refused). */
    int publishReason(String topic, String payload) throws MqttException {
        IMqttToken token = paho.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
        try {
            token.waitForCompletion(10_000);
        } catch (MqttException e) {
            refused = true;
            return e.getReasonCode();
        }
        int[] codes = token.getReasonCodes();
        int code = codes == null || codes.length == 0 ? 0 : codes[0];
        refused |= code >= 0x80;
        return code;
    }

    /** Subscribes at QoS 1: the granted QoS, or the broker's reason code for a refusal. */
    int subscribeReason(String filter) throws MqttException {
        IMqttToken token = paho.subscribe(new MqttSubscription(filter, 1));
        try {
            token.waitForCompletion(10_000);
        } catch (MqttException e) {
            return e.getReasonCode();
        }
        return token.getReasonCodes()[0];
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        received.add(message);
        topics.add(topic);
        arrivals.add(topic);
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

    /**
     * Disconnects. After a refused publish the embedded broker closes the connection itself and Mosquitto keeps it, so
     * rather than wait for either, a refused client drops its socket without a DISCONNECT packet.
     */
    @Override
    public void close() {
        try {
            if (refused) {
                paho.disconnectForcibly(0, 1_000, false);
            } else if (paho.isConnected()) {
                paho.disconnect().waitForCompletion(5_000);
            }
        } catch (MqttException e) {
            // closing anyway
        }
        try {
            paho.close(true);
        } catch (MqttException e) {
            // closed anyway
        }
    }
}
