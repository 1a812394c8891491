package nl.regie.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * The simulator's MQTT connections: the devices dealt out over them (a connection each, or shared, as
 * {@link SimulatorSettings#connections()} says), all connected and subscribed at once, their births sent, their
 * outages and recoveries told in one line each however many connections they take, and all of them closed at the
 * end. Commands that arrive go to the {@link CommandHandler}.
 */
final class LinkPool implements MqttLink.Host {

    /**
     * How long connecting and subscribing every link may take. A broker that is not there is refused at once; this is
     * for one that is slow to answer: on a starved machine (2 cores at a load of 25) the embedded broker took more than
     * the 5 s and 10 s this once was to answer 10 connections, and the simulated city never started.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final List<MqttLink> links;
    private final Births births;
    private final CommandHandler commands;
    private final Consumer<String> warnings;
    /** The links that lost their connection and have not reconnected yet (scheduler thread only). */
    private final Set<MqttLink> down = new HashSet<>();

    /**
     * Connections to {@code brokerUrl} for {@code devices}, not connected yet.
     *
     * @throws IllegalArgumentException if Paho cannot use the URL
     */
    LinkPool(String brokerUrl, String site, SimulatorSettings settings, List<SimDevice> devices, Topics topics,
            SimulatorThreads threads, Births births, CommandHandler commands, Consumer<String> warnings) {
        this.births = births;
        this.commands = commands;
        this.warnings = warnings;
        int count = settings.connections();
        List<List<SimDevice>> groups = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            groups.add(new ArrayList<>(devices.size() / count + 1));
        }
        for (int i = 0; i < devices.size(); i++) {
            groups.get(i % count).add(devices.get(i));
        }
        List<MqttLink> created = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                List<SimDevice> group = groups.get(i);
                String clientId = settings.dedicatedConnections() ? "sim-" + site + "-" + group.get(0).id()
                        : String.format("sim-%s-link-%02d", site, i + 1);
                created.add(new MqttLink(brokerUrl, clientId, topics, group, threads.scheduler(), threads.pinger(), this));
            }
        } catch (MqttException | IllegalArgumentException e) {
            created.forEach(MqttLink::close);
            throw new IllegalArgumentException("not a usable MQTT broker URL: \"" + brokerUrl + "\" ("
                    + Failures.reason(e) + ")", e);
        }
        this.links = Collections.unmodifiableList(created);
    }

    List<MqttLink> links() {
        return links;
    }

    /**
     * Connects and subscribes every link, all at once, with {@code login} if it is not {@code null}.
     *
     * @throws IllegalStateException unless all succeed within {@link #CONNECT_TIMEOUT}, or if the broker refuses a
     *     connection (its login, say); the message says where and why
     */
    void connect(String brokerUrl, BrokerLogin login) {
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        boolean plainTcp = brokerUrl.startsWith("tcp://");
        try {
            List<IMqttToken> tokens = new ArrayList<>(links.size());
            for (MqttLink link : links) {
                tokens.add(link.connect(plainTcp, login));
            }
            await(tokens, deadline);
            tokens.clear();
            for (MqttLink link : links) {
                tokens.addAll(link.subscribe());
            }
            await(tokens, deadline);
            for (IMqttToken token : tokens) {
                for (int code : token.getReasonCodes()) {
                    if (code >= 0x80) {
                        throw new IllegalStateException("the MQTT broker at " + brokerUrl
                                + " refused the simulator's command subscriptions (reason code 0x"
                                + Integer.toHexString(code) + ")");
                    }
                }
            }
        } catch (MqttException e) {
            int code = e.getReasonCode();
            if (code >= 0x80 && code <= 0xff) {
                // The broker answered, with a CONNACK's reason code: not authorized, banned, busy, ...
                throw new IllegalStateException("the MQTT broker at " + brokerUrl + " refused the connection"
                        + (login != null ? " of user " + login.username() : " without a login") + ": "
                        + Failures.reason(e) + " (reason code 0x" + Integer.toHexString(code) + ")", e);
            }
            throw new IllegalStateException("cannot reach the MQTT broker at " + brokerUrl + ": " + Failures.reason(e), e);
        }
    }

    /** Queues every device's birth (scheduler thread only). */
    void sendBirths() {
        links.forEach(link -> link.sendBirths(births));
    }

    /**
     * Queues {@code {"online": false}} for every device and returns a future that completes once every link has
     * delivered what it had queued, or lost its connection (scheduler thread only).
     */
    CompletableFuture<Void> goOffline() {
        List<CompletableFuture<Void>> drained = new ArrayList<>();
        links.forEach(link -> drained.add(link.goOffline()));
        return CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new));
    }

    /** Disconnects every link, all at once, waiting up to three seconds, then releases them. Any thread. */
    void close() {
        List<IMqttToken> tokens = new ArrayList<>();
        for (MqttLink link : links) {
            if (link.connected()) {
                IMqttToken token = link.disconnect();
                if (token != null) {
                    tokens.add(token);
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (IMqttToken token : tokens) {
            try {
                token.waitForCompletion(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (MqttException e) {
                // Forced below.
            }
        }
        links.forEach(MqttLink::close);
    }

    @Override
    public void command(MqttLink link, SimDevice device, String commandId, byte[] payload) {
        commands.handle(link, device, commandId, payload);
    }

    @Override
    public void lost(MqttLink link, String reason) {
        // One line for an outage, however many connections it takes down.
        if (down.isEmpty()) {
            warnings.accept("simulator: lost its connection to the MQTT broker (" + reason + "); reconnecting");
        }
        down.add(link);
    }

    @Override
    public void reconnected(MqttLink link) {
        try {
            link.subscribe();
        } catch (MqttException e) {
            warnings.accept("simulator: " + link.clientId() + " cannot subscribe to its commands: " + Failures.reason(e));
        }
        link.sendBirths(births);
        if (down.remove(link) && down.isEmpty()) {
            warnings.accept("simulator: reconnected to the MQTT broker" + (links.size() > 1
                    ? " (all " + links.size() + " connections)" : ""));
        }
    }

    @Override
    public void warn(String message) {
        warnings.accept(message);
    }

    private static void await(List<IMqttToken> tokens, long deadline) throws MqttException {
        for (IMqttToken token : tokens) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw timeout();
            }
            token.waitForCompletion(left);
            if (token.getException() != null) {
                throw token.getException();
            }
            if (!token.isComplete()) {
                throw timeout();
            }
        }
    }

    private static MqttException timeout() {
        return new MqttException(MqttClientException.REASON_CODE_CLIENT_TIMEOUT,
                new TimeoutException("no answer within " + CONNECT_TIMEOUT.toSeconds() + " s"));
    }
}
