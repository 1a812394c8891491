package nl.regie.runtime.ngsild.subscription;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import nl.regie.runtime.ngsild.subscription.Subscription.Endpoint;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Notifications over MQTT (the standard's MQTT binding, clause 7.4 of GS CIM 009): the notification is published to
 * the endpoint's topic as one MQTT message whose payload is {@code {"metadata": {headers}, "body": notification}}, at
 * the QoS of {@code MQTT-QoS} (0 by default). One client per broker ({@code host:port}), connected when first needed
 * and again after it was lost; Regie speaks MQTT 5 (Paho's v5 client). Anonymous: Regie keeps no endpoint
 * credentials.
 */
public final class MqttTransport implements Transport {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Duration timeout;
    private final Map<String, MqttAsyncClient> clients = new ConcurrentHashMap<>();

    public MqttTransport(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void send(Endpoint endpoint, byte[] body, Map<String, String> headers) throws Exception {
        URI uri = URI.create(endpoint.uri());
        boolean tls = uri.getScheme().equals("mqtts");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 8883 : 1883;
        String server = (tls ? "ssl://" : "tcp://") + uri.getHost() + ":" + port;
        String topic = uri.getPath().substring(1);
        MqttAsyncClient client = connected(server);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("metadata", headers);
        payload.put("body", MAPPER.readTree(body));
        MqttMessage message = new MqttMessage(MAPPER.writeValueAsString(payload).getBytes(StandardCharsets.UTF_8));
        message.setQos(endpoint.qos());
        IMqttToken token = client.publish(topic, message);
        token.waitForCompletion(timeout.toMillis());
    }

    private MqttAsyncClient connected(String server) throws MqttException {
        synchronized (clients) {
            MqttAsyncClient client = clients.get(server);
            if (client != null && client.isConnected()) {
                return client;
            }
            if (client != null) {
                quietlyClose(client);
                clients.remove(server);
            }
            client = new MqttAsyncClient(server, "regie-ngsild-" + UUID.randomUUID().toString().substring(0, 8),
                    new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            options.setAutomaticReconnect(false);
            options.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
            options.setKeepAliveInterval(60);
            try {
                client.connect(options).waitForCompletion(timeout.toMillis());
            } catch (MqttException e) {
                quietlyClose(client);
                throw e;
            }
            clients.put(server, client);
            return client;
        }
    }

    private static void quietlyClose(MqttAsyncClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect(1_000).waitForCompletion(1_000);
            }
        } catch (MqttException e) {
            // Going anyway.
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // Nothing more to do.
        }
    }

    @Override
    public void close() {
        synchronized (clients) {
            clients.values().forEach(MqttTransport::quietlyClose);
            clients.clear();
        }
    }
}
