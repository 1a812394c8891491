package nl.regie.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import nl.regie.launcher.broker.BrokerAccess;
import nl.regie.launcher.broker.BrokerException;
import nl.regie.launcher.broker.BrokerLog;
import nl.regie.launcher.broker.BrokerLogins;
import nl.regie.launcher.broker.EmbeddedBroker;
import nl.regie.mqtt.access.CredentialFiles;

import org.osgi.framework.BundleContext;
import org.osgi.service.log.LogLevel;

/**
 * The MQTT broker as the launcher sees it: either the {@linkplain EmbeddedBroker embedded one}, which it starts on
 * 127.0.0.1 beside the framework (before the runtime's devices bundle) and stops after it, or an external one named
 * by {@code --broker}, which it only checks it can reach (the runtime's bridge connects, and keeps retrying, by
 * itself).
 *
 * <p>The embedded broker lets in the devices of the password file in the state folder
 * ({@code <state dir>/broker/passwd}, which the runtime keeps) and two users of the launcher's own: the runtime's
 * bridge and the simulated city, each with a password made for this start ({@link #logins()}).
 */
final class MqttBroker implements AutoCloseable {

    /**
     * How long the embedded broker may take to listen before start-up fails: a guard against a broker that hangs, not a
     * goal. At a load average of 26 on 2 cores its start took 31 s alone, and more than 30 s beside the framework,
     * where an idle machine takes about one.
     */
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    /**
     * The thread that starts the embedded broker, or probes an external one, while the launcher goes on starting; it
     * ends when the broker listens, or with the probe.
     */
    static final String START_THREAD = "regie-broker-start";
    /** What the broker's log lines are attributed to on the console. */
    static final String SOURCE = "mqtt-broker";
    /**
     * The embedded broker's working folder in the state folder: HiveMQ's home, cleared at each start. Not
     * {@code broker/}, which keeps the devices' credentials.
     */
    static final String BROKER_FOLDER = "broker-home";
    /**
     * The service property that marks the embedded broker's drop counts in the framework (a {@link Supplier} of counts
     * by reason), which the runtime's devices bundle ({@code BrokerMetrics}) writes to {@code /metrics}.
     */
    static final String DROPS_SERVICE = "regie.mqtt.broker.drops";

    private final String url;
    private final EmbeddedBroker embedded;
    private final BrokerLogins logins;
    private final CompletableFuture<Optional<String>> probe;
    private final Thread prober;
    private final CompletableFuture<Void> started;

    private MqttBroker(String url, EmbeddedBroker embedded, BrokerLogins logins,
            CompletableFuture<Optional<String>> probe, Thread prober, CompletableFuture<Void> started) {
        this.url = url;
        this.embedded = embedded;
        this.logins = logins;
        this.probe = probe;
        this.prober = prober;
        this.started = started;
    }

    /**
     * The broker these options ask for: the embedded one, started and listening when this returns; or the external
     * one, which is probed in the background (see {@link #unreachable()}).
     *
     * @throws StartupException when the embedded broker's port is taken or the broker does not start
     */
    static MqttBroker start(LauncherOptions options, ConsoleLog console) throws StartupException, InterruptedException {
        MqttBroker broker = begin(options, console);
        try {
            broker.awaitStarted();
        } catch (StartupException | InterruptedException | RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /**
     * The broker these options ask for, starting: the embedded one on a thread of its own ({@link #START_THREAD}),
     * which {@link #awaitStarted()} waits for; or the external one, probed in the background. Its logins are known at
     * once. The launcher starts the framework meanwhile and the runtime's devices bundle once it listens (or, with
     * {@code regie.startup.broker.beside=false}, waits for it first; measured: benchmarks/README.md, "Where the start
     * goes").
     *
     * @throws StartupException when the embedded broker's port is taken or it cannot be prepared
     */
    static MqttBroker begin(LauncherOptions options, ConsoleLog console) throws StartupException {
        if (!options.embeddedBroker()) {
            String url = options.mqttUrl();
            // On a thread of its own, named and a daemon, rather than a pool's (the common pool's threads are
            // anonymous workers shared with whatever else runs in the JVM); it ends with the probe.
            CompletableFuture<Optional<String>> probe = new CompletableFuture<>();
            Thread prober = new Thread(() -> {
                try {
                    probe.complete(probe(url));
                } catch (RuntimeException | Error e) {
                    probe.completeExceptionally(e);
                }
            }, START_THREAD);
            prober.setDaemon(true);
            prober.start();
            return new MqttBroker(url, null, null, probe, prober, CompletableFuture.completedFuture(null));
        }
        BrokerLog.routeTo((level, logger, message, failure) -> console.print(level(level), SOURCE, message, failure), false);
        BrokerLogins logins = BrokerLogins.random(new SecureRandom());
        BrokerAccess access = new BrokerAccess(options.site(), CredentialFiles.passwordFile(options.stateDir()), logins,
                message -> console.warn(SOURCE, message, null));
        // A queue that fills (a bridge that falls behind) may take a sixteenth of the heap, not more.
        EmbeddedBroker broker = new EmbeddedBroker(LauncherOptions.MQTT_HOST, options.mqttPort(),
                EmbeddedBroker.Limits.forHeap(Runtime.getRuntime().maxMemory()), access,
                options.stateDir().resolve(BROKER_FOLDER));
        try {
            EmbeddedBroker.ensureFree(broker.host(), broker.port(), "--mqtt-port");
        } catch (BrokerException e) {
            throw new StartupException(e.getMessage(), e.getCause());
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                broker.start(START_TIMEOUT);
                started.complete(null);
            } catch (BrokerException | InterruptedException | RuntimeException | Error e) {
                started.completeExceptionally(e);
            }
        }, START_THREAD);
        starter.setDaemon(true);
        starter.start();
        return new MqttBroker(broker.url(), broker, logins, CompletableFuture.completedFuture(Optional.empty()), null,
                started);
    }

    /**
     * Waits until the embedded broker listens (at once for an external one or none).
     *
     * @throws StartupException when it did not start
     */
    void awaitStarted() throws StartupException, InterruptedException {
        try {
            started.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BrokerException broker) {
                throw new StartupException(broker.getMessage(), broker.getCause());
            }
            if (cause instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new StartupException("the MQTT broker did not start: " + ConsoleLog.reason(cause), cause);
        }
    }

    /** No broker at all: the device bridge is left out ({@code --without devices}). */
    static MqttBroker none() {
        return new MqttBroker("", null, null, CompletableFuture.completedFuture(Optional.empty()), null,
                CompletableFuture.completedFuture(null));
    }

    /** The embedded broker's logins for the runtime's bridge and the simulator; empty with an external broker. */
    Optional<BrokerLogins> logins() {
        return Optional.ofNullable(logins);
    }

    /** The URL clients connect to. */
    String url() {
        return url;
    }

    /** The thread that probes an external broker ({@link #START_THREAD}), or empty with the embedded one. */
    Optional<Thread> prober() {
        return Optional.ofNullable(prober);
    }

    /** The embedded broker, or empty with an external one. */
    Optional<EmbeddedBroker> embedded() {
        return Optional.ofNullable(embedded);
    }

    /**
     * Why the external broker could not be reached, as far as a TCP connection within {@link #PROBE_TIMEOUT} tells;
     * empty when it could (and always for the embedded broker).
     */
    Optional<String> unreachable() throws InterruptedException {
        try {
            return probe.get(PROBE_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return Optional.of("no answer within " + PROBE_TIMEOUT.toSeconds() + " s");
        }
    }

    /** For the ready line: {@code tcp://127.0.0.1:1883 (embedded)}, {@code ssl://mqtt.example:8883 (external)}. */
    String describe() throws InterruptedException {
        if (embedded != null) {
            return url + " (embedded)";
        }
        return url + (unreachable().isPresent() ? " (external, not reachable yet)" : " (external)");
    }

    /**
     * Waits until someone (the runtime's bridge, at start-up) has subscribed at the embedded broker; returns at once
     * with an external broker, which the launcher cannot look into.
     *
     * @return whether a subscription is there
     */
    boolean awaitSubscriber(Duration timeout) throws InterruptedException {
        return embedded == null || embedded.awaitSubscriptions(1, timeout);
    }

    /**
     * Offers the embedded broker's drop counts to the runtime, in the framework of {@code context}: a
     * {@code Supplier<Map<String, Long>>} (reason to count) with {@link #DROPS_SERVICE}{@code =embedded}. A type of the
     * JDK, so that the runtime needs no class of the launcher; nothing with an external broker.
     */
    void offerDrops(BundleContext context) {
        if (embedded != null) {
            Supplier<Map<String, Long>> drops = embedded::droppedByReason;
            context.registerService(Supplier.class, drops, new Hashtable<>(Map.of(DROPS_SERVICE, "embedded")));
        }
    }

    /** Stops the embedded broker, if it runs. */
    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }

    /** Whether a TCP connection to the broker of {@code url} can be made: empty if so, else why not. */
    static Optional<String> probe(String url) {
        URI uri = URI.create(url);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) PROBE_TIMEOUT.toMillis());
            return Optional.empty();
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            return Optional.of(ConsoleLog.reason(e));
        }
    }

    private static LogLevel level(org.slf4j.event.Level level) {
        return switch (level) {
            case ERROR -> LogLevel.ERROR;
            case WARN -> LogLevel.WARN;
            case INFO -> LogLevel.INFO;
            case DEBUG -> LogLevel.DEBUG;
            case TRACE -> LogLevel.TRACE;
        };
    }
}
