package nl.regie.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.net.SocketFactory;

import nl.regie.mqtt.client.NoDelaySocketFactory;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
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
 * One MQTT connection (a Paho {@link MqttAsyncClient}) that publishes for one device or for many, through its
 * {@link Outbox}, and receives their commands.
 *
 * <p>Everything it keeps is touched only on the simulator's scheduler thread: Paho's callbacks hand their work
 * over to it. When the connection is lost the link reconnects itself, after 1 s, then doubling up to
 * {@link #MAX_RECONNECT_DELAY_MILLIS}, with some jitter so that many links do not knock at once; on reconnection
 * its {@link Host} subscribes it again and re-sends its devices' births first, since the broker may have published
 * a will meanwhile, or lost the retained births in a restart. Paho's own automatic reconnect is not used: its
 * back-off delay is a static field shared by every client in the JVM (one client's failures lengthen all the
 * others' waits; 50 links were seen waiting over a minute), and it runs on a non-daemon timer thread per client.
 */
final class MqttLink implements MqttCallback {

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

    private final String clientId;
    private final Topics topics;
    private final List<SimDevice> devices;
    private final Map<String, SimDevice> byId;
    private final ScheduledExecutorService scheduler;
    private final Host host;
    private final MqttAsyncClient client;
    private final Outbox outbox;

    private MqttConnectionOptions options;
    private long reconnectDelay = MIN_RECONNECT_DELAY_MILLIS;
    private boolean reconnecting;

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
        this.client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence(), new SharedPingSender(pinger), null);
        client.setCallback(this);
        // Enough to ride out a short outage; in a long one only the last few packs of each device are worth sending.
        this.outbox = new Outbox(client, scheduler, Math.max(50, 5 * devices.size()), host::warn);
    }

    String clientId() {
        return clientId;
    }

    List<SimDevice> devices() {
        return devices;
    }

    /** What it publishes, and how much of it was published, dropped or failed. */
    Outbox outbox() {
        return outbox;
    }

    boolean connected() {
        return client.isConnected();
    }

    /**
     * Starts connecting: clean start, the {@code login} if there is one, and, for a link of one device, that device's
     * will ({@code {"online": false}}, retained, on its state topic). Once connected, the link reconnects by itself whenever it loses the
     * connection.
     */
    IMqttToken connect(boolean plainTcp, BrokerLogin login) throws MqttException {
        MqttConnectionOptions connection = new MqttConnectionOptions();
        if (login != null) {
            connection.setUserName(login.username());
            connection.setPassword(login.password());
        }
        connection.setCleanStart(true);
        connection.setAutomaticReconnect(false);
        connection.setKeepAliveInterval(30);
        connection.setConnectionTimeout((int) LinkPool.CONNECT_TIMEOUT.toSeconds());
        if (plainTcp) {
            connection.setSocketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()));
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
        outbox.send(topic, payload, qos, retained, telemetry);
    }

    /** Queues the births of its devices ahead of anything waiting, in device order (scheduler thread only). */
    void sendBirths(Births births) {
        for (int i = devices.size() - 1; i >= 0; i--) {
            SimDevice device = devices.get(i);
            outbox.sendFirst(topics.state(device.id()), births.online(device), 1, true);
        }
    }

    /**
     * Stops taking telemetry, queues {@code {"online": false}} for each of its devices and returns a future that
     * completes once everything queued has been delivered, or at once if the link is not connected (scheduler
     * thread only).
     */
    CompletableFuture<Void> goOffline() {
        for (SimDevice device : devices) {
            outbox.send(topics.state(device.id()), Births.OFFLINE, 1, true, false);
        }
        return outbox.close();
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
        String why = cause != null ? Failures.reason(cause)
                : response.getReasonString() != null ? response.getReasonString() : "reason code " + response.getReturnCode();
        onScheduler(() -> {
            if (!outbox.closing()) {
                host.lost(this, why);
                reconnectLater();
            }
            outbox.connectionLost();
        });
    }

    /** Schedules the next attempt to reconnect (scheduler thread only). */
    private void reconnectLater() {
        if (reconnecting || outbox.closing()) {
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
        if (outbox.closing() || client.isConnected()) {
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
        reconnectDelay = MIN_RECONNECT_DELAY_MILLIS;
        outbox.newSession();
        if (outbox.closing()) {
            return;
        }
        host.reconnected(this);
        outbox.flush();
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        host.warn("simulator: " + clientId + ": " + Failures.reason(exception));
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        // Counted by the outbox, through the action listener of each publish.
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
}
