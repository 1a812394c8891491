package nl.regie.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * What one connection publishes: a bounded queue in front of Paho, of which at most {@link #WINDOW} messages are
 * handed to Paho at a time, so that a burst (the births of 200 devices on one connection) never meets Paho's
 * in-flight limit (the broker's receive maximum) with an error. When the queue is full the oldest telemetry pack
 * is dropped first, and counted. While the connection is down the queue waits; after a reconnection
 * ({@link #newSession()}) it starts again, and whatever was in flight on the old connection is forgotten.
 *
 * <p>Touched only on the simulator's scheduler thread: Paho's completions are handed over to it. The counters
 * may be read from any thread.
 */
final class Outbox {

    /** How many messages at most are handed to Paho and not yet completed. */
    static final int WINDOW = 100;

    private record Outgoing(String topic, byte[] payload, int qos, boolean retained, boolean telemetry) {
    }

    private final MqttAsyncClient client;
    private final String clientId;
    private final Executor scheduler;
    private final Consumer<String> warnings;
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private final int limit;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final MqttActionListener completion = new MqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
            completed(token, null);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable problem) {
            completed(token, problem);
        }
    };

    private int outstanding;
    /** Completions of an earlier connection are ignored: its session, and what was in flight on it, is gone. */
    private int generation;
    private boolean closing;

    final AtomicLong published = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    /**
     * An outbox for {@code client} that holds at most {@code limit} messages, runs Paho's completions on
     * {@code scheduler} and tells {@code warnings} about a message Paho refused.
     */
    Outbox(MqttAsyncClient client, Executor scheduler, int limit, Consumer<String> warnings) {
        this.client = client;
        this.clientId = client.getClientId();
        this.scheduler = scheduler;
        this.limit = limit;
        this.warnings = warnings;
    }

    /** Queues a message behind the others; a telemetry pack is not taken once the outbox is closing. */
    void send(String topic, String payload, int qos, boolean retained, boolean telemetry) {
        add(new Outgoing(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained, telemetry), false);
    }

    /** Queues a message ahead of everything waiting. */
    void sendFirst(String topic, String payload, int qos, boolean retained) {
        add(new Outgoing(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained, false), true);
    }

    /**
     * Takes no more telemetry and returns a future that completes once everything queued has been delivered, or
     * as soon as the connection is down.
     */
    CompletableFuture<Void> close() {
        closing = true;
        checkDrained();
        return drained;
    }

    /** Whether {@link #close()} was called. */
    boolean closing() {
        return closing;
    }

    /** The connection is down: nothing more will be delivered on it. */
    void connectionLost() {
        checkDrained();
    }

    /**
     * The connection is back, with a new session: what was in flight on the old one is forgotten. Sending starts
     * again with the next message queued, or with {@link #flush()}.
     */
    void newSession() {
        generation++;
        outstanding = 0;
        checkDrained();
    }

    /** Hands Paho what the window allows. */
    void flush() {
        pump();
    }

    private void add(Outgoing message, boolean first) {
        if (closing && message.telemetry()) {
            return;
        }
        if (queue.size() >= limit) {
            dropOldestTelemetry();
        }
        if (first) {
            queue.addFirst(message);
        } else {
            queue.addLast(message);
        }
        pump();
    }

    private void dropOldestTelemetry() {
        for (Iterator<Outgoing> it = queue.iterator(); it.hasNext();) {
            if (it.next().telemetry()) {
                it.remove();
                dropped.incrementAndGet();
                return;
            }
        }
        queue.pollFirst();
        dropped.incrementAndGet();
    }

    private void pump() {
        while (outstanding < WINDOW && !queue.isEmpty()) {
            Outgoing message = queue.peekFirst();
            try {
                client.publish(message.topic(), message.payload(), message.qos(), message.retained(), generation, completion);
                queue.pollFirst();
                outstanding++;
            } catch (MqttException e) {
                int code = e.getReasonCode();
                if (code == MqttClientException.REASON_CODE_MAX_INFLIGHT
                        || code == MqttClientException.REASON_CODE_NO_MESSAGE_IDS_AVAILABLE) {
                    break; // Paho is full for now: the next completion pumps again.
                }
                if (!client.isConnected()) {
                    break; // Wait for the reconnection.
                }
                queue.pollFirst();
                failed.incrementAndGet();
                warnings.accept("simulator: " + clientId + " cannot publish to " + message.topic() + ": "
                        + Failures.reason(e));
            }
        }
        checkDrained();
    }

    private void completed(IMqttToken token, Throwable problem) {
        Object context = token.getUserContext();
        try {
            scheduler.execute(() -> {
                if (!(context instanceof Integer g) || g != generation) {
                    return;
                }
                outstanding = Math.max(0, outstanding - 1);
                if (problem == null) {
                    published.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                pump();
            });
        } catch (RejectedExecutionException stopped) {
            // The simulator has stopped.
        }
    }

    private void checkDrained() {
        if (closing && !drained.isDone() && ((queue.isEmpty() && outstanding == 0) || !client.isConnected())) {
            drained.complete(null);
        }
    }
}
