package nl.regie.launcher.broker;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The same burst as {@link BrokerBurst} with Paho's MQTT 3.1.1 client, for a broker that refuses MQTT 5 (Moquette
 * 0.17). The subscriber's persistent session is {@code cleanSession=false}.
 */
final class BurstV3 {

    private BurstV3() {
    }

    static BrokerBurst.Result burst(String url, String topic, String tag, int qos, int window) throws Exception {
        BrokerBurst.Arrivals arrivals = new BrokerBurst.Arrivals();
        AtomicReference<String> problem = new AtomicReference<>("");
        MqttAsyncClient subscriber = new MqttAsyncClient(url, "sub-" + tag, new MemoryPersistence());
        subscriber.setCallback(new Callback(problem, "subscriber") {
            @Override
            public void messageArrived(String t, MqttMessage message) {
                arrivals.arrived(message.getPayload());
            }
        });
        MqttConnectOptions subOptions = options(window);
        subOptions.setCleanSession(false);
        subscriber.connect(subOptions).waitForCompletion(10_000);
        subscriber.subscribe(topic, qos).waitForCompletion(10_000);

        MqttAsyncClient publisher = new MqttAsyncClient(url, "pub-" + tag, new MemoryPersistence());
        Semaphore inFlight = new Semaphore(window);
        publisher.setCallback(new Callback(problem, "publisher") {
            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                inFlight.release();
            }
        });
        publisher.connect(options(window)).waitForCompletion(10_000);

        long start = System.nanoTime();
        int sent = 0;
        boolean stalled = false;
        for (int i = 0; i < BrokerBurst.COUNT; i++) {
            if (qos > 0 && !inFlight.tryAcquire(BrokerBurst.STALL_SECONDS, TimeUnit.SECONDS)) {
                stalled = true;
                break;
            }
            try {
                publisher.publish(topic, BrokerBurst.payload(i), qos, false);
                sent++;
            } catch (MqttException e) {
                problem.compareAndSet("", "publish " + i + ": " + e);
                break;
            }
        }
        arrivals.await(sent);
        double seconds = (arrivals.last() - start) / 1e9;
        long grace = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (System.nanoTime() < grace) {
            Thread.sleep(10);
        }
        close(publisher);
        close(subscriber);
        return new BrokerBurst.Result(sent, arrivals.distinct(), arrivals.duplicates(), stalled, seconds, problem.get());
    }

    private static MqttConnectOptions options(int window) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(BrokerBurst.NO_DELAY);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setMaxInflight(window);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        return options;
    }

    private static void close(MqttAsyncClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close();
        } catch (MqttException e) {
            // Measuring is over.
        }
    }

    private abstract static class Callback implements MqttCallback {
        private final AtomicReference<String> problem;
        private final String who;

        Callback(AtomicReference<String> problem, String who) {
            this.problem = problem;
            this.who = who;
        }

        @Override
        public void connectionLost(Throwable cause) {
            problem.compareAndSet("", who + " lost its connection: " + cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }
}
