package nl.regie.benchmarks.stream;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;

import nl.regie.benchmarks.EmbeddedRegie;

import org.osgi.service.log.LogLevel;

/**
 * The live stream benchmark (issue 6, item 6): many {@code GET /api/stream} clients at thousands of entity changes a
 * second while the bus keeps its throughput.
 *
 * <p>In one embedded Felix provisioned as the launcher provisions it (the runtime with Felix HTTP Jetty on a free
 * loopback port), a driver bundle built at run time publishes {@code StreamBench} changes on the bus at a paced rate,
 * and N clients on plain sockets read {@code /api/stream?type=StreamBench} (no token: on loopback the caller is the
 * operator) and parse every event. The bus rate (see {@link BusProbe}) is measured with no client, with the clients
 * attached and receiving the paced changes, and with no client again. Per phase it reports each client's delivered
 * events per second, the end-to-end latency (from the publish call to the parsed event), changes missed, resync
 * events, clients dropped, CPU, and the bus's own drops from {@code GET /metrics}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.stream.StreamBenchmark [--clients 100]
 * [--rate 5000] [--seconds 20] [--warmup-seconds 5] [--probe-rounds 3] [--probe-seconds 3] [--batch 2000]
 * [--client-threads 2] [--reconnect-ms 3000] [--log warn|info]}. A client whose stream the server ends (it fell
 * behind) connects again after {@code --reconnect-ms}, the {@code retry:} time the server asks of browsers.
 */
public final class StreamBenchmark {

    static final int WARMUP = 0;
    static final int STREAMING = 1;
    static final int WITH_PROBE = 2;
    static final int PHASES = 3;

    private StreamBenchmark() {
    }

    /** Options with their defaults. */
    record Settings(int clients, int rate, int seconds, int warmupSeconds, int probeRounds, int probeSeconds, int batch,
            int clientThreads, long reconnectMillis, LogLevel log) {
    }

    /** Runs the benchmark and prints the figures. */
    public static void main(String[] args) throws Exception {
        Settings s;
        try {
            s = parse(args);
        } catch (RuntimeException e) {
            System.err.println("StreamBenchmark: " + e.getMessage() + "\nusage: StreamBenchmark [--clients 1..1000]"
                    + " [--rate changes/s] [--seconds N] [--warmup-seconds N] [--probe-rounds N] [--probe-seconds N]"
                    + " [--batch N] [--client-threads N] [--reconnect-ms N, -1 never] [--log warn|info]");
            System.exit(2);
            return;
        }
        System.out.printf(Locale.ROOT, "Live stream: %d clients at %,d changes/s for %d s (after %d s warm-up); bus rate"
                + " %d x %d s rounds in batches of %,d; %d cores, Java %s; load average %s%n", s.clients(), s.rate(),
                s.seconds(), s.warmupSeconds(), s.probeRounds(), s.probeSeconds(), s.batch(),
                Runtime.getRuntime().availableProcessors(), Runtime.version(), loadAverage());
        Path work = Files.createTempDirectory("regie-stream-bench");
        int status;
        try (EmbeddedRegie framework = new EmbeddedRegie(work, EmbeddedRegie.Options.site("stream-bench"), s.log(),
                System.out)) {
            status = run(framework, s);
        }
        System.exit(status);
    }

    private static int run(EmbeddedRegie framework, Settings s) throws Exception {
        BusProbe probe = new BusProbe();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("regie.stream.bench", "probe-recorder");
        framework.context().registerService(LongConsumer.class, probe, properties);
        framework.installPackage("nl.regie.benchmarks.stream.driver");
        LongConsumer paced = (LongConsumer) framework.requireService(LongConsumer.class.getName(),
                "(regie.stream.bench=paced)", 30_000);
        LongConsumer probePublisher = (LongConsumer) framework.requireService(LongConsumer.class.getName(),
                "(regie.stream.bench=probe)", 30_000);
        framework.requireService("nl.regie.api.bus.ReadingListener", null, 30_000);
        MetricsPage.await(framework.httpPort(), 30_000);
        StreamReport report = new StreamReport(System.out, s);

        probe.run(probePublisher, 2_000, s.batch()); // warm-up
        report.busRounds("0 (before)", rounds(probe, probePublisher, s), dropped(framework));

        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, (long) s.rate()
                * (s.warmupSeconds() + s.seconds() + (long) s.probeRounds() * (s.probeSeconds() + 3) + 30));
        Pacer pacer = new Pacer(paced, s.rate(), capacity, PHASES);
        Cpu[] cpu = new Cpu[PHASES + 1];
        double[] busDrops = new double[PHASES + 1];
        List<BusProbe.Round> during;
        List<String> streamMetrics;
        try (SseClients clients = new SseClients(new InetSocketAddress("127.0.0.1", framework.httpPort()),
                "/api/stream?type=StreamBench", s.clients(), s.clientThreads(), pacer, PHASES, s.reconnectMillis())) {
            clients.start();
            awaitConnected(clients, 30_000);
            pacer.start();
            Thread.sleep(s.warmupSeconds() * 1000L);
            cpu[STREAMING] = Cpu.now(clients);
            busDrops[STREAMING] = dropped(framework);
            pacer.phase(STREAMING);
            Thread.sleep(s.seconds() * 1000L);
            cpu[WITH_PROBE] = Cpu.now(clients);
            busDrops[WITH_PROBE] = dropped(framework);
            pacer.phase(WITH_PROBE);
            during = rounds(probe, probePublisher, s);
            pacer.stop();
            cpu[PHASES] = Cpu.now(clients);
            awaitCaughtUp(clients, pacer.published() - 1, 10_000);
            busDrops[PHASES] = dropped(framework);
            MetricsPage page = MetricsPage.fetch(framework.httpPort());
            streamMetrics = new ArrayList<>(page.samples("regie_stream_"));
            page.samples("regie_bus_subscriber_dropped_total").stream().filter(l -> !l.endsWith(" 0"))
                    .forEach(streamMetrics::add);
            clients.close();
            report.busRounds(s.clients() + " (streaming)", during, busDrops[PHASES] - busDrops[WITH_PROBE]);
            report.busRounds("0 (after)", rounds(probe, probePublisher, s), dropped(framework) - busDrops[PHASES]);
            report.busSummary();
            report.pacer(pacer);
            for (int phase : new int[] {STREAMING, WITH_PROBE}) {
                report.phase(phase == STREAMING ? "streaming" : "streaming + bus rate", phase, pacer, clients,
                        cpu[phase + 1].since(cpu[phase]), busDrops[phase + 1] - busDrops[phase]);
            }
            report.phaseTable(clients.reconnects());
            report.metrics(streamMetrics);
            System.out.println("Load average at the end: " + loadAverage());
            return report.check(clients.clients(), pacer) ? 0 : 1;
        }
    }

    private static List<BusProbe.Round> rounds(BusProbe probe, LongConsumer publisher, Settings s) {
        List<BusProbe.Round> rounds = new ArrayList<>();
        for (int i = 0; i < s.probeRounds(); i++) {
            rounds.add(probe.run(publisher, s.probeSeconds() * 1000L, s.batch()));
        }
        return rounds;
    }

    /** Readings the bus dropped for any subscriber so far (all subscribers' {@code regie_bus_subscriber_dropped_total}). */
    private static double dropped(EmbeddedRegie framework) throws java.io.IOException {
        return MetricsPage.fetch(framework.httpPort()).sum("regie_bus_subscriber_dropped_total");
    }

    private static void awaitConnected(SseClients clients, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            long connected = clients.clients().stream().filter(c -> c.connected).count();
            SseClient failed = clients.clients().stream().filter(c -> c.ended != null).findFirst().orElse(null);
            if (failed != null) {
                throw new IllegalStateException("stream client " + failed.index + " failed to connect: " + failed.ended);
            }
            if (connected == clients.clients().size()) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("only " + connected + " of " + clients.clients().size()
                        + " stream clients connected within " + millis + " ms");
            }
            Thread.sleep(10);
        }
    }

    /** Waits until every client still connected has the last change, or the time is up. */
    private static void awaitCaughtUp(SseClients clients, long last, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline
                && clients.clients().stream().anyMatch(c -> c.ended == null && c.highest < last)) {
            Thread.sleep(10);
        }
    }

    private static Settings parse(String[] args) {
        int clients = 100;
        int rate = 5_000;
        int seconds = 20;
        int warmup = 5;
        int probeRounds = 3;
        int probeSeconds = 3;
        int batch = 2_000;
        int threads = 2;
        long reconnect = 3_000;
        LogLevel log = LogLevel.WARN;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--clients" -> clients = Integer.parseInt(value);
                case "--rate" -> rate = Integer.parseInt(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--warmup-seconds" -> warmup = Integer.parseInt(value);
                case "--probe-rounds" -> probeRounds = Integer.parseInt(value);
                case "--probe-seconds" -> probeSeconds = Integer.parseInt(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--client-threads" -> threads = Integer.parseInt(value);
                case "--reconnect-ms" -> reconnect = Long.parseLong(value);
                case "--log" -> log = LogLevel.valueOf(value.toUpperCase(Locale.ROOT));
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (clients < 1 || clients > 1_000 || rate < 1 || rate > 1_000_000 || seconds < 1 || warmup < 0
                || probeRounds < 1 || probeSeconds < 1 || batch < 1 || batch > 10_000 || threads < 1 || threads > 64) {
            throw new IllegalArgumentException("a value is out of range");
        }
        return new Settings(clients, rate, seconds, warmup, probeRounds, probeSeconds, batch, threads, reconnect, log);
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0] + " (1 min)";
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** CPU time of the whole process and of the client threads at one moment. */
    record Cpu(long wallNanos, long processNanos, long clientNanos) {
        static Cpu now(SseClients clients) {
            long process = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : -1;
            return new Cpu(System.nanoTime(), process, clients.cpuNanos());
        }

        /** Cores used since {@code before}: {processes, client threads}. */
        double[] since(Cpu before) {
            double wall = Math.max(1, wallNanos - before.wallNanos);
            return new double[] {(processNanos - before.processNanos) / wall, (clientNanos - before.clientNanos) / wall};
        }
    }
}
