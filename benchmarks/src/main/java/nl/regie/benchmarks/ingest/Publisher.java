package nl.regie.benchmarks.ingest;

import java.util.concurrent.Semaphore;
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
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * One Paho v5 publisher sending QoS 1 packs as fast as the broker acknowledges them, with up to {@value #WINDOW}
 * unacknowledged at a time (the broker's receive maximum is 1,000).
 */
public final class Publisher implements MqttCallback, AutoCloseable {

    static final int WINDOW = 500;

    private final MqttAsyncClient client;
    private final Semaphore window = new Semaphore(WINDOW);
    private final byte[][] packs;

    public Publisher(String url, byte[][] packs) throws MqttException {
        this.packs = packs;
        client = new MqttAsyncClient(url, "bench-publisher", new MemoryPersistence());
        client.setCallback(this);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setSocketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()));
        client.connect(options).waitForCompletion(10_000);
    }

    /** Publishes {@code count} packs to the site's telemetry topics; returns when the client has taken all of them. */
    public void publish(String site, int count) throws Exception {
        String[] topics = new String[Packs.DEVICES];
        for (int d = 0; d < topics.length; d++) {
            topics[d] = Packs.topic(site, d);
        }
        for (int i = 0; i < count; i++) {
            if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the broker acknowledged nothing for 30 s");
            }
            MqttMessage message = new MqttMessage(packs[i % packs.length]);
            message.setQos(1);
            client.publish(topics[i % Packs.DEVICES], message);
        }
    }

    /** Waits until the broker has acknowledged everything published. */
    public void awaitAcknowledged() throws InterruptedException {
        if (!window.tryAcquire(WINDOW, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the broker did not acknowledge every pack within 60 s");
        }
        window.release(WINDOW);
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        window.release();
    }

    @Override
    public void close() throws MqttException {
        client.disconnect().waitForCompletion(5000);
        client.close();
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        System.err.println("publisher disconnected: " + response);
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        System.err.println("publisher error: " + exception);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
}
