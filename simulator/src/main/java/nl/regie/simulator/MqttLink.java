package nl.regie.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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

/**
 * One MQTT connection (a Paho {@link MqttAsyncClient}) that publishes for one device or for many.
 *
 * <p>Everything it keeps is touched only on the simulator's scheduler thread: Paho's callbacks hand their work
 * over to it. Outgoing messages wait in a bounded queue and at most {@link #WINDOW} are handed to Paho at a
 * time, so that a burst (the births of 200 devices on one connection) never meets Paho's in-flight limit
 * (the broker's receive maximum) with an error; when the queue is full (five messages per device) the oldest
 * telemetry pack is dropped first, and counted. When the connection is lost the queue waits and the link reconnects
 * itself, after 1 s, then doubling up to {@link #MAX_RECONNECT_DELAY_MILLIS}, with some jitter so that many
 * links do not knock at once; on reconnection it subscribes again and re-sends its devices' births first, since
 * the broker may have published a will meanwhile, or lost the retained births in a restart. Paho's own automatic
 * reconnect is not used: its back-off delay is a static field shared by every client in the JVM (one client's
 * failures lengthen all the others' waits; 50 links were seen waiting over a minute), and it runs on a
 * non-daemon timer thread per client.
 */
final class MqttLink implements MqttCallback {

    /** How many messages at most are handed to Paho and not yet completed. */
    static final int WINDOW = 100;
    static final long MIN_RECONNECT_DELAY_MILLIS = 1_000;
    static final long MAX_RECONNECT_DELAY_MILLIS = 10_000;
    private static final int SUBSCRIBE_BATCH = 100;

    /** What the link needs from the simulator. */
    interface Host {
        /** Called on the scheduler thread when a device of this link receives a command. */
        void command(MqttLink link, SimDevice device, String commandId, byte[] payload);

        /** Called on the scheduler thread when the link lost its connection; it is reconnecting. */
        void lost(MqttLink link, String reason);

        /** Called on the scheduler thread when the link reconnected after losing its connection. */
        void reconnected(MqttLink link);

        /** Something an operator should know. */
        void warn(String message);
    }

    private record Outgoing(String topic, byte[] payload, int qos, boolean retained, boolean telemetry) {
    }

    private final String clientId;
    private final Topics topics;
    private final List<SimDevice> devices;
    private final Map<String, SimDevice> byId;
    private final ScheduledExecutorService scheduler;
    private final Host host;
    private final MqttAsyncClient client;
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private final int queueLimit;
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

    private MqttConnectionOptions options;
    private long reconnectDelay = MIN_RECONNECT_DELAY_MILLIS;
    private boolean reconnecting;
    private int outstanding;
    /** Completions of an earlier connection are ignored: its session, and what was in flight on it, is gone. */
    private int generation;
    private boolean closing;

    final AtomicLong published = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    MqttLink(String brokerUrl, String clientId, Topics topics, List<SimDevice> devices, ScheduledExecutorService scheduler,
            ScheduledExecutorService pinger, Host host) throws MqttException {
        this.clientId = clientId;
        this.topics = topics;
        this.devices = List.copyOf(devices);
        Map<String, SimDevice> map = new LinkedHashMap<>();
        for (SimDevice device : devices) {
            map.put(device.id(), device);
            device.link = this;
        }
        this.byId = Collections.unmodifiableMap(map);
        this.scheduler = scheduler;
        this.host = host;
        // Enough to ride out a short outage; in a long one only the last few packs of each device are worth sending.
        this.queueLimit = Math.max(50, 5 * devices.size());
        this.client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence(), new SharedPingSender(pinger), null);
        client.setCallback(this);
    }

    String clientId() {
        return clientId;
    }

    List<SimDevice> devices() {
        return devices;
    }

    boolean connected() {
        return client.isConnected();
    }

    /**
     * Starts connecting: clean start, and, for a link of one device, that device's will ({@code {"online": false}},
     * retained, on its state topic). Once connected, the link reconnects by itself whenever it loses the
     * connection.
     */
    IMqttToken connect(boolean plainTcp) throws MqttException {
        MqttConnectionOptions connection = new MqttConnectionOptions();
        connection.setCleanStart(true);
        connection.setAutomaticReconnect(false);
        connection.setKeepAliveInterval(30);
        connection.setConnectionTimeout(5);
        if (plainTcp) {
            connection.setSocketFactory(new NoDelaySocketFactory());
        }
        if (devices.size() == 1) {
            MqttMessage will = new MqttMessage(Births.OFFLINE.getBytes(StandardCharsets.UTF_8), 1, true, new MqttProperties());
            connection.setWill(topics.state(devices.get(0).id()), will);
        }
        options = connection;
        return client.connect(connection);
    }

    /** Subscribes to the command topics of its devices, in batches; returns the tokens to wait for. */
    List<IMqttToken> subscribe() throws MqttException {
        List<IMqttToken> tokens = new ArrayList<>();
        for (int from = 0; from < devices.size(); from += SUBSCRIBE_BATCH) {
            List<SimDevice> batch = devices.subList(from, Math.min(devices.size(), from + SUBSCRIBE_BATCH));
            MqttSubscription[] subscriptions = new MqttSubscription[batch.size()];
            for (int i = 0; i < subscriptions.length; i++) {
                subscriptions[i] = new MqttSubscription(topics.commands(batch.get(i).id()), 1);
            }
            tokens.add(client.subscribe(subscriptions));
        }
        return tokens;
    }

    /** Queues a message (scheduler thread only). A telemetry pack may be dropped if the queue overflows. */
    void send(String topic, String payload, int qos, boolean retained, boolean telemetry) {
        send(new Outgoing(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained, telemetry), false);
    }

    /** Queues the births of its devices ahead of anything waiting (scheduler thread only). */
    void sendBirths(Births births) {
        List<SimDevice> reversed = new ArrayList<>(devices);
        Collections.reverse(reversed);
        for (SimDevice device : reversed) {
            send(new Outgoing(topics.state(device.id()), births.online(device).getBytes(StandardCharsets.UTF_8), 1,
                    true, false), true);
        }
    }

    /**
     * Stops taking telemetry, queues {@code {"online": false}} for each of its devices and returns a future that
     * completes once everything queued has been delivered, or at once if the link is not connected (scheduler
     * thread only).
     */
    CompletableFuture<Void> goOffline() {
        for (SimDevice device : devices) {
            send(new Outgoing(topics.state(device.id()), Births.OFFLINE.getBytes(StandardCharsets.UTF_8), 1, true, false),
                    false);
        }
        closing = true;
        checkDrained();
        return drained;
    }

    /** Ends the connection: a clean disconnect if possible, then Paho's threads are stopped. Any thread. */
    IMqttToken disconnect() {
        try {
            return client.disconnect(500);
        } catch (MqttException e) {
            return null;
        }
    }

    /** Releases the client; forcibly, whatever state it is in. Any thread, after {@link #disconnect()}. */
    void close() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 500, false);
            }
        } catch (MqttException | RuntimeException ignored) {
            // Closing anyway.
        }
        try {
            client.close(true);
        } catch (MqttException | RuntimeException ignored) {
            // Nothing more to release.
        }
    }

    private void send(Outgoing message, boolean first) {
        if (closing && message.telemetry()) {
            return;
        }
        if (queue.size() >= queueLimit) {
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
                host.warn("simulator: " + clientId + " cannot publish to " + message.topic() + ": " + reason(e));
            }
        }
        checkDrained();
    }

    private void completed(IMqttToken token, Throwable problem) {
        Object context = token.getUserContext();
        onScheduler(() -> {
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
    }

    private void checkDrained() {
        if (closing && !drained.isDone() && ((queue.isEmpty() && outstanding == 0) || !client.isConnected())) {
            drained.complete(null);
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        Topics.Command command = topics.parseCommand(topic);
        if (command == null) {
            return;
        }
        SimDevice device = byId.get(command.deviceId());
        if (device != null) {
            byte[] payload = message.getPayload();
            onScheduler(() -> host.command(this, device, command.commandId(), payload));
        }
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
        // Reconnections are this link's own (see reconnect()); their outcome arrives through the connect token.
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        Throwable cause = response.getException();
        String why = cause != null ? reason(cause)
                : response.getReasonString() != null ? response.getReasonString() : "reason code " + response.getReturnCode();
        onScheduler(() -> {
            if (!closing) {
                host.lost(this, why);
                reconnectLater();
            }
            checkDrained();
        });
    }

    /** Schedules the next attempt to reconnect (scheduler thread only). */
    private void reconnectLater() {
        if (reconnecting || closing) {
            return;
        }
        reconnecting = true;
        long delay = (long) (reconnectDelay * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        reconnectDelay = Math.min(MAX_RECONNECT_DELAY_MILLIS, reconnectDelay * 2);
        try {
            scheduler.schedule(this::reconnect, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // The simulator has stopped.
        }
    }

    private void reconnect() {
        reconnecting = false;
        if (closing || client.isConnected()) {
            return;
        }
        try {
            client.connect(options, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    onScheduler(MqttLink.this::reconnected);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable problem) {
                    onScheduler(MqttLink.this::reconnectLater);
                }
            });
        } catch (MqttException e) {
            // Already connecting, or refused at once: try again later.
            reconnectLater();
        }
    }

    private void reconnected() {
        generation++;
        outstanding = 0;
        reconnectDelay = MIN_RECONNECT_DELAY_MILLIS;
        if (closing) {
            checkDrained();
            return;
        }
        host.reconnected(this);
        pump();
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        host.warn("simulator: " + clientId + ": " + reason(exception));
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        // Counted through the action listener of each publish.
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // No enhanced authentication.
    }

    private void onScheduler(Runnable work) {
        try {
            scheduler.execute(work);
        } catch (RejectedExecutionException closed) {
            // The simulator has stopped.
        }
    }

    /** The most specific explanation of a failure: the innermost cause's message. */
    static String reason(Throwable problem) {
        Throwable root = problem;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (root != problem && problem.getMessage() != null && !problem.getMessage().equals(message)) {
            return problem.getMessage() + ": " + (message != null ? message : root.getClass().getSimpleName());
        }
        return message != null ? message : root.getClass().getSimpleName();
    }
}
