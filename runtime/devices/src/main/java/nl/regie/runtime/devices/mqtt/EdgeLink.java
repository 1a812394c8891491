package nl.regie.runtime.devices.mqtt;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.osgi.service.log.Logger;

/**
 * An edge runtime's one MQTT connection: it takes its share of the site's telemetry through a shared subscription,
 * {@code $share/{group}/regie/v1/{site}/dev/+/tele}, and publishes what {@link EdgeForwarder} accepted on the edge
 * topics, on the same connection.
 *
 * <p><b>Nothing acknowledged is lost.</b> Acknowledgements are manual: a device's message is acknowledged to the broker
 * only once the broker has acknowledged the forwarded pack (QoS 1), or at once when it is refused. An edge that dies
 * before that leaves the message unacknowledged in its persistent session (clean start off, a fixed client id), and
 * the broker delivers it again: to this edge when it comes back (Mosquitto 2.0), or to another member of the group
 * (HiveMQ; EMQX with redispatch). The core drops the second copy by the pack's id ({@link EdgeWire}).
 *
 * <p>Threads: Paho's (receiver, callback), and one named daemon thread that checks and forwards, so that Paho's
 * callback thread never waits: it only queues. The queue is not bounded here: it holds what the broker sent and the edge
 * has not acknowledged, which the client's receive maximum should bound, but Mosquitto 2.0.11 sends a resumed session
 * everything it queued meanwhile at once (EdgeIT saw more than twice the receive maximum), and a message this edge
 * refused to take would stay unacknowledged, and so undelivered, until the next connection. Publishing waits for a
 * permit of the forwarding window, which the broker's acknowledgements (on Paho's callback thread) give back.
 */
final class EdgeLink implements AutoCloseable {

    /** A message waiting to be checked and forwarded. */
    private record Inbound(String topic, byte[] payload, int id, int qos) {
    }

    private final ConnectionSettings settings;
    private final String filter;
    private final EdgeForwarder forwarder;
    private final ScheduledExecutorService scheduler;
    private final Logger log;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final BlockingQueue<Inbound> inbound;
    private final Semaphore window;
    private final Thread worker;
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private final LongAdder forwarded = new LongAdder();
    /** Forwarded packs the broker answered, to wake a publisher that Paho's own window turned away. */
    private final AtomicLong completions = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean forwardedOne;

    /**
     * @param group     the shared subscription's group: every edge of a site uses the same one
     * @param maxWindow how many device messages may be in the edge at once (its receive maximum) and how many
     *                  forwarded packs may wait for the broker's acknowledgement; the broker's own in-flight limit
     *                  for a client should be at least this
     */
    EdgeLink(ConnectionSettings settings, String group, int maxWindow, EdgeForwarder forwarder,
            ScheduledExecutorService scheduler, Logger log) throws MqttException, IOException, GeneralSecurityException {
        this.settings = Objects.requireNonNull(settings, "settings");
        if (group == null || !group.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("the shared subscription group '" + group
                    + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (maxWindow < 1 || maxWindow > 65_535) {
            throw new IllegalArgumentException("the edge's window must be 1 to 65535 messages, was " + maxWindow);
        }
        this.forwarder = Objects.requireNonNull(forwarder, "forwarder");
        this.filter = "$share/" + group + "/" + forwarder.telemetryFilter();
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.log = Objects.requireNonNull(log, "log");
        this.options = PahoConnection.options(settings);
        options.setReceiveMaximum(maxWindow);
        this.inbound = new LinkedBlockingQueue<>();
        this.window = new Semaphore(maxWindow);
        this.client = new MqttAsyncClient(settings.serverUri(), settings.clientId(), new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback(new Callback());
        this.worker = new Thread(this::forwardLoop, "regie-edge-forward");
        worker.setDaemon(true);
    }

    /** The shared subscription's filter. */
    String filter() {
        return filter;
    }

    /** Packs forwarded and acknowledged by the broker. */
    long forwarded() {
        return forwarded.sum();
    }

    /** Whether the connection is up. */
    boolean isConnected() {
        return client.isConnected();
    }

    /** Starts forwarding and connecting; returns at once. */
    void start() {
        worker.start();
        connect();
    }

    private void connect() {
        if (closed) {
            return;
        }
        try {
            client.connect(options, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    failedAttempts.set(0);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    reconnectLater(failure);
                }
            });
        } catch (MqttException e) {
            if (e.getReasonCode() != MqttClientException.REASON_CODE_CLIENT_CONNECTED
                    && e.getReasonCode() != MqttClientException.REASON_CODE_CONNECT_IN_PROGRESS) {
                reconnectLater(e);
            }
        }
    }

    private void reconnectLater(Throwable failure) {
        if (closed) {
            return;
        }
        int attempt = failedAttempts.incrementAndGet();
        long delay = Math.min(settings.reconnectMaxSeconds(), 1L << Math.min(attempt - 1, 20));
        if (attempt == 1 || attempt % 20 == 0) {
            log.warn("Edge: MQTT broker {} not reachable ({}); retrying every {} s at most", settings.serverUri(),
                    failure == null ? "connection lost" : failure.getMessage(), settings.reconnectMaxSeconds());
        }
        try {
            scheduler.schedule(this::connect, delay, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void forwardLoop() {
        while (!closed) {
            Inbound message;
            try {
                message = inbound.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                forward(message);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Not acknowledged: the broker delivers it again after a reconnect.
                log.error("Edge: failed on a message on {}", message.topic(), e);
            }
        }
    }

    private void forward(Inbound message) throws InterruptedException {
        EdgeForwarder.Forward forward = forwarder.accept(message.topic(), message.payload());
        if (forward == null) {
            acknowledge(message);
            return;
        }
        window.acquire();
        while (true) {
            long before = completions.get();
            try {
                client.publish(forward.topic(), forward.payload(), 1, false, null, new Completion(message, forward));
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT && !closed) {
                    // The broker's receive maximum is smaller than the edge's window: wait for one to complete.
                    awaitCompletionAfter(before);
                    continue;
                }
                window.release();
                // Disconnected: the device's message stays unacknowledged, so the broker delivers it again.
                log.debug("Edge: could not forward a pack on {}: {}", forward.topic(), e.getMessage());
                return;
            }
        }
    }

    private void awaitCompletionAfter(long seen) throws InterruptedException {
        synchronized (completions) {
            while (completions.get() == seen && !closed) {
                completions.wait(100);
            }
        }
    }

    private void completed() {
        window.release();
        synchronized (completions) {
            completions.incrementAndGet();
            completions.notifyAll();
        }
    }

    /** The broker's answer to a forwarded pack: acknowledges the device's message once the pack is safe there. */
    private final class Completion implements MqttActionListener {
        private final Inbound message;
        private final EdgeForwarder.Forward forward;

        Completion(Inbound message, EdgeForwarder.Forward forward) {
            this.message = message;
            this.forward = forward;
        }

        @Override
        public void onSuccess(IMqttToken token) {
            completed();
            int[] codes = token.getReasonCodes();
            if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                // The broker refused it (its ACL): leave the device's message unacknowledged, and say so.
                log.error("Edge: the broker refused the forwarded pack on {} (reason code 0x{}); check the edge's"
                        + " credentials and the ACL", forward.topic(), Integer.toHexString(codes[0]));
                return;
            }
            forwarded.increment();
            if (!forwardedOne && forwarded.sum() == 1) {
                forwardedOne = true;
                log.info("Edge forwarded its first pack, on {}", forward.topic());
            }
            acknowledge(message);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable failure) {
            completed();
            // Not acknowledged: the broker delivers the device's message again after a reconnect.
        }
    }

    private void acknowledge(Inbound message) {
        if (message.qos() == 0) {
            return;
        }
        try {
            client.messageArrivedComplete(message.id(), message.qos());
        } catch (MqttException e) {
            // The connection is gone: the broker delivers the message again, and the core drops the second copy.
            log.debug("Edge: could not acknowledge message {}: {}", message.id(), e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        try {
            if (client.isConnected()) {
                client.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException e) {
            log.debug("Edge: MQTT disconnect did not complete cleanly: {}", e.getMessage());
        }
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, false);
            }
            client.close(true);
        } catch (MqttException e) {
            log.debug("Edge: closing the MQTT client failed: {}", e.getMessage());
        }
        try {
            worker.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Paho's callbacks. */
    private final class Callback implements MqttCallback {

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            log.info("Edge connected to {} as {}; taking its share of {}", serverUri, settings.clientId(), filter);
            try {
                client.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)}, null,
                        new MqttActionListener() {
                            @Override
                            public void onSuccess(IMqttToken token) {
                                int[] codes = token.getReasonCodes();
                                if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                                    log.error("Edge: broker {} refused the subscription to {} (reason code 0x{})",
                                            serverUri, filter, Integer.toHexString(codes[0]));
                                }
                            }

                            @Override
                            public void onFailure(IMqttToken token, Throwable failure) {
                                log.error("Edge: subscribing to {} failed: {}", filter, failure.getMessage());
                            }
                        }, (MqttProperties) null);
            } catch (MqttException e) {
                log.error("Edge: subscribing to {} failed: {}", filter, e.getMessage());
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            if (!closed) {
                log.warn("Edge lost its connection to {}; reconnecting", settings.serverUri());
                reconnectLater(null);
            }
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.warn("Edge: MQTT error on the connection to {}: {}", settings.serverUri(), exception.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            inbound.add(new Inbound(topic, message.getPayload(), message.getId(), message.getQos()));
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // forwarded packs: handled by their listener
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }
}
