package nl.regie.launcher.broker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.SocketFactory;

import nl.regie.mqtt.client.NoDelaySocketFactory;

import org.eclipse.paho.mqttv5.client.IMqttToken;
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
 * The embedded-broker candidates under a burst. For each broker and configuration, in a JVM of its own: start the
 * broker in-process on a free loopback port, then send a burst of {@value #COUNT} messages of {@value #PAYLOAD}
 * bytes, as fast as flow control lets it, from one Paho client to one Paho subscriber with a persistent session,
 * at QoS 1 and then at QoS 0, {@value #RUNS} times; count what arrives (each payload carries its sequence number)
 * until all have or nothing has for {@value #STALL_SECONDS} s: lost (sent but never received), duplicated, the time
 * from the first publish to the last arrival, and whether the publisher stalled (at QoS 1: no acknowledgement for
 * {@value #STALL_SECONDS} s, so it could not go on; the rest of the burst was never sent). Also the time to start the broker, the resident memory it adds, and what the broker
 * itself counted as dropped, where it counts (HiveMQ).
 *
 * <p>The configurations: {@code hivemq/regie} is {@link EmbeddedBroker} as the launcher runs it;
 * {@code hivemq/defaults} the same with HiveMQ's own limits; {@code moquette/defaults} is Moquette 0.17 with
 * telemetry off and in-memory persistence and Paho's default window of 10 publishes in flight;
 * {@code moquette/raised} adds a session queue of 65,536, TCP_NODELAY and a window of 1,000. Moquette 0.17 refuses
 * MQTT 5 (the harness shows that), so its bursts use Paho's MQTT 3.1.1 client ({@link BurstV3}). Every client
 * turns Nagle's algorithm off.
 *
 * <p>Run: {@code mvn -q -pl launcher test-compile exec:exec@broker-burst} (add {@code -Dbroker.burst.runs=N});
 * it prints a Markdown table. With the arguments {@code child BROKER CONFIG RUNS} it measures one broker in this
 * JVM.
 */
public final class BrokerBurst {

    static final int COUNT = 60_000;
    static final int PAYLOAD = 200;
    static final int STALL_SECONDS = 10;
    static final int RUNS = 3;

    private BrokerBurst() {
    }

    /** One candidate broker in one configuration. */
    interface Candidate extends AutoCloseable {
        /** Starts on this loopback port. */
        void start(int port) throws Exception;

        /** How many messages the broker counted as dropped since it started, or -1 if it does not count. */
        default long dropped() {
            return -1;
        }

        /**
         * The logins of a broker that takes only clients that log in (the publisher logs in as the simulator, the
         * subscriber as the bridge, on a device's telemetry topic), or null for one that takes anybody.
         */
        default BrokerLogins logins() {
            return null;
        }

        /** Whether the client speaks MQTT 5 (else 3.1.1) to this broker, and its publish window. */
        boolean mqtt5();

        int clientWindow();

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args[1], args[2], Integer.parseInt(args[3]));
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : RUNS;
        List<String> results = new ArrayList<>();
        for (String[] variant : new String[][] {
                {"hivemq", "regie"}, {"hivemq", "defaults"}, {"moquette", "raised"}, {"moquette", "defaults"}}) {
            results.addAll(fork(variant[0], variant[1], runs));
        }
        System.out.println();
        System.out.println("| broker/config | run | QoS | sent | received | lost | duplicates | stalled | seconds | msg/s | notes |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        results.stream().filter(r -> r.startsWith("| ")).forEach(System.out::println);
        System.out.println();
        results.stream().filter(r -> !r.startsWith("| ")).forEach(System.out::println);
    }

    /** Runs one broker in a child JVM (a fresh heap, and a fair start-up time), and returns its result lines. */
    private static List<String> fork(String broker, String config, int runs) throws IOException, InterruptedException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BrokerBurst.class.getName(), "child", broker, config,
                Integer.toString(runs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> results = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                System.out.println("[" + broker + "/" + config + "] " + line);
                if (line.startsWith("| ") || line.startsWith("start-up ") || line.startsWith("refused ")) {
                    results.add(line);
                }
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        return results;
    }

    private static void child(String broker, String config, int runs) throws Exception {
        // Both brokers log through SLF4J: their warnings show, each distinct one once, with a count at the end.
        Map<String, Integer> logged = new ConcurrentHashMap<>();
        BrokerLog.install();
        BrokerLog.routeTo((level, logger, message, failure) -> {
            String line = level + " " + message + (failure == null ? "" : ": " + failure);
            if (logged.merge(line, 1, Integer::sum) == 1) {
                System.out.println("broker log: " + line);
            }
        }, false);
        long rssBefore = rssKiB("VmRSS");
        long heapBefore = usedHeapAfterGc();
        int port = freePort();
        Candidate candidate = candidate(broker, config);
        long t0 = System.nanoTime();
        candidate.start(port);
        double startSeconds = (System.nanoTime() - t0) / 1e9;
        long rssStarted = rssKiB("VmRSS");
        long heapStarted = usedHeapAfterGc();
        String url = "tcp://127.0.0.1:" + port;
        if (!candidate.mqtt5()) {
            System.out.println("refused " + broker + "/" + config + ": an MQTT 5 client is refused: " + tryV5(url));
        }
        long droppedBefore = candidate.dropped();
        try {
            for (int run = 1; run <= runs; run++) {
                for (int qos : new int[] {1, 0}) {
                    String tag = config + "-" + run + "-q" + qos;
                    Result result = candidate.mqtt5()
                            ? burstV5(url, candidate.logins() == null ? "burst/" + tag : "regie/v1/burst/dev/" + tag
                                    + "/tele", tag, qos, candidate.clientWindow(), candidate.logins())
                            : BurstV3.burst(url, "burst/" + tag, tag, qos, candidate.clientWindow());
                    long dropped = candidate.dropped() - droppedBefore;
                    droppedBefore = candidate.dropped();
                    String note = (result.note + (dropped > 0 ? " the broker counted " + dropped + " dropped" : "")).strip();
                    System.out.println(String.format(Locale.ROOT, "| %s/%s | %d | %d | %d | %d | %d | %d | %s | %.2f | %.0f | %s |",
                            broker, config, run, qos, result.sent, result.distinct, result.sent - result.distinct,
                            result.duplicates, result.stalled ? "yes" : "no", result.seconds,
                            result.distinct / Math.max(result.seconds, 1e-9), note));
                }
            }
        } finally {
            logged.forEach((line, count) -> {
                if (count > 1) {
                    System.out.println("broker log: " + count + " times: " + line);
                }
            });
            long hwm = rssKiB("VmHWM");
            System.out.println(String.format(Locale.ROOT,
                    "start-up %s/%s: %.2f s to listening; resident memory +%d MiB (%d -> %d MiB), heap after GC +%d MiB;"
                            + " peak resident %d MiB after the bursts",
                    broker, config, startSeconds, (rssStarted - rssBefore) / 1024, rssBefore / 1024, rssStarted / 1024,
                    (heapStarted - heapBefore) / (1024 * 1024), hwm / 1024));
            candidate.close();
        }
        System.exit(0); // Moquette and Paho leave non-daemon threads.
    }

    private static Candidate candidate(String broker, String config) {
        boolean defaults = config.equals("defaults");
        return switch (broker) {
            case "hivemq" -> new Candidate() {
                private final BrokerLogins logins = BrokerLogins.random(new java.security.SecureRandom());
                private EmbeddedBroker hivemq;

                @Override
                public void start(int port) throws Exception {
                    // As the launcher runs it: every client logs in, and may do what the site's rules say.
                    BrokerAccess access = new BrokerAccess("burst", Files.createTempDirectory("burst").resolve("passwd"),
                            logins, message -> System.out.println("broker access: " + message));
                    hivemq = new EmbeddedBroker("127.0.0.1", port,
                            defaults ? EmbeddedBroker.Limits.HIVEMQ_DEFAULTS : EmbeddedBroker.Limits.REGIE, access);
                    hivemq.start(Duration.ofSeconds(60));
                }

                @Override
                public BrokerLogins logins() {
                    return logins;
                }

                @Override
                public boolean mqtt5() {
                    return true;
                }

                @Override
                public long dropped() {
                    return hivemq.droppedMessages();
                }

                @Override
                public int clientWindow() {
                    return 0; // the server's receive maximum
                }

                @Override
                public void close() {
                    hivemq.close();
                }
            };
            case "moquette" -> new Candidate() {
                private io.moquette.broker.Server moquette;

                @Override
                public void start(int port) throws Exception {
                    Properties p = new Properties();
                    p.setProperty("host", "127.0.0.1");
                    p.setProperty("port", Integer.toString(port));
                    p.setProperty("websocket_port", "disabled");
                    p.setProperty("telemetry_enabled", "false"); // on by default: it calls out to moquette.io
                    p.setProperty("use_bugsnag", "false");
                    p.setProperty("persistence_enabled", "false"); // in memory, like HiveMQ here
                    p.setProperty("allow_anonymous", "true");
                    if (!defaults) {
                        p.setProperty("session_queue_size", "65536");
                        p.setProperty("netty.tcp_nodelay", "true");
                    }
                    moquette = new io.moquette.broker.Server();
                    moquette.startServer(new io.moquette.broker.config.MemoryConfig(p));
                }

                @Override
                public boolean mqtt5() {
                    return false;
                }

                @Override
                public int clientWindow() {
                    return defaults ? 10 : 1000;
                }

                @Override
                public void close() {
                    moquette.stopServer();
                }
            };
            default -> throw new IllegalArgumentException(broker);
        };
    }

    /** What one burst gave. */
    record Result(int sent, int distinct, int duplicates, boolean stalled, double seconds, String note) {
    }

    /** Counts arrivals by sequence number. */
    static final class Arrivals {
        private final BitSet seen = new BitSet(COUNT);
        private int distinct;
        private int duplicates;
        private long last = System.nanoTime();

        synchronized void arrived(byte[] payload) {
            int seq = ByteBuffer.wrap(payload).getInt();
            if (seen.get(seq)) {
                duplicates++;
            } else {
                seen.set(seq);
                distinct++;
            }
            last = System.nanoTime();
        }

        synchronized int distinct() {
            return distinct;
        }

        synchronized int duplicates() {
            return duplicates;
        }

        synchronized long last() {
            return last;
        }

        /** Waits until all {@code expected} have arrived or nothing arrived for {@link #STALL_SECONDS}. */
        void await(int expected) throws InterruptedException {
            long silence = TimeUnit.SECONDS.toNanos(STALL_SECONDS);
            while (distinct() < expected && System.nanoTime() - last() < silence) {
                Thread.sleep(5);
            }
        }
    }

    static byte[] payload(int seq) {
        byte[] bytes = new byte[PAYLOAD];
        ByteBuffer.wrap(bytes).putInt(seq);
        for (int i = 4; i < bytes.length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    private static Result burstV5(String url, String topic, String tag, int qos, int window, BrokerLogins logins)
            throws Exception {
        Arrivals arrivals = new Arrivals();
        AtomicReference<String> problem = new AtomicReference<>("");
        MqttAsyncClient subscriber = new MqttAsyncClient(url, "sub-" + tag, new MemoryPersistence());
        subscriber.setCallback(new Callback(problem, "subscriber") {
            @Override
            public void messageArrived(String t, MqttMessage message) {
                arrivals.arrived(message.getPayload());
            }
        });
        MqttConnectionOptions subOptions = options(logins == null ? null : logins.bridge());
        subOptions.setCleanStart(false);
        subOptions.setSessionExpiryInterval(3600L);
        subscriber.connect(subOptions).waitForCompletion(10_000);
        subscriber.subscribe(new MqttSubscription(topic, qos)).waitForCompletion(10_000);

        MqttAsyncClient publisher = new MqttAsyncClient(url, "pub-" + tag, new MemoryPersistence());
        AtomicInteger nacked = new AtomicInteger();
        Semaphore inFlight = new Semaphore(0);
        publisher.setCallback(new Callback(problem, "publisher") {
            @Override
            public void deliveryComplete(IMqttToken token) {
                int[] codes = token.getReasonCodes();
                if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                    nacked.incrementAndGet();
                }
                inFlight.release();
            }
        });
        IMqttToken connected = publisher.connect(options(logins == null ? null : logins.simulator()));
        connected.waitForCompletion(10_000);
        MqttProperties connack = connected.getResponseProperties();
        int receiveMaximum = connack != null && connack.getReceiveMaximum() != null ? connack.getReceiveMaximum() : 65_535;
        int permits = window > 0 ? Math.min(window, receiveMaximum) : receiveMaximum;
        inFlight.release(permits);

        long start = System.nanoTime();
        int sent = 0;
        boolean stalled = false;
        for (int i = 0; i < COUNT; i++) {
            if (qos > 0 && !inFlight.tryAcquire(STALL_SECONDS, TimeUnit.SECONDS)) {
                stalled = true; // acknowledgements stopped coming
                break;
            }
            try {
                publisher.publish(topic, payload(i), qos, false);
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
            Thread.sleep(10); // late duplicates
        }
        String note = problem.get() + (nacked.get() > 0 ? " PUBACK errors: " + nacked.get() : "");
        close(publisher);
        close(subscriber);
        return new Result(sent, arrivals.distinct(), arrivals.duplicates(), stalled, seconds, note.strip());
    }

    private static MqttConnectionOptions options() {
        return options(null);
    }

    private static MqttConnectionOptions options(BrokerLogins.Login login) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        if (login != null) {
            options.setUserName(login.username());
            options.setPassword(login.password().getBytes(StandardCharsets.UTF_8));
        }
        options.setSocketFactory(NO_DELAY);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
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

    /** Connects with MQTT 5 and says how that went. */
    private static String tryV5(String url) {
        try {
            MqttAsyncClient client = new MqttAsyncClient(url, "v5-probe", new MemoryPersistence());
            client.connect(options()).waitForCompletion(10_000);
            close(client);
            return "no, it connected";
        } catch (MqttException e) {
            return e.getMessage() + " (reason code " + e.getReasonCode() + ")";
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
        public void disconnected(MqttDisconnectResponse response) {
            problem.compareAndSet("", who + " disconnected: " + response);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            problem.compareAndSet("", who + " error: " + exception);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }

    /** Paho never sets TCP_NODELAY; without it, acknowledgements wait on Nagle's algorithm. */
    static final SocketFactory NO_DELAY = new NoDelaySocketFactory(SocketFactory.getDefault());

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A line of /proc/self/status, in KiB. */
    static long rssKiB(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
