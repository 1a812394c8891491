package nl.regie.runtime.devices.mqtt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.SocketFactory;

import nl.regie.mqtt.client.NoDelaySocketFactory;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/** Stand-ins for devices: Paho clients and Mosquitto's command-line clients. */
final class Devices {

    private Devices() {
    }

    /** A connected Paho device client, with a retained will {@code {"online": false}} on its state topic if asked. */
    static MqttAsyncClient paho(String url, String clientId, String willTopic) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setSocketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()));
        if (willTopic != null) {
            MqttMessage will = new MqttMessage(utf8("{\"online\": false}"));
            will.setQos(1);
            will.setRetained(true);
            options.setWill(willTopic, will);
        }
        client.connect(options).waitForCompletion(10_000);
        return client;
    }

    static void publish(MqttAsyncClient client, String topic, String payload, boolean retained) throws MqttException {
        publish(client, topic, utf8(payload), retained);
    }

    static void publish(MqttAsyncClient client, String topic, byte[] payload, boolean retained) throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        message.setRetained(retained);
        client.publish(topic, message).waitForCompletion(10_000);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs one of Mosquitto's command-line clients to its end (at most the timeout) and returns its output. */
    static String run(int timeoutSeconds, Path binary, String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError(command + " exited with " + process.exitValue() + ": " + output);
        }
        return output;
    }
}
