package nl.regie.runtime.federation;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

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
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.osgi.service.log.Logger;

/**
 * This site's MQTT 5 link to the shared broker, on Paho's {@link MqttAsyncClient}, built like the device bridge's
 * connection: a persistent session (fixed client id, clean start off, a session expiry), so the broker queues what is
 * addressed to this site while it is away; reconnects on its own scheduler (1 s, doubling to a maximum) with a
 * watchdog for an attempt the broker never answers; TCP_NODELAY; the inbox subscribed (QoS 1) on every connect.
 *
 * <p>Outgoing readings are published at QoS 1 in the order they are offered. While the link is connected and nothing
 * waits, {@link #offer} hands a message to Paho at once, on the caller's thread (no hand-off to another thread of
 * ours: at a paced rate that hand-off was a thread wake-up per reading). Otherwise it waits in a bounded queue
 * ({@link #offer} returns false when it is full: the caller counts the drop), which one thread,
 * {@code regie-federation-send-{clientId}}, drains while connected; it waits for a connection or an acknowledgement while Paho
 * refuses (not connected, as many in flight as the broker allows), and the message it could not send stays at the
 * head of the queue. A direct publish happens only with the queue empty and the sender not publishing (a lock tried,
 * never waited for), so the order is kept and an offer never waits for the sender's publish. Messages in flight when the link drops are sent again by Paho on reconnect (same client, session
 * kept); the receiver drops the duplicates by reading id. Incoming messages go to the handler on Paho's callback
 * thread, which acknowledges them only after it returns.
 *
 * <p>With an {@link OutboxJournal}, every message is recorded as it is queued and marked done once the broker
 * acknowledged it, so what waits survives a crash of the process.
 */
public final class FederationLink implements AutoCloseable {

    /** Handles a message from the broker: topic, payload, user properties. Must not throw. */
    public interface Handler {
        void message(String topic, byte[] payload, Map<String, String> properties);
    }

    /** MQTT 5 CONNACK reason codes (and MQTT 3's 4 and 5) that say the broker refuses who this site is. */
    private static final Set<Integer> REFUSED_LOGIN = Set.of(0x86, 0x87, 0x8C, 4, 5);

    static final int CONNECTION_TIMEOUT_SECONDS = 10;
    static final int WATCHDOG_SECONDS = CONNECTION_TIMEOUT_SECONDS + 5;

    private final LinkSettings settings;
    private final String inbox;
    private final Handler handler;
    private final Consumer<Outgoing> sent;
    private final ScheduledExecutorService scheduler;
    /** Where every queued message is recorded until the broker has it, or null to keep the outbox in memory only. */
    private final OutboxJournal journal;
    private final Logger log;
    private final Clock clock;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    /** Guarded by {@link #lock}: the messages waiting to be published, oldest first. */
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    /** Guards the queue (short: an offer, a look at the head, its removal); the sender never waits on Paho under it. */
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Held while a message is handed to Paho: by the sender for the queue's head until it is removed, by an offer
     * (tried, never waited for, under {@link #lock} with the queue empty) for a direct publish. So a direct publish
     * never overtakes a message the sender is publishing, and an offer never waits for the sender's publish.
     */
    private final ReentrantLock publishing = new ReentrantLock();
    /** The queue is no longer empty, or the link is closing. */
    private final Condition filled = lock.newCondition();
    /** A connection or an acknowledgement: what Paho refused may go now. */
    private final Condition changed = lock.newCondition();
    /** Counts connections and acknowledgements; the sender waits only while it has not moved since Paho refused. */
    private final AtomicLong changes = new AtomicLong();
    private volatile int queued;
    /** Offers that could not go to Paho at once and waited in the queue (tests, and what the figures explain). */
    private final AtomicLong deferred = new AtomicLong();
    private final Thread sender;
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private final AtomicLong attempts = new AtomicLong();
    /** The last attempt the broker answered (or Paho gave up on): the watchdog leaves it alone. */
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong arrived = new AtomicLong();
    private final AtomicLong refusedLogins = new AtomicLong();
    private volatile Consumer<String> onRefusedLogin = reason -> { };
    /** Whether the last attempt was refused by the broker: a run of refusals is reported once. */
    private volatile boolean refusing;
    private volatile boolean closed;
    private volatile boolean waiting;
    private volatile boolean connectedBefore;
    private volatile String state = "connecting";
    private volatile Instant since;
    private volatile String lastError;
    /** At {@link #close}: the messages sent and not yet acknowledged. */
    private volatile List<Outgoing> unacknowledged = List.of();

    public FederationLink(LinkSettings settings, String inbox, Handler handler, Consumer<Outgoing> sent,
            ScheduledExecutorService scheduler, Logger log, Clock clock) throws MqttException {
        this(settings, inbox, handler, sent, scheduler, null, log, clock);
    }

    /** @param journal where queued messages are recorded until the broker has them; null for memory only */
    public FederationLink(LinkSettings settings, String inbox, Handler handler, Consumer<Outgoing> sent,
            ScheduledExecutorService scheduler, OutboxJournal journal, Logger log, Clock clock) throws MqttException {
        this.settings = settings;
        this.journal = journal;
        this.inbox = inbox;
        this.handler = handler;
        this.sent = sent;
        this.scheduler = scheduler;
        this.log = log;
        this.clock = clock;
        this.since = clock.instant();
        this.options = options(settings);
        this.client = new MqttAsyncClient(settings.serverUri(), settings.clientId(), new MemoryPersistence());
        client.setCallback(new Callback());
        this.sender = new Thread(this::sendLoop, "regie-federation-send-" + settings.clientId());
        sender.setDaemon(true);
    }

    private static MqttConnectionOptions options(LinkSettings settings) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(settings.sessionExpirySeconds());
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(CONNECTION_TIMEOUT_SECONDS);
        if (settings.username() != null && !settings.username().isEmpty()) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null && !settings.password().isEmpty()) {
            options.setPassword(settings.password().getBytes(StandardCharsets.UTF_8));
        }
        options.setSocketFactory(new NoDelaySocketFactory(settings.serverUri().startsWith("ssl://")
                ? SSLSocketFactory.getDefault() : SocketFactory.getDefault()));
        return options;
    }

    /** Starts connecting and sending; returns at once. */
    public void start() {
        sender.start();
        connect();
    }

    /**
     * Queues a message for the broker, recorded in the journal if there is one; false when the queue is full (nothing
     * is queued or recorded then).
     */
    public boolean offer(Outgoing message) {
        if (closed) {
            return false;
        }
        lock.lock();
        try {
            if (queue.size() >= settings.queueCapacity()) {
                return false;
            }
            Outgoing numbered = journal == null ? message : journal.queued(message);
            // Only when nothing waits and the sender is not handing a message to Paho: the order is kept.
            if (queue.isEmpty() && publishing.tryLock()) {
                try {
                    if (publish(numbered)) {
                        return true;
                    }
                } finally {
                    publishing.unlock();
                }
            }
            deferred.incrementAndGet();
            enqueue(numbered);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by {@link #lock}: appends a message to the queue (its capacity checked) and wakes the sender. */
    private void enqueue(Outgoing message) {
        boolean wasEmpty = queue.isEmpty();
        queue.addLast(message);
        queued = queue.size();
        if (wasEmpty) {
            filled.signal();
        }
    }

    /**
     * Queues a message the journal already holds (kept from before a restart); false when the queue is full, and then
     * the journal lets it go.
     */
    boolean offerKept(Outgoing message) {
        if (!closed) {
            lock.lock();
            try {
                if (queue.size() < settings.queueCapacity()) {
                    enqueue(message);
                    return true;
                }
            } finally {
                lock.unlock();
            }
        }
        if (journal != null) {
            journal.done(message);
        }
        return false;
    }

    /**
     * Drains the queue: publishes its head while Paho takes it; when Paho refuses, waits for a connection or an
     * acknowledgement (at most 100 ms, then tries again), the head staying in place.
     */
    private void sendLoop() {
        try {
            while (!closed) {
                Outgoing head;
                lock.lock();
                try {
                    while ((head = queue.peekFirst()) == null && !closed) {
                        filled.await();
                    }
                } finally {
                    lock.unlock();
                }
                if (head == null) {
                    return;
                }
                // Only this thread removes from the queue, so the head stays the head while it is published.
                long seen = changes.get();
                boolean sent;
                publishing.lock();
                try {
                    sent = publish(head);
                    if (sent) {
                        lock.lock();
                        try {
                            queue.pollFirst();
                            queued = queue.size();
                        } finally {
                            lock.unlock();
                        }
                    }
                } finally {
                    publishing.unlock();
                }
                if (!sent) {
                    lock.lock();
                    try {
                        awaitChange(seen);
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean publish(Outgoing message) {
        if (!client.isConnected()) {
            return false;
        }
        MqttMessage mqtt = new MqttMessage(message.payload());
        mqtt.setQos(1);
        MqttProperties properties = new MqttProperties();
        List<UserProperty> user = new ArrayList<>(message.properties().size());
        message.properties().forEach((name, value) -> user.add(new UserProperty(name, value)));
        properties.setUserProperties(user);
        mqtt.setProperties(properties);
        try {
            client.publish(message.topic(), mqtt, message, null);
            return true;
        } catch (MqttException e) {
            // Not connected, or as many in flight as the broker allows: wait for a change and try again.
            return false;
        }
    }

    /**
     * Guarded by {@link #lock}: waits for a connection or an acknowledgement after {@code seen} (at most 100 ms). The
     * sender sets {@link #waiting} before it looks at {@link #changes} again, and {@link #signal} counts a change before
     * it looks at {@link #waiting}: so either the sender sees the change and does not wait, or the signal sees the
     * sender waiting and wakes it; no wake-up is lost between Paho's refusal and the wait.
     */
    private void awaitChange(long seen) throws InterruptedException {
        waiting = true;
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(100);
            while (changes.get() == seen && !closed && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            waiting = false;
        }
    }

    /** Counts a change and wakes the sender if it waits; while it does not, this costs an increment and a read. */
    private void signal() {
        changes.incrementAndGet();
        if (!waiting) {
            return;
        }
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
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
                    answered.set(attempt);
                    failedAttempts.set(0);
                    refusing = false;
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    answered.set(attempt);
                    if (refusedLogin(failure)) {
                        return;
                    }
                    refusing = false;
                    lastError = describe(failure);
                    reconnectLater(failure);
                }
            });
            scheduleWatchdog(attempt);
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttClientException.REASON_CODE_CLIENT_CONNECTED
                    || e.getReasonCode() == MqttClientException.REASON_CODE_CONNECT_IN_PROGRESS) {
                return;
            }
            lastError = describe(e);
            reconnectLater(e);
        }
    }

    /**
     * The broker refused this site's credentials (bad user name or password, not authorized): a clear last error,
     * counted, logged and handed to the refusal listener once per run of refusals; the link keeps trying (the broker's
     * password file may be corrected), at the longest backoff.
     */
    private boolean refusedLogin(Throwable failure) {
        if (!(failure instanceof MqttException e) || !REFUSED_LOGIN.contains(e.getReasonCode())) {
            return false;
        }
        refusedLogins.incrementAndGet();
        lastError = "the shared broker refused the credentials of "
                + (settings.username() == null ? "this site (no user name configured)" : "'" + settings.username() + "'")
                + " (reason code 0x" + Integer.toHexString(e.getReasonCode()) + ": " + describe(e) + ")";
        if (!refusing) {
            refusing = true;
            log.error("Federation: {}; retrying every {} s", lastError, settings.reconnectMaxSeconds());
            onRefusedLogin.accept(lastError);
        }
        failedAttempts.set(30);
        reconnectLater(null);
        return true;
    }

    /** Who hears, once per run of refusals, that the broker refused this site's credentials (the reason). */
    public void onRefusedLogin(Consumer<String> listener) {
        this.onRefusedLogin = listener;
    }

    /** Connection attempts the broker refused for this site's credentials. */
    public long refusedLogins() {
        return refusedLogins.get();
    }

    /** Gives up on an attempt the broker never answers (Paho's timeout covers the TCP connect only) and tries again. */
    private void scheduleWatchdog(long attempt) {
        try {
            scheduler.schedule(() -> {
                if (closed || client.isConnected() || attempts.get() != attempt || answered.get() >= attempt) {
                    return;
                }
                lastError = "the broker did not answer the connection attempt within " + WATCHDOG_SECONDS + " s";
                try {
                    client.disconnectForcibly(0, 1000, false);
                } catch (MqttException e) {
                    // the attempt ended meanwhile
                }
                reconnectLater(null);
            }, WATCHDOG_SECONDS, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void reconnectLater(Throwable failure) {
        if (closed) {
            return;
        }
        setState("connecting");
        int attempt = failedAttempts.incrementAndGet();
        long delay = Math.min(settings.reconnectMaxSeconds(), 1L << Math.min(attempt - 1, 20));
        if (failure != null && (attempt == 1 || attempt % 20 == 0)) {
            log.warn("Federation: shared broker {} not reachable ({}); retrying every {} s at most",
                    settings.serverUri(), describe(failure), settings.reconnectMaxSeconds());
        }
        try {
            scheduler.schedule(this::connect, delay, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void setState(String next) {
        if (!next.equals(state)) {
            state = next;
            since = clock.instant();
        }
    }

    String state() {
        return state;
    }

    Instant since() {
        return since;
    }

    String lastError() {
        return lastError;
    }

    public int queued() {
        return queued;
    }

    /** Offers that waited in the queue rather than going to Paho at once. */
    long deferred() {
        return deferred.get();
    }

    int capacity() {
        return settings.queueCapacity();
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    long arrived() {
        return arrived.get();
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    String serverUri() {
        return settings.serverUri();
    }

    /**
     * Before a clean stop: while connected, waits up to {@code millis} for the outbox to empty and the broker to
     * acknowledge what is in flight, so that a stop loses nothing it could still send.
     *
     * @return the messages left: still queued, or sent and not acknowledged (with the outbox and Paho's in-flight
     *         state in memory, the caller counts them as lost)
     */
    public int drain(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (client.isConnected() && left() > 0 && System.nanoTime() < deadline) {
            // Polled: acknowledgements arrive on Paho's thread, and this runs once, at a stop.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return left();
    }

    private int left() {
        return queued + client.getPendingTokens().length;
    }

    /**
     * After {@link #close}: what it left behind, the messages sent and not acknowledged (their order among themselves
     * is not known) then the queue in order; empties the queue.
     */
    public List<Outgoing> leftBehind() {
        List<Outgoing> left = new ArrayList<>(unacknowledged);
        lock.lock();
        try {
            left.addAll(queue);
            queue.clear();
            queued = 0;
        } finally {
            lock.unlock();
        }
        return left;
    }

    /** Stops sending, disconnects (up to 2 s for a clean goodbye) and releases Paho's threads. */
    @Override
    public void close() {
        closed = true;
        setState("closed");
        sender.interrupt();
        List<Outgoing> pending = new ArrayList<>();
        for (IMqttToken token : client.getPendingTokens()) {
            if (token.getUserContext() instanceof Outgoing message) {
                pending.add(message);
            }
        }
        unacknowledged = pending;
        try {
            if (client.isConnected()) {
                client.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException e) {
            log.debug("Federation: disconnect from {} did not complete cleanly: {}", settings.serverUri(),
                    describe(e));
        }
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, false);
            }
            client.close(true);
        } catch (MqttException e) {
            log.debug("Federation: closing the MQTT client failed: {}", describe(e));
        }
        try {
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void subscribe() {
        try {
            client.subscribe(new MqttSubscription[] {new MqttSubscription(inbox, 1)}, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] codes = token.getReasonCodes();
                    if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                        lastError = "the broker refused the subscription to " + inbox + " (reason code 0x"
                                + Integer.toHexString(codes[0]) + ")";
                        log.error("Federation: {}", lastError);
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    lastError = "subscribing to " + inbox + " failed: " + describe(failure);
                    log.error("Federation: {}", lastError);
                }
            }, (MqttProperties) null);
        } catch (MqttException e) {
            lastError = "subscribing to " + inbox + " failed: " + describe(e);
            log.error("Federation: {}", lastError);
        }
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "no reason given";
        }
        Throwable cause = t.getCause() != null && t.getCause() != t ? t.getCause() : null;
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return cause == null || cause.getMessage() == null ? message : message + ": " + cause.getMessage();
    }

    private final class Callback implements MqttCallback {

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            log.info("Federation: {} to the shared broker {} as {}", connectedBefore ? "reconnected" : "connected",
                    serverUri, settings.clientId());
            connectedBefore = true;
            setState("connected");
            subscribe();
            signal();
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            if (!closed) {
                lastError = response.getException() != null ? describe(response.getException())
                        : "reason code " + response.getReturnCode()
                                + (response.getReasonString() == null ? "" : ": " + response.getReasonString());
                log.warn("Federation: lost the shared broker {} ({}); reconnecting", settings.serverUri(), lastError);
                reconnectLater(null);
            }
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            lastError = describe(exception);
            log.warn("Federation: MQTT error on the link to {}: {}", settings.serverUri(), lastError);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            arrived.incrementAndGet();
            try {
                Map<String, String> properties = new HashMap<>();
                List<UserProperty> user = message.getProperties() == null ? null
                        : message.getProperties().getUserProperties();
                if (user != null) {
                    for (UserProperty property : user) {
                        // A repeated name: the first counts (the wire never repeats one).
                        properties.putIfAbsent(property.getKey(), property.getValue());
                    }
                }
                handler.message(topic, message.getPayload(), properties);
            } catch (RuntimeException e) {
                // Never let Paho see an exception: it would drop the connection.
                log.error("Federation: failed on a message on {}", topic, e);
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            acknowledged.incrementAndGet();
            if (token.getUserContext() instanceof Outgoing message) {
                if (journal != null) {
                    journal.done(message);
                }
                sent.accept(message);
            }
            signal();
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }
}
