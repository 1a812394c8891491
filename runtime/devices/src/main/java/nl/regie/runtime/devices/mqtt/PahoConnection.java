package nl.regie.runtime.devices.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import nl.regie.mqtt.client.NoDelaySocketFactory;

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
 * The bridge's MQTT v5 connection, on Paho's {@link MqttAsyncClient}.
 *
 * <ul>
 * <li>A persistent session: a fixed client id, clean start off and a long session expiry, so the broker keeps
 * the subscriptions and queues QoS 1 messages while the bridge is away (a broker restart, a runtime update).</li>
 * <li>Reconnects after a failed attempt or a lost connection, 1 s then doubling to the configured maximum, on the
 * bridge's scheduler thread (see {@link #reconnectLater}); the same client object reconnects, so QoS 1 commands
 * not yet acknowledged by the broker are sent again. The subscriptions (QoS 1) are made again on every connect.</li>
 * <li>TCP_NODELAY on every socket ({@link NoDelaySocketFactory}); credentials and a trust store when given.</li>
 * <li>Messages are handed to the handler on Paho's callback thread, one at a time, in order; Paho acknowledges a
 * QoS 1 message only after the handler returns, so a message the handler has not finished is delivered again.</li>
 * </ul>
 */
public final class PahoConnection implements MqttOutbound, AutoCloseable {

    private final ConnectionSettings settings;
    private final List<String> filters;
    private final BiConsumer<String, byte[]> handler;
    private final ScheduledExecutorService scheduler;
    private final Logger log;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    /** How long Paho may take to open the connection's socket. */
    static final int CONNECTION_TIMEOUT_SECONDS = 10;
    /** How long an attempt may go without an answer before the bridge gives up on it and tries again. */
    static final int WATCHDOG_SECONDS = CONNECTION_TIMEOUT_SECONDS + 5;

    private final AtomicInteger failedAttempts = new AtomicInteger();
    /** Connection attempts made, so that a watchdog can tell whether the attempt it watches is still the last one. */
    private final AtomicLong attempts = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean connectedBefore;
    private volatile boolean subscribed;
    private volatile boolean warned;

    /**
     * Prepares the client; {@link #start()} connects.
     *
     * @param settings  broker, client id, credentials, TLS, backoff and session
     * @param filters   the topic filters to subscribe to (QoS 1) on every connect
     * @param handler   receives each message's topic and payload; must not throw
     * @param scheduler runs the reconnect attempts
     * @param log       where connection events go
     * @throws MqttException            if Paho refuses the settings
     * @throws IOException              if the trust store cannot be read
     * @throws GeneralSecurityException if the trust store cannot be loaded
     */
    public PahoConnection(ConnectionSettings settings, List<String> filters, BiConsumer<String, byte[]> handler,
            ScheduledExecutorService scheduler, Logger log) throws MqttException, IOException, GeneralSecurityException {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.filters = List.copyOf(filters);
        this.handler = Objects.requireNonNull(handler, "handler");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.log = Objects.requireNonNull(log, "log");
        this.options = options(settings);
        this.client = new MqttAsyncClient(settings.serverUri(), settings.clientId(), new MemoryPersistence());
        client.setCallback(new Callback());
    }

    static MqttConnectionOptions options(ConnectionSettings settings) throws IOException, GeneralSecurityException {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(settings.sessionExpirySeconds());
        // Reconnecting is done here, on the bridge's own thread (see reconnectLater).
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(settings.keepAliveSeconds());
        options.setConnectionTimeout(CONNECTION_TIMEOUT_SECONDS);
        options.setMaximumPacketSize((long) settings.maxPacketBytes());
        if (settings.username() != null && !settings.username().isEmpty()) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null && !settings.password().isEmpty()) {
            options.setPassword(settings.password().getBytes(StandardCharsets.UTF_8));
        }
        options.setSocketFactory(socketFactory(settings));
        return options;
    }

    private static SocketFactory socketFactory(ConnectionSettings settings) throws IOException, GeneralSecurityException {
        if (!settings.tls()) {
            if (settings.truststore() != null && !settings.truststore().isEmpty()) {
                throw new IllegalArgumentException("a trust store is configured, but the broker URL " + settings.serverUri()
                        + " does not use TLS (use ssl://host:port)");
            }
            return new NoDelaySocketFactory(SocketFactory.getDefault());
        }
        if (settings.truststore() == null || settings.truststore().isEmpty()) {
            return new NoDelaySslSocketFactory((SSLSocketFactory) SSLSocketFactory.getDefault());
        }
        Path file = Path.of(settings.truststore());
        char[] password = settings.truststorePassword() == null ? null : settings.truststorePassword().toCharArray();
        KeyStore trusted;
        try (InputStream in = Files.newInputStream(file)) {
            // PKCS12 by default; the JDK's PKCS12 key store also reads JKS files.
            trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(in, password);
        } catch (IOException e) {
            throw new IOException("cannot read the MQTT trust store " + file + ": " + e.getMessage(), e);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return new NoDelaySslSocketFactory(context.getSocketFactory());
    }

    /** Starts connecting; returns at once. The connection is retried until it succeeds or this is closed. */
    public void start() {
        connect();
    }

    private void connect() {
        if (closed) {
            return;
        }
        long attempt = attempts.incrementAndGet();
        try {
            client.connect(options, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    failedAttempts.set(0);
                    warned = false;
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    reconnectLater(failure);
                }
            });
            scheduleWatchdog(attempt);
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttClientException.REASON_CODE_CLIENT_CONNECTED
                    || e.getReasonCode() == MqttClientException.REASON_CODE_CONNECT_IN_PROGRESS) {
                return;
            }
            reconnectLater(e);
        }
    }

    /**
     * Gives up on an attempt that has neither succeeded nor failed well after its timeout, and tries again. Paho 1.2.5's
     * connection timeout covers the TCP connect only: an attempt whose CONNECT is never answered (seen when the broker
     * restarts at that moment: the broker accepted the socket and never heard a CONNECT) would wait for ever, and the
     * bridge with it.
     */
    private void scheduleWatchdog(long attempt) {
        try {
            scheduler.schedule(() -> {
                if (closed || client.isConnected() || attempts.get() != attempt) {
                    return;
                }
                log.warn("MQTT broker {} did not answer the bridge's connection attempt within {} s; trying again",
                        settings.serverUri(), WATCHDOG_SECONDS);
                try {
                    client.disconnectForcibly(0, 1000, false);
                } catch (MqttException e) {
                    // nothing to end: the attempt ended meanwhile
                }
                reconnectLater(null);
            }, WATCHDOG_SECONDS, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /**
     * Schedules the next connection attempt: 1 s after the first failure or loss, then doubling up to the configured
     * maximum. Paho's own automatic reconnect is not used: it runs on a non-daemon {@code java.util.Timer} that
     * {@code disconnect} and {@code close} do not cancel (Paho 1.2.5), so a bridge stopped while its broker is away
     * would leave a thread behind that keeps the JVM alive; and it does not retry a first connection that failed.
     */
    private void reconnectLater(Throwable failure) {
        if (closed) {
            return;
        }
        int attempt = failedAttempts.incrementAndGet();
        long delay = Math.min(settings.reconnectMaxSeconds(), 1L << Math.min(attempt - 1, 20));
        if (failure != null && (!warned || attempt % 20 == 0)) {
            warned = true;
            log.warn("MQTT broker {} not reachable ({}); retrying every {} s at most", settings.serverUri(),
                    describe(failure), settings.reconnectMaxSeconds());
        }
        try {
            scheduler.schedule(this::connect, delay, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    /** Whether the broker has acknowledged every subscription on the current connection. */
    public boolean isSubscribed() {
        return subscribed && client.isConnected();
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retained, long messageExpirySeconds)
            throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(qos);
        message.setRetained(retained);
        if (messageExpirySeconds > 0) {
            MqttProperties properties = new MqttProperties();
            properties.setMessageExpiryInterval(messageExpirySeconds);
            message.setProperties(properties);
        }
        client.publish(topic, message);
    }

    /** The broker URL. */
    public String serverUri() {
        return settings.serverUri();
    }

    /** Disconnects (waiting up to 2 s for a clean goodbye) and releases the client's threads. */
    @Override
    public void close() {
        closed = true;
        subscribed = false;
        try {
            if (client.isConnected()) {
                client.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException e) {
            log.debug("MQTT disconnect from {} did not complete cleanly: {}", settings.serverUri(), describe(e));
        }
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, false);
            }
            client.close(true);
        } catch (MqttException e) {
            log.debug("Closing the MQTT client failed: {}", describe(e));
        }
    }

    private void subscribe() {
        // Retain handling 0: the retained births (or wills) come again on every subscribe, also when the session
        // (and so the subscription) survived, because a restarted bridge knows nothing of its devices.
        MqttSubscription[] subscriptions = filters.stream().map(f -> new MqttSubscription(f, 1))
                .toArray(MqttSubscription[]::new);
        try {
            client.subscribe(subscriptions, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] codes = token.getReasonCodes();
                    boolean all = true;
                    for (int i = 0; codes != null && i < codes.length && i < subscriptions.length; i++) {
                        if (codes[i] >= 0x80) {
                            all = false;
                            log.error("MQTT broker {} refused the subscription to {} (reason code 0x{})",
                                    settings.serverUri(), subscriptions[i].getTopic(), Integer.toHexString(codes[i]));
                        }
                    }
                    subscribed = all && client.isConnected();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    log.error("Subscribing to {} at {} failed: {}", filters, settings.serverUri(), describe(failure));
                }
            }, (MqttProperties) null);
        } catch (MqttException e) {
            log.error("Subscribing to {} at {} failed: {}", filters, settings.serverUri(), describe(e));
        }
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "no reason given";
        }
        Throwable cause = t.getCause() != null && t.getCause() != t ? t.getCause() : null;
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return cause == null || cause.getMessage() == null ? message : message + ": " + cause.getMessage();
    }

    /** Paho's callbacks. */
    private final class Callback implements MqttCallback {

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            log.info("MQTT device bridge {} to {} as {}", connectedBefore ? "reconnected" : "connected", serverUri,
                    settings.clientId());
            connectedBefore = true;
            subscribe();
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            subscribed = false;
            if (!closed) {
                log.warn("MQTT device bridge lost its connection to {} ({}); reconnecting", settings.serverUri(),
                        response.getException() != null ? describe(response.getException())
                                : "reason code " + response.getReturnCode()
                                        + (response.getReasonString() == null ? "" : ": " + response.getReasonString()));
                reconnectLater(null);
            }
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.warn("MQTT error on the connection to {}: {}", settings.serverUri(), describe(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                handler.accept(topic, message.getPayload());
            } catch (RuntimeException e) {
                // Never let Paho see an exception: it would drop the connection.
                log.error("MQTT device bridge failed on a message on {}", topic, e);
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // QoS 1 commands: nothing to do when the broker has them.
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }
}
