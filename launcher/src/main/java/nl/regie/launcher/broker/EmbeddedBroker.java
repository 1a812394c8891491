package nl.regie.launcher.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import com.codahale.metrics.Counter;
import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedHiveMQ;

/**
 * The MQTT broker Regie embeds: HiveMQ Community Edition, embedded edition, in the launcher's JVM and outside the
 * OSGi framework, like Felix itself. The README's "MQTT broker" section says why this broker, with measurements.
 *
 * <p>How it is set up:
 * <ul>
 * <li>one plain MQTT listener (TCP) on {@code host:port}, 127.0.0.1 by default, and nothing else: no WebSocket or
 * TLS listener, no other port;</li>
 * <li>HiveMQ's anonymous usage statistics are off (HiveMQ's own sample configuration turns them on): it contacts
 * nobody. No other outbound call (update or licence check, telemetry) was found in HiveMQ CE's code;</li>
 * <li>persistence is in memory: sessions, queued and retained messages live as long as the launcher. Nothing is
 * written to disk: HiveMQ's home, configuration, data and extensions folders are a fresh folder (which also keeps
 * HiveMQ from loading extensions from anywhere else), deleted on {@link #close()}: the folder it is given (the
 * launcher's is {@code <state>/broker-home}, so that a broker killed with its JVM leaves nothing behind that the next start
 * does not clear), or else a new temporary one;</li>
 * <li>its limits are raised (see {@link Limits#REGIE}) so that a burst to a slower subscriber is queued, not
 * dropped;</li>
 * <li>every client logs in, and may publish and receive only what the site's access rules let it: Regie's
 * authentication extension ({@link AccessExtension}, {@link BrokerAccess}) checks logins against the devices'
 * password file and the bridge's and the simulator's logins, and every publish and subscription against the rules.
 * It still listens on loopback only unless told otherwise: a device on another machine belongs on an external
 * broker with TLS;</li>
 * <li>its log goes through {@link BrokerLog}, which also counts the messages it drops by reason
 * ({@link #droppedByReason()}).</li>
 * </ul>
 *
 * <p>Thread-safe: {@link #start} and {@link #close} are synchronized; {@link #close} may be called from any thread,
 * more than once. One broker starts once; HiveMQ's few JVM-wide settings (system properties, internal limits) are
 * set again by each broker that starts.
 */
public final class EmbeddedBroker implements AutoCloseable {

    /** Where the broker listens unless told otherwise: this machine only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The standard MQTT port. */
    public static final int DEFAULT_PORT = 1883;

    private static final int SHUTDOWN_GRACE_MILLIS = 200;
    private static final String DROPPED = "com.hivemq.messages.dropped.count";
    private static final String SUBSCRIPTIONS = "com.hivemq.subscriptions.overall.current";

    /**
     * The broker's flow-control limits.
     *
     * @param maxQueuedMessages messages queued per client (while it is offline, or while its in-flight window is
     *     full) before new ones are discarded, counted in HiveMQ's {@code com.hivemq.messages.dropped.count}
     * @param serverReceiveMaximum QoS 1 and 2 publishes a client may send before it must wait for their
     *     acknowledgements
     * @param qos0BytesPerClient bytes of QoS 0 messages held for one client before new ones are dropped
     */
    public record Limits(long maxQueuedMessages, int serverReceiveMaximum, int qos0BytesPerClient) {

        /** HiveMQ's own: 1,000 queued messages, a receive maximum of 10, 5 MiB of QoS 0 messages per client. */
        public static final Limits HIVEMQ_DEFAULTS = new Limits(1_000, 10, 5 * 1024 * 1024);

        /**
         * Regie's: 100,000 queued messages per client, a receive maximum of 1,000, 64 MiB of QoS 0 messages per
         * client. With HiveMQ's defaults a burst of 60,000 QoS 1 messages to one subscriber lost up to 29% (discarded
         * from its full queue of 1,000) and QoS 0 as many; with these, none (BrokerBurst). A client's queue only
         * fills while it is away or slower than its publishers; a queued message of 200 bytes takes about 0.4 KB of
         * heap, so a full queue about 40 MB.
         */
        public static final Limits REGIE = new Limits(100_000, 1_000, 64 * 1024 * 1024);

        /** What one queued message takes on the heap, payload included, measured (a heap histogram at 10,000 devices). */
        static final int QUEUED_MESSAGE_BYTES = 512;

        /**
         * {@link #REGIE}'s limits, lowered so that one client's full queue takes at most a sixteenth of a heap of
         * {@code maxHeapBytes}: a subscriber that falls behind (the runtime's bridge on a starved machine, with
         * 10,000 devices) costs a bounded part of the heap, not an {@code OutOfMemoryError}. With a 160 MiB heap:
         * 20,480 messages (10 s of the 10,000-device simulator's full rate) and 10 MiB of QoS 0 messages; from a
         * 1 GiB heap on, {@link #REGIE} itself. Never below 1,000 messages and 1 MiB.
         */
        public static Limits forHeap(long maxHeapBytes) {
            if (maxHeapBytes <= 0) {
                throw new IllegalArgumentException("maxHeapBytes must be positive, not " + maxHeapBytes);
            }
            long share = maxHeapBytes / 16;
            long queued = Math.max(1_000, Math.min(REGIE.maxQueuedMessages(), share / QUEUED_MESSAGE_BYTES));
            int qos0 = (int) Math.max(HIVEMQ_DEFAULTS.qos0BytesPerClient() / 5, Math.min(REGIE.qos0BytesPerClient(), share));
            return new Limits(queued, REGIE.serverReceiveMaximum(), qos0);
        }
    }

    private final String host;
    private final int port;
    private final Limits limits;
    private final BrokerAccess access;
    private final BrokerDrops drops = new BrokerDrops();
    private final Path givenHome;
    private Path home;
    private EmbeddedHiveMQ hivemq;

    /** A broker for {@code host:port} with {@linkplain Limits#REGIE Regie's limits}, letting in whom {@code access} lets in. */
    public EmbeddedBroker(String host, int port, BrokerAccess access) {
        this(host, port, Limits.REGIE, access);
    }

    /** A broker for {@code host:port} with these limits, letting in whom {@code access} lets in. */
    public EmbeddedBroker(String host, int port, Limits limits, BrokerAccess access) {
        this(host, port, limits, access, null);
    }

    /**
     * A broker as {@link #EmbeddedBroker(String, int, Limits, BrokerAccess)} makes it whose folder is {@code home}:
     * whatever is in it when the broker starts is deleted first (what a broker killed with its JVM left), and it is
     * deleted on {@link #close()}. Null for a new temporary folder.
     */
    public EmbeddedBroker(String host, int port, Limits limits, BrokerAccess access, Path home) {
        this.host = host;
        this.port = port;
        this.limits = limits;
        this.access = Objects.requireNonNull(access, "access: the broker takes no client that does not log in");
        this.givenHome = home;
    }

    /** Who may log in, and what each may do. */
    public BrokerAccess access() {
        return access;
    }

    /** The URL MQTT clients connect to: {@code tcp://127.0.0.1:1883}. */
    public String url() {
        return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Limits limits() {
        return limits;
    }

    /** Its folder (HiveMQ's home), or {@code null} before {@link #start}; deleted by {@link #close()}. */
    synchronized Path folder() {
        return home;
    }

    /**
     * Fails, saying so, when nothing can listen on {@code host:port}, typically because something else does.
     *
     * @param flag the option that sets the port, for the message ({@code --mqtt-port})
     */
    public static void ensureFree(String host, int port, String flag) throws BrokerException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new BrokerException("MQTT port " + port + " on " + host + " is not available: " + e.getMessage()
                    + " (choose another with " + flag + ")");
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            throw new BrokerException("cannot listen for MQTT on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    /**
     * Starts the broker and returns once it listens. The caller's thread waits; HiveMQ does the work on a thread of
     * its own ({@code embedded-hivemq-state-change-executor}), which {@link #close()} ends.
     *
     * @throws BrokerException when it did not start within {@code timeout} or does not listen where asked
     * @throws IllegalStateException when it was started before
     */
    public synchronized void start(Duration timeout) throws BrokerException, InterruptedException {
        if (hivemq != null || home != null) {
            throw new IllegalStateException("the MQTT broker was started before");
        }
        String bindAddress;
        try {
            bindAddress = InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            throw new BrokerException("cannot listen for MQTT on " + host + ": not a known address");
        }
        EmbeddedHiveMQ broker;
        try {
            if (givenHome == null) {
                home = Files.createTempDirectory("regie-mqtt-");
            } else {
                home = givenHome;
                deleteHome();
                Files.createDirectories(home);
            }
            Path config = Files.createDirectories(home.resolve("conf"));
            Files.writeString(config.resolve("config.xml"), configXml(bindAddress), StandardCharsets.UTF_8);
            Path data = Files.createDirectories(home.resolve("data"));
            Path extensions = Files.createDirectories(home.resolve("extensions"));
            // HiveMQ derives its (unused) log folder from its home, which is otherwise the running jar's folder;
            // JNA (through OSHI, which HiveMQ asks for the number of cores) unpacks its library into the user's
            // cache folder unless told otherwise. Both go into the broker's own folder.
            System.setProperty("hivemq.home", home.toString());
            if (System.getProperty("jna.tmpdir") == null) {
                System.setProperty("jna.tmpdir", Files.createDirectories(home.resolve("jna")).toString());
            }
            BrokerLog.install();
            BrokerLog.countDropsIn(drops);
            // Not in config.xml: HiveMQ reads these from here when the broker starts. The second is how long the
            // in-memory persistence waits for late tasks when it stops (2 s by default); nothing of it outlives
            // the broker, so it need not wait long.
            InternalConfigurations.QOS_0_MEMORY_LIMIT_PER_CLIENT_BYTES.set(limits.qos0BytesPerClient());
            InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC.set(SHUTDOWN_GRACE_MILLIS);
            broker = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(config)
                    .withDataFolder(data)
                    .withExtensionsFolder(extensions)
                    .withEmbeddedExtension(AccessExtension.embedded(access))
                    .withoutLoggingBootstrap()
                    .build();
            hivemq = broker;
        } catch (IOException | RuntimeException e) {
            deleteHome();
            throw new BrokerException("cannot prepare the MQTT broker: " + e, e);
        }
        // HiveMQ makes itself the JVM's default handler of uncaught exceptions, which would report every thread's
        // (a plugin's too) as the broker's, and exit the JVM on some; its own threads have a handler of their own.
        Thread.UncaughtExceptionHandler uncaught = Thread.getDefaultUncaughtExceptionHandler();
        try {
            broker.start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            close();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new BrokerException("the MQTT broker did not start: " + cause, cause);
        } catch (TimeoutException e) {
            close();
            throw new BrokerException("the MQTT broker did not start within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            close();
            throw e;
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(uncaught);
        }
        // HiveMQ reports a listener that could not bind in its log only, and starts anyway.
        if (!listening(bindAddress, port)) {
            close();
            throw new BrokerException("the MQTT broker did not start listening on " + host + ":" + port
                    + " (see the log above)");
        }
    }

    /** Whether something listens on {@code host:port}: binding there fails. */
    private static boolean listening(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** HiveMQ's config.xml for this broker, listening on {@code bindAddress}. */
    String configXml(String bindAddress) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Written by the Regie launcher on each start: see nl.regie.launcher.broker.EmbeddedBroker. -->
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                            <name>regie</name>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <queued-messages>
                            <max-queue-size>%d</max-queue-size>
                            <strategy>discard</strategy>
                        </queued-messages>
                        <receive-maximum>
                            <server-receive-maximum>%d</server-receive-maximum>
                        </receive-maximum>
                        <!-- Off: Paho 1.2.5 resends a publish after a reconnect with its topic alias but without
                             its topic, a protocol error that makes the broker drop the connection again and again. -->
                        <topic-alias>
                            <enabled>false</enabled>
                        </topic-alias>
                        <!-- The bridge takes packets of at most 1 MiB (ConnectionSettings.DEFAULT_MAX_PACKET_BYTES),
                             and the broker drops larger ones for it without a word: refused here, a device learns
                             of it. -->
                        <packets>
                            <max-packet-size>1048576</max-packet-size>
                        </packets>
                    </mqtt>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, bindAddress, limits.maxQueuedMessages(), limits.serverReceiveMaximum());
    }

    /** Messages the broker dropped since it started (a full client queue, QoS 0 over its memory limit, ...). */
    public long droppedMessages() {
        return counter(DROPPED);
    }

    /**
     * Messages the broker dropped since it started, by {@linkplain BrokerDrops.Reason#label() reason}, every reason
     * named (zeros too): what {@code /metrics} shows as {@code regie_mqtt_broker_dropped_total{reason}}.
     */
    public Map<String, Long> droppedByReason() {
        return drops.byReason(droppedMessages());
    }

    /** How many subscriptions the broker holds now, of all clients. */
    public long subscriptions() {
        return counter(SUBSCRIPTIONS);
    }

    private synchronized long counter(String name) {
        if (hivemq == null) {
            return 0;
        }
        Counter counter = hivemq.getMetricRegistry().getCounters().get(name);
        return counter == null ? 0 : counter.getCount();
    }

    /** HiveMQ's own counters, by name, for diagnostics. */
    public synchronized SortedMap<String, Long> counters() {
        SortedMap<String, Long> counts = new TreeMap<>();
        if (hivemq != null) {
            hivemq.getMetricRegistry().getCounters().forEach((name, counter) -> counts.put(name, counter.getCount()));
        }
        return counts;
    }

    /**
     * Waits until the broker holds at least {@code count} subscriptions, polling.
     *
     * @return whether it did within {@code timeout}
     */
    public boolean awaitSubscriptions(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (subscriptions() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * Stops the broker (disconnecting its clients) and deletes its folder; takes about two seconds (Netty's quiet
     * period, fixed in HiveMQ). Safe to call more than once.
     */
    @Override
    public synchronized void close() {
        EmbeddedHiveMQ broker = hivemq;
        hivemq = null;
        if (broker != null) {
            try {
                broker.close();
            } catch (ExecutionException e) {
                BrokerLog.logger(EmbeddedBroker.class.getName()).warn("the MQTT broker did not stop cleanly", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deleteHome();
    }

    private void deleteHome() {
        Path folder = home;
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | UncheckedIOException e) {
            BrokerLog.logger(EmbeddedBroker.class.getName()).warn("could not delete the MQTT broker's folder " + folder, e);
        }
    }
}
