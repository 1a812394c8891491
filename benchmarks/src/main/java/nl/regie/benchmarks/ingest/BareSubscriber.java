package nl.regie.benchmarks.ingest;

import java.util.concurrent.atomic.AtomicLong;

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
 * The baseline: a bare Paho v5 client that only counts the messages, connected exactly as the bridge connects
 * (persistent session, QoS 1, TCP_NODELAY).
 */
final class BareSubscriber implements Subscriber, MqttCallback {

    private final String url;
    private final String clientId;
    private final String filter;
    private final AtomicLong messages = new AtomicLong();
    private MqttAsyncClient client;

    BareSubscriber(String url, String site) {
        this.url = url;
        this.clientId = "bare-" + site;
        this.filter = "regie/v1/" + site + "/dev/+/tele";
    }

    @Override
    public void connect() throws MqttException {
        client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        client.setCallback(this);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(3600L);
        options.setSocketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()));
        client.connect(options).waitForCompletion(10_000);
        client.subscribe(new MqttSubscription(filter, 1)).waitForCompletion(10_000);
    }

    @Override
    public void disconnect() throws MqttException {
        client.disconnect().waitForCompletion(5000);
        client.close();
        client = null;
    }

    @Override
    public boolean done(int packs) {
        return messages.get() >= packs;
    }

    @Override
    public String counts() {
        return messages.get() + " messages";
    }

    @Override
    public String problems() {
        return "";
    }

    @Override
    public void close() throws MqttException {
        if (client != null) {
            disconnect();
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        messages.incrementAndGet();
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        System.err.println("bare subscriber disconnected: " + response);
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        System.err.println("bare subscriber error: " + exception);
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
}
