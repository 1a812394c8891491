package nl.regie.benchmarks.federation;

import java.lang.annotation.Annotation;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.benchmarks.ConsoleLogger;
import nl.regie.benchmarks.ingest.MosquittoProcess;
import nl.regie.runtime.core.bus.BusComponent;
import nl.regie.runtime.federation.FederationEngine;
import nl.regie.runtime.federation.FederationLink;
import nl.regie.runtime.federation.LinkSettings;
import nl.regie.runtime.federation.OutboxJournal;
import nl.regie.runtime.federation.Outgoing;
import nl.regie.runtime.sovereignty.policy.PolicyEngine;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.statefiles.StateFiles;

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
import org.osgi.service.log.Logger;

/**
 * Site to site: two sites' federation (the real bus, policy engine, {@code FederationEngine} and {@code FederationLink})
 * through Debian's Mosquitto on loopback, in one JVM, so one clock times both ends.
 *
 * <ul>
 * <li><b>latency</b>: readings published on Roeselare's bus at a fixed rate (default 5,000/s), exported by its
 * policy, imported by Gent's and delivered to a subscriber of Gent's bus; the time from publish to that delivery,
 * p50, p99 and the largest, and how many arrived;</li>
 * <li><b>export throughput</b>: a burst published as fast as the bus takes it; readings per second from the first
 * publish until Gent's bus has the last one;</li>
 * <li><b>the local bus with and without export</b>: the same burst to a local subscriber on Roeselare's bus (a
 * plugin), once with the federation's subscription on the bus and exporting, once without; the ratio is what export
 * costs the local bus;</li>
 * <li><b>the local bus beside a steady export</b>: a probe of readings of a type no rule exports, to one plugin, with
 * and without a paced exported stream (the latency's rate and twice it) running beside it, alternating, medians of 7;
 * what a site exporting at that pace keeps of its bus.</li>
 * </ul>
 * And the standard alternative under the same load, for the latency: a bare Paho client publishing 200-byte QoS 1
 * messages at the same rate to another, through the same broker.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.federation.FederationBenchmark
 * [--rate 5000] [--seconds 20] [--burst 100000] [--journal on|off]}: the exporting site's outbox is journaled in a
 * temporary folder (as in a runtime with a state folder) unless {@code --journal off}.
 */
public final class FederationBenchmark {

    private static final Instant T = Instant.parse("2026-11-28T03:00:00Z");
    private static final Owner OWNER = new Owner("nl.regie.runtime.federation", "0", 1);
    static final Owner PLUGIN = new Owner("nl.bench.plugin", "0", 2);
    private static final Set<String> WARNINGS = Set.of("warn", "error");

    private FederationBenchmark() {
    }

    /** One site: its bus, policy, engine and link. */
    static final class Site implements AutoCloseable {
        final BusComponent bus = new BusComponent(config(BusComponent.Config.class), ConsoleLogger.create("bus", System.err, WARNINGS));
        final FederationEngine engine;
        final FederationLink link;
        final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-federation");
            t.setDaemon(true);
            return t;
        });
        Subscription exporting;
        /** Readings the export subscription has handed to the engine (what left the bus's queue for the outbox). */
        final java.util.concurrent.atomic.AtomicLong taken = new java.util.concurrent.atomic.AtomicLong();

        final OutboxJournal journal;

        /** @param journalFolder where the outbox's journal is kept, as in a runtime with a state folder; null: none */
        Site(String name, Map<String, Object> rules, String broker, Path journalFolder) throws Exception {
            PolicyEngine policy = new PolicyEngine(event -> { });
            policy.apply(rules);
            FederationLink[] link = new FederationLink[1];
            engine = new FederationEngine(name, policy, bus::publish, m -> link[0].offer(m), event -> { },
                    Clock.systemUTC(), 3, 1_000_000);
            Logger log = ConsoleLogger.create("link-" + name, System.err, WARNINGS);
            journal = journalFolder == null ? null : OutboxJournal.open(journalFolder, (level, message) -> {
                if (level != StateFiles.Log.Level.INFO) {
                    System.err.println("journal " + name + ": " + message);
                }
            });
            if (journal != null) {
                journal.recover();
            }
            link[0] = new FederationLink(new LinkSettings(broker, "bench-" + name + "-" + System.nanoTime(), null,
                    null, 1_000_000, 2, 0), engine.inbox(), engine::receive, engine::sent, scheduler, journal, log,
                    Clock.systemUTC());
            this.link = link[0];
            this.link.start();
        }

        void export(boolean on) {
            if (on && exporting == null) {
                exporting = bus.subscribe(OWNER, List.of("WaterObserved/+/waterLevel"), reading -> {
                    engine.export(reading);
                    taken.incrementAndGet();
                }, 1_000_000);
            } else if (!on && exporting != null) {
                exporting.close();
                exporting = null;
            }
        }

        @Override
        public void close() {
            export(false);
            link.close();
            scheduler.shutdownNow();
            if (journal != null) {
                journal.close();
            }
        }
    }

    /** Runs the benchmark and prints the figures. */
    public static void main(String[] args) throws Exception {
        int rate = 5_000;
        int seconds = 20;
        int burst = 100_000;
        boolean journaled = true;
        int[] sweep = null;
        int rounds = 9;
        int probe = PROBE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sweep" -> sweep = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--probe" -> probe = Integer.parseInt(args[++i]);
                case "--journal" -> journaled = !"off".equals(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--burst" -> burst = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: FederationBenchmark [--rate N] [--seconds S] [--burst N] [--journal on|off]"
                            + " | --sweep 2500,5000,... [--rounds 9] [--probe 4000000] [--journal on|off]");
                    System.exit(2);
                }
            }
        }
        Path journalFolder = journaled ? Files.createTempDirectory("regie-bench-outbox") : null;
        try (MosquittoProcess broker = MosquittoProcess.start();
                Site roeselare = new Site("roeselare", Map.of("devices", "gauge-*=waterboard", "sites", "gent",
                        "exports", "waterboard>gent WaterObserved/+/waterLevel"), broker.url(), journalFolder);
                Site gent = new Site("gent", Map.of("sites", "roeselare",
                        "imports", "roeselare:waterboard WaterObserved/#"), broker.url(), null)) {
            System.out.println("Federation through " + broker.version() + " on loopback, "
                    + Runtime.getRuntime().availableProcessors() + " cores, outbox journal "
                    + (journaled ? "on (" + journalFolder + ")" : "off") + ", load average "
                    + String.format(Locale.ROOT, "%.1f",
                            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            awaitTrue(() -> roeselare.link.isConnected() && gent.link.isConnected(), 15, "both links connected");
            roeselare.export(true);
            if (sweep != null) {
                new ExportSweep(roeselare, gent, broker.pid(), probe).run(sweep, rounds);
                return;
            }
            int total = rate * seconds;
            long[] published = new long[total + 1];
            long[] arrived = new long[total + 1];
            AtomicInteger count = new AtomicInteger();
            AtomicInteger warm = new AtomicInteger();
            AtomicInteger first = new AtomicInteger();
            // Counted apart: the first reading (0), the warm-up's (negative) and the measured ones (once each), so a
            // late warm-up reading never counts as a measured one.
            Subscription receiver = gent.bus.subscribe(PLUGIN, List.of("WaterObserved/#"), reading -> {
                int seq = (int) reading.number().getAsDouble();
                if (seq > 0 && seq <= total && arrived[seq] == 0) {
                    arrived[seq] = System.nanoTime();
                    count.incrementAndGet();
                } else if (seq < 0) {
                    warm.incrementAndGet();
                } else if (seq == 0) {
                    first.incrementAndGet();
                }
            }, 1_000_000);
            // Warm-up: until one reading crosses (the inbox subscription is made right after connecting), then 5 s.
            awaitTrue(() -> {
                roeselare.bus.publish("mqtt:gauge-1", reading(0));
                return first.get() > 0;
            }, 15, "a first reading across");
            int warmUp = 5 * rate;
            pace(roeselare, warmUp, rate, new long[warmUp + 1], true);
            // Everything of the warm-up across before the measured part starts: no backlog carried into it.
            awaitQuiet(warm, warmUp, 300);

            long start = System.nanoTime();
            pace(roeselare, total, rate, published, false);
            awaitQuiet(count, total, 300);
            double took = (System.nanoTime() - start) / 1e9;
            long[] latencies = latencies(published, arrived, total);
            int n = latencies.length;
            System.out.printf(Locale.ROOT, "latency at %,d readings/s for %d s: %,d of %,d arrived in %.1f s; p50 %.2f ms,"
                    + " p99 %.2f ms, max %.2f ms%n", rate, seconds, n, total, took, millis(latencies, n, 0.50),
                    millis(latencies, n, 0.99), n == 0 ? 0 : latencies[n - 1] / 1e6);
            receiver.close();
            bareLatency(broker.url(), rate, seconds);

            // Export throughput: a burst, timed until Gent's bus has the last reading.
            AtomicInteger burstCount = new AtomicInteger();
            Subscription burstReceiver = gent.bus.subscribe(PLUGIN, List.of("WaterObserved/#"),
                    reading -> burstCount.incrementAndGet(), 1_000_000);
            long cpuBefore = processCpuNanos();
            start = System.nanoTime();
            for (int i = 1; i <= burst; i++) {
                roeselare.bus.publish("mqtt:gauge-1", reading(i));
            }
            awaitQuiet(burstCount, burst, 300);
            double exportSeconds = (System.nanoTime() - start) / 1e9;
            double cpuPerReading = (processCpuNanos() - cpuBefore) / 1e3 / burst;
            System.out.printf(Locale.ROOT, "export throughput: %,d readings in %.2f s = %,.0f readings/s site to site"
                    + " (%,d arrived); CPU of this JVM (both sites, not the broker) %.1f µs per reading%n", burst,
                    exportSeconds, burstCount.get() / exportSeconds, burstCount.get(), cpuPerReading);
            burstReceiver.close();
            awaitTrue(() -> roeselare.link.queued() == 0, 60, "the burst sent");

            // The local bus with and without export, alternating, best of three each.
            double with = 0;
            double without = 0;
            for (int round = 0; round < 3; round++) {
                roeselare.export(false);
                without = Math.max(without, localRate(roeselare, burst));
                roeselare.export(true);
                with = Math.max(with, localRate(roeselare, burst));
                awaitTrue(() -> roeselare.link.queued() == 0, 120, "the exported burst sent");
            }
            System.out.printf(Locale.ROOT, "local bus, one plugin subscriber: %,.0f readings/s without export, %,.0f with"
                    + " (%.0f%%)%n", without, with, 100 * with / without);
            for (int exportRate : new int[] {rate, 2 * rate}) {
                busBesideExport(roeselare, gent, exportRate, 7);
            }
        }
        if (journaled) {
            journalCost(Files.createTempDirectory("regie-bench-journal"), burst);
        }
    }

    /**
     * The outbox journal alone: {@code n} wire-sized messages recorded as queued and then done, one at a time on one
     * thread (as the bus's delivery thread and Paho's callback thread do), best of three; the CPU time of that thread
     * per message, which is what the journal adds to each exported reading.
     */
    private static void journalCost(Path folder, int n) throws Exception {
        byte[] payload = new byte[230];
        Arrays.fill(payload, (byte) 'x');
        Outgoing message = new Outgoing("regie/v1/roeselare/share/gent/WaterObserved/gauge-1/waterLevel", payload,
                Map.of("regie-origin-site", "roeselare", "regie-origin-party", "waterboard", "regie-hops", "1",
                        "regie-reading-id", "r-0123456789abcdef-1"), "waterboard>gent WaterObserved/+/waterLevel");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            try (OutboxJournal journal = OutboxJournal.open(folder.resolve("round-" + round), (level, text) -> { })) {
                journal.recover();
                long cpu = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    journal.done(journal.queued(message));
                }
                best = Math.min(best, (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / n);
            }
        }
        System.out.printf(Locale.ROOT, "outbox journal alone: %,d messages queued and done, %.2f µs of CPU per message"
                + " (best of three)%n", n, best);
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    /**
     * The standard alternative under the same load: a bare Paho v5 client publishing 200-byte QoS 1 messages at the
     * same rate to another, through the same broker (TCP_NODELAY on both); publish to arrival.
     */
    private static void bareLatency(String url, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long[] published = new long[total + 1];
        long[] arrived = new long[total + 1];
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setSocketFactory(new NoDelay());
        MqttAsyncClient subscriber = new MqttAsyncClient(url, "bench-bare-sub-" + System.nanoTime(),
                new MemoryPersistence());
        MqttAsyncClient publisher = new MqttAsyncClient(url, "bench-bare-pub-" + System.nanoTime(),
                new MemoryPersistence());
        AtomicInteger count = new AtomicInteger();
        subscriber.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                int seq = Integer.parseInt(topic.substring(topic.lastIndexOf('/') + 1));
                if (seq > 0 && seq <= total) {
                    arrived[seq] = System.nanoTime();
                }
                count.incrementAndGet();
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
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
        });
        subscriber.connect(options).waitForCompletion(10_000);
        subscriber.subscribe(new MqttSubscription("bench/bare/#", 1)).waitForCompletion(10_000);
        publisher.connect(options).waitForCompletion(10_000);
        byte[] payload = new byte[200];
        long interval = 1_000_000_000L / rate;
        long next = System.nanoTime();
        for (int i = 1; i <= total; i++) {
            long now = System.nanoTime();
            while (now < next) {
                LockSupport.parkNanos(next - now);
                now = System.nanoTime();
            }
            MqttMessage message = new MqttMessage(payload);
            message.setQos(1);
            published[i] = System.nanoTime();
            while (true) {
                try {
                    publisher.publish("bench/bare/" + i, message);
                    break;
                } catch (MqttException e) {
                    // as many in flight as the broker allows: try again at once
                    Thread.onSpinWait();
                }
            }
            next += interval;
        }
        awaitQuiet(count, total, 300);
        long[] latencies = latencies(published, arrived, total);
        int n = latencies.length;
        System.out.printf(Locale.ROOT, "bare Paho to Paho at %,d msg/s for %d s: %,d of %,d arrived; p50 %.2f ms, p99 %.2f"
                + " ms, max %.2f ms%n", rate, seconds, n, total, millis(latencies, n, 0.50), millis(latencies, n, 0.99),
                n == 0 ? 0 : latencies[n - 1] / 1e6);
        publisher.disconnect().waitForCompletion(5000);
        subscriber.disconnect().waitForCompletion(5000);
        publisher.close();
        subscriber.close();
    }

    /** Nagle off, as the federation link has it. */
    private static final class NoDelay extends javax.net.SocketFactory {
        private final javax.net.SocketFactory delegate = javax.net.SocketFactory.getDefault();

        @Override
        public java.net.Socket createSocket() throws java.io.IOException {
            java.net.Socket socket = delegate.createSocket();
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws java.io.IOException {
            java.net.Socket socket = delegate.createSocket(host, port);
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort)
                throws java.io.IOException {
            java.net.Socket socket = delegate.createSocket(host, port, local, localPort);
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws java.io.IOException {
            java.net.Socket socket = delegate.createSocket(host, port);
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port, java.net.InetAddress local,
                int localPort) throws java.io.IOException {
            java.net.Socket socket = delegate.createSocket(host, port, local, localPort);
            socket.setTcpNoDelay(true);
            return socket;
        }
    }

    /** Publishes {@code count} readings on Roeselare's bus at {@code rate} per second, noting when each left. */
    private static void pace(Site site, int count, int rate, long[] published, boolean warmUp) {
        long interval = 1_000_000_000L / rate;
        long next = System.nanoTime();
        for (int i = 1; i <= count; i++) {
            long now = System.nanoTime();
            while (now < next) {
                LockSupport.parkNanos(next - now);
                now = System.nanoTime();
            }
            published[i] = System.nanoTime();
            site.bus.publish("mqtt:gauge-1", reading(warmUp ? -i : i));
            next += interval;
        }
    }

    /**
     * What a steady export costs the rest of the bus: a local probe (one plugin subscriber on a type no rule exports,
     * {@value #PROBE} prepared readings published at once, timed until the subscriber has the last) with and without
     * a paced stream of {@code exportRate} exported readings a second running beside it, alternating, {@code rounds}
     * each; the medians, their ratio, and the rate Gent's bus received the exported stream at meanwhile (so that the
     * export is shown to keep its pace, not to give way).
     */
    private static void busBesideExport(Site roeselare, Site gent, int exportRate, int rounds) throws Exception {
        Reading[] probe = new Reading[1_024];
        for (int i = 0; i < probe.length; i++) {
            probe[i] = Reading.of(EntityId.of("Streetlight", "lamp-" + i), "dimLevel", Value.of(i), "%", "lamp-" + i);
        }
        AtomicInteger imported = new AtomicInteger();
        Subscription gentSide = gent.bus.subscribe(PLUGIN, List.of("WaterObserved/#"),
                reading -> imported.incrementAndGet(), 1_000_000);
        double[] alone = new double[rounds];
        double[] beside = new double[rounds];
        double[] exported = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            alone[round] = probeRate(roeselare, probe);
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread stream = new Thread(() -> {
                long interval = 1_000_000_000L / exportRate;
                long next = System.nanoTime();
                for (int i = 1; running.get(); i++) {
                    long now = System.nanoTime();
                    while (now < next) {
                        LockSupport.parkNanos(next - now);
                        now = System.nanoTime();
                    }
                    roeselare.bus.publish("mqtt:gauge-1", reading(i));
                    next += interval;
                }
            }, "bench-export-stream");
            stream.start();
            Thread.sleep(1_000); // the stream at its pace before the probe
            int importedBefore = imported.get();
            long from = System.nanoTime();
            beside[round] = probeRate(roeselare, probe);
            Thread.sleep(500);
            exported[round] = (imported.get() - importedBefore) / ((System.nanoTime() - from) / 1e9);
            running.set(false);
            stream.join();
            awaitTrue(() -> roeselare.link.queued() == 0, 120, "the exported stream sent");
        }
        gentSide.close();
        Arrays.sort(alone);
        Arrays.sort(beside);
        Arrays.sort(exported);
        double a = alone[rounds / 2];
        double b = beside[rounds / 2];
        System.out.printf(Locale.ROOT, "local bus beside a steady export of %,d readings/s (medians of %d alternating"
                + " rounds; %,d readings of another type to one plugin): %,.0f readings/s alone (%,.0f-%,.0f), %,.0f"
                + " beside the export (%,.0f-%,.0f): %.0f%%; Gent received the export at %,.0f/s (median)%n", exportRate,
                rounds, PROBE, a, alone[0], alone[rounds - 1], b, beside[0], beside[rounds - 1], 100 * b / a,
                exported[rounds / 2]);
    }

    /** The probe of {@link #busBesideExport}. */
    private static final int PROBE = 4_000_000;

    /** Readings per second one local plugin takes in for {@link #PROBE} prepared readings published at once. */
    private static double probeRate(Site site, Reading[] probe) throws InterruptedException {
        AtomicInteger local = new AtomicInteger();
        Subscription plugin = site.bus.subscribe(PLUGIN, List.of("Streetlight/#"), reading -> local.incrementAndGet(),
                PROBE);
        long start = System.nanoTime();
        for (int i = 0; i < PROBE; i++) {
            site.bus.publish("mqtt:lamp", probe[i & (probe.length - 1)]);
        }
        awaitQuiet(local, PROBE, 60);
        double rate = local.get() / ((System.nanoTime() - start) / 1e9);
        plugin.close();
        return rate;
    }

    /** Readings per second a local subscriber of the bus takes in, for a burst published at once. */
    private static double localRate(Site site, int burst) throws InterruptedException {
        AtomicInteger local = new AtomicInteger();
        Subscription plugin = site.bus.subscribe(PLUGIN, List.of("WaterObserved/#"), reading -> local.incrementAndGet(),
                1_000_000);
        long start = System.nanoTime();
        for (int i = 1; i <= burst; i++) {
            site.bus.publish("mqtt:gauge-1", reading(i));
        }
        awaitQuiet(local, burst, 60);
        double rate = local.get() / ((System.nanoTime() - start) / 1e9);
        plugin.close();
        return rate;
    }

    /** The latencies of the readings numbered 1 to {@code total} that arrived, in nanoseconds, sorted. */
    private static long[] latencies(long[] published, long[] arrived, int total) {
        long[] latencies = new long[total];
        int n = 0;
        for (int i = 1; i <= total; i++) {
            if (arrived[i] != 0) {
                latencies[n++] = arrived[i] - published[i];
            }
        }
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return sorted;
    }

    private static double millis(long[] sorted, int n, double quantile) {
        return n == 0 ? 0 : sorted[Math.min(n - 1, (int) Math.ceil(quantile * n) - 1)] / 1e6;
    }

    static Reading reading(int seq) {
        Instant at = T.plusMillis(Math.abs(seq));
        return new Reading(EntityId.of("WaterObserved", "gauge-" + (Math.abs(seq) % 100)), "waterLevel",
                Value.of(seq), "m", at, at, "gauge-1", null);
    }

    /** Waits until {@code count} reaches {@code expected}, or until it stops growing for 5 s, or the limit. */
    static void awaitQuiet(AtomicInteger count, int expected, int limitSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limitSeconds);
        int last = -1;
        long lastChange = System.nanoTime();
        while (count.get() < expected && System.nanoTime() < deadline) {
            int now = count.get();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(5)) {
                return;
            }
            Thread.sleep(1);
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void awaitTrue(Condition condition, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + seconds + " s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @SuppressWarnings("unchecked")
    private static <A extends Annotation> A config(Class<A> type) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDefaultValue() != null) {
                return method.getDefaultValue();
            }
            return switch (method.getName()) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "annotationType" -> type;
                default -> type.getSimpleName();
            };
        });
    }
}
