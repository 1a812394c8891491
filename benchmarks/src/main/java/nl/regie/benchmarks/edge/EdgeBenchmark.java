package nl.regie.benchmarks.edge;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import nl.regie.benchmarks.ingest.MosquittoProcess;
import nl.regie.benchmarks.ingest.Publisher;
import nl.regie.benchmarks.soak.Launched;

/**
 * Edges: what a site's device ingest costs with one runtime, and with one and two {@code --role edge} runtimes in front
 * of a {@code --role core} runtime, each a launcher process of its own on one Debian Mosquitto (started here, tuned as
 * the design brief asks). One Paho publisher sends SenML packs (three readings each, 100 bins, QoS 1, up to 500
 * unacknowledged) as fast as the broker takes them; a round counts from the first publish until the runtime that runs
 * the city says it has taken every pack in: the core's {@code regie_edge_packs_total}, or for one runtime its
 * {@code regie_ingest_messages_received_total} (both from {@code /metrics}). The CPU time each process used in the round
 * ({@code /proc/<pid>/stat}), divided by the readings, is the cost per reading at the edges, at the core and at the
 * broker: what sizes a cluster.
 *
 * <p>A warm-up round of the same size runs first on the same processes. Every pack is distinct (the core drops a pack
 * it has seen), dated a day before now. Run from the project root after {@code mvn install -DskipTests}:
 * {@code java -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.edge.EdgeBenchmark [--packs 50000]
 * [--launcher launcher/target/regie-launcher.jar]}.
 */
public final class EdgeBenchmark {

    private static final int DEVICES = 100;
    private static final int READINGS_PER_PACK = 3;
    private static final long TICKS_PER_SECOND = 100;
    private static final long READY_MILLIS = 120_000;

    private final String jar;
    private final MosquittoProcess broker;
    private final Path work;
    private final HttpClient http = HttpClient.newHttpClient();

    private EdgeBenchmark(String jar, MosquittoProcess broker, Path work) {
        this.jar = jar;
        this.broker = broker;
        this.work = work;
    }

    /** Runs the three set-ups and prints a line for each. */
    public static void main(String[] args) throws Exception {
        int packs = 50_000;
        String jar = "launcher/target/regie-launcher.jar";
        List<Integer> setups = List.of(0, 1, 2);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--packs" -> packs = Integer.parseInt(args[++i]) / DEVICES * DEVICES;
                case "--launcher" -> jar = args[++i];
                case "--edges" -> setups = List.of(Integer.parseInt(args[++i]));
                default -> {
                    System.err.println("usage: EdgeBenchmark [--packs N] [--launcher JAR] [--edges 0|1|2]");
                    System.exit(2);
                }
            }
        }
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException(jar + " is missing: run mvn install -DskipTests first");
        }
        Path work = Files.createTempDirectory("regie-edge-bench");
        try (MosquittoProcess broker = MosquittoProcess.start()) {
            System.out.println("Mosquitto " + broker.version() + ", " + packs + " packs (" + packs * READINGS_PER_PACK
                    + " readings) per round, load average at the start " + loadAverage());
            EdgeBenchmark bench = new EdgeBenchmark(jar, broker, work);
            for (int edges : setups) {
                System.out.println(bench.round(edges, packs));
            }
        }
    }

    /** One set-up: one runtime ({@code edges} 0), or a core and that many edges. */
    private String round(int edges, int packs) throws Exception {
        String site = "bench" + edges;
        List<Launched> edgeProcesses = new ArrayList<>();
        Path dir = Files.createDirectories(work.resolve(site));
        int httpPort = freePort();
        List<String> options = new ArrayList<>(List.of("--broker", broker.url(), "--site", site, "--no-simulator",
                "--http-port", Integer.toString(httpPort), "--config-dir", dir.resolve("config").toString(),
                "--plugins", Files.createDirectories(dir.resolve("plugins")).toString(), "--state-dir",
                dir.resolve("state").toString(), "--log-file", "off"));
        if (edges > 0) {
            options.addAll(List.of("--role", "core"));
        }
        Launched core = Launched.start(jar, List.of(), options);
        try {
            core.awaitReady(READY_MILLIS);
            String token = Files.readString(dir.resolve("state/operator.token")).trim();
            String counter = edges > 0 ? "regie_edge_packs_total" : "regie_ingest_messages_received_total";
            for (int e = 1; e <= edges; e++) {
                edgeProcesses.add(startEdge(site, e));
            }
            long base = Instant.now().getEpochSecond() - 2 * 86_400;
            // Warm-up, then the measured round, each with packs of its own.
            take(site, packs(packs, base), packs, httpPort, token, counter, 0);
            long before = counted(httpPort, token, counter);
            long[] cpuBefore = cpu(core, edgeProcesses);
            long started = System.nanoTime();
            take(site, packs(packs, base + 10_000), packs, httpPort, token, counter, before);
            double seconds = (System.nanoTime() - started) / 1e9;
            long[] cpuAfter = cpu(core, edgeProcesses);
            int readings = packs * READINGS_PER_PACK;
            double edgeMicros = micros(cpuAfter[1] - cpuBefore[1], readings);
            double coreMicros = micros(cpuAfter[0] - cpuBefore[0], readings);
            double brokerMicros = micros(cpuAfter[2] - cpuBefore[2], readings);
            String what = edges == 0 ? "one runtime (no edges)" : edges + " edge" + (edges > 1 ? "s" : "") + " + core";
            return String.format(Locale.ROOT, "%-24s %,8.0f packs/s %,9.0f readings/s   CPU per reading: edges %5.1f µs,"
                    + " %s %5.1f µs, broker %5.1f µs", what, packs / seconds, readings / seconds, edgeMicros,
                    edges == 0 ? "runtime" : "core", coreMicros, brokerMicros);
        } finally {
            for (Launched edge : edgeProcesses) {
                edge.close();
            }
            core.close();
        }
    }

    private Launched startEdge(String site, int n) throws Exception {
        Path dir = Files.createDirectories(work.resolve(site + "-edge-" + n));
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("nl.regie.runtime.mqtt.cfg"), "clientId = " + site + "-edge-" + n
                + "\nedge.window = 1000\n", StandardCharsets.UTF_8);
        Launched edge = Launched.start(jar, List.of(), List.of("--role", "edge", "--broker", broker.url(), "--site",
                site, "--config-dir", config.toString(), "--state-dir", dir.resolve("state").toString(), "--log-file",
                "off"));
        edge.awaitReady(READY_MILLIS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_MILLIS);
        while (edge.linesWith("Edge connected to").isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("edge " + n + " did not connect:\n" + edge.tail(30));
            }
            Thread.sleep(50);
        }
        return edge;
    }

    /** Publishes the packs and waits until the runtime counted {@code count} more than {@code before}. */
    private void take(String site, byte[][] packs, int count, int port, String token, String counter, long before)
            throws Exception {
        long start = before == 0 ? counted(port, token, counter) : before;
        try (Publisher publisher = new Publisher(broker.url(), packs)) {
            publisher.publish(site, count);
            publisher.awaitAcknowledged();
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long now;
        while ((now = counted(port, token, counter)) < start + count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + (now - start) + " of " + count + " packs arrived in 5 minutes");
            }
            Thread.sleep(20);
        }
    }

    private long counted(int port, String token, String counter) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/metrics")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("(?m)^" + counter + "(?:\\{[^}]*\\})? ([0-9.eE+]+)$").matcher(response.body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** Distinct packs, pack {@code j} from bin {@code j % 100} (the publisher's topic for it). */
    private static byte[][] packs(int count, long base) {
        byte[][] packs = new byte[count][];
        for (int j = 0; j < count; j++) {
            packs[j] = String.format(Locale.ROOT, "[{\"bn\":\"urn:ngsi-ld:WasteContainer:bin-%05d:\",\"bt\":%.3f,"
                    + "\"n\":\"fillingLevel\",\"u\":\"/\",\"v\":%.4f},{\"n\":\"temperature\",\"u\":\"Cel\",\"v\":%.2f},"
                    + "{\"n\":\"batteryLevel\",\"u\":\"/\",\"v\":%.3f}]", j % DEVICES, base + j / 1000.0,
                    (j % 1000) / 1000.0, 15 + (j % 200) / 10.0, 0.5 + (j % 500) / 1000.0)
                    .getBytes(StandardCharsets.UTF_8);
        }
        return packs;
    }

    /** CPU ticks of the core (or the one runtime), of all edges together, and of the broker. */
    private long[] cpu(Launched core, List<Launched> edges) throws IOException {
        long edgeTicks = 0;
        for (Launched edge : edges) {
            edgeTicks += ticks(edge.pid());
        }
        return new long[] {ticks(core.pid()), edgeTicks, ticks(broker.pid())};
    }

    private static long ticks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static double micros(long ticks, int readings) {
        return ticks * 1e6 / TICKS_PER_SECOND / readings;
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
