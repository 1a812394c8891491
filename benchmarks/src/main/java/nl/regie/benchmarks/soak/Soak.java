package nl.regie.benchmarks.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import nl.regie.benchmarks.BenchmarkKey;
import nl.regie.benchmarks.ShippedBundles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The soak (issue 18, item 6): the launcher as a user runs it, with many simulated devices, for a long time, while a
 * plugin is updated every few minutes and live-stream clients connect and leave; it samples the process's resident
 * memory, threads and open file handles and the rate at which the bus delivers to the plugin, and judges each by its trend after a warm-up
 * ({@link Trend}): flat-ish passes, a steady climb fails. Every update must be promoted and every stream client must
 * get events.
 *
 * <p>The soak's plugin ({@link SoakPlan#PLUGIN}) is built at run time and signed with a key made for the soak, which
 * the policy it writes into the launcher's config folder lists for the city. Regie runs as the README says, from the
 * built distribution's {@code bin/regie} with its {@code config/jvm.options} (and {@code --jvm}'s options after them). It uses the operator's token from its state folder, free loopback ports and a work folder of its
 * own.
 *
 * <p>Long form (an hour, 10,000 devices at the simulator's full rate, an update every 3 minutes):
 * {@code java -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.soak.Soak --minutes 60}; the short form that
 * {@code SoakIT} runs: {@code --minutes 3 --speed 15 --warmup-seconds 60 --update-every 30 --sample-every 5}. At the
 * end it reads the loss counters on {@code /metrics} ({@link #LOSSES}): anything lost fails the soak.
 */
public final class Soak {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SoakPlan plan;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    Soak(SoakPlan plan, PrintStream out) {
        this.plan = plan;
        this.out = out;
    }

    /** Runs the soak as its options say; exits 0 when every figure stayed flat and nothing failed, 1 otherwise. */
    public static void main(String[] args) throws Exception {
        SoakPlan plan;
        try {
            plan = SoakPlan.parse(args);
        } catch (RuntimeException e) {
            System.err.println("Soak: " + e.getMessage() + "\n" + SoakPlan.USAGE);
            System.exit(2);
            return;
        }
        SoakResult result = new Soak(plan, System.out).run();
        System.exit(result.passed() ? 0 : 1);
    }

    /** Runs the soak and prints the samples, the trends and the verdict. */
    SoakResult run() throws Exception {
        Path work = plan.work() != null ? Files.createDirectories(plan.work()) : Files.createTempDirectory("regie-soak");
        ShippedBundles bundles = new ShippedBundles(work.resolve("bundles"), false);
        // The runtime lets in plugins signed by a key its policy lists: a key made for this soak, for the city.
        BenchmarkKey key = BenchmarkKey.make(work.resolve("key"));
        Path config = Files.createDirectories(work.resolve("config"));
        Files.writeString(config.resolve("nl.regie.runtime.policy.cfg"), "keys = city " + key.fingerprint() + "\n");
        int httpPort = freeLoopbackPort();
        int mqttPort = freeLoopbackPort();
        List<String> options = List.of("--simulator-devices", Integer.toString(plan.devices()), "--simulator-speed",
                Integer.toString(plan.speed()), "--log-file", "off", "--http-port",
                Integer.toString(httpPort), "--mqtt-port", Integer.toString(mqttPort), "--plugins",
                Files.createDirectories(work.resolve("plugins")).toString(), "--config-dir",
                config.toString(), "--state-dir", work.resolve("state").toString());
        out.printf(Locale.ROOT, "Soak: %s; %d cores; load average %s%n", plan, Runtime.getRuntime().availableProcessors(),
                loadAverage());
        List<Sample> samples = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int updates = 0;
        int failedSamples = 0;
        try (Launched regie = Launched.start(plan.regie(), plan.jvmOptions(), options)) {
            out.println(regie.awaitReady(180_000));
            String token = Files.readString(work.resolve("state").resolve("operator.token")).trim();
            String base = "http://127.0.0.1:" + httpPort;
            String installed = send(base, token, "POST", "/api/plugins",
                    key.sign(bundles.build(SoakPlan.PLUGIN, version(0)), work.resolve("signing")));
            if (!installed.startsWith("201")) {
                throw new IllegalStateException("installing the soak's plugin was refused: " + installed);
            }
            out.println("installed " + SoakPlan.PLUGIN + " " + version(0));
            out.println("      s   RSS MiB  threads  files  to plugin/s  clients  plugin");
            try (StreamClients clients = new StreamClients(httpPort, token)) {
                long start = System.nanoTime();
                long end = start + TimeUnit.MINUTES.toNanos(plan.minutes());
                long nextSample = start;
                long nextUpdate = start + TimeUnit.SECONDS.toNanos(plan.updateEverySeconds());
                long nextClient = start;
                int clientTurn = 0;
                while (System.nanoTime() < end && regie.alive()) {
                    long now = System.nanoTime();
                    if (now >= nextClient) {
                        clients.leaveDue();
                        if (clients.connected() < plan.clients()) {
                            // Stays 1 to 3 times the interval, in turn, so clients overlap and leave at different times.
                            clients.connect(TimeUnit.SECONDS.toNanos(plan.clientStaySeconds() * (1 + clientTurn++ % 3)));
                        }
                        nextClient = following(nextClient, plan.clientEverySeconds());
                    }
                    if (now >= nextUpdate) {
                        updates++;
                        try {
                            String outcome = send(base, token, "PUT", "/api/plugins/" + SoakPlan.PLUGIN,
                                    key.sign(bundles.build(SoakPlan.PLUGIN, version(updates)), work.resolve("signing")));
                            if (!outcome.contains("PROMOTED")) {
                                problems.add("update to " + version(updates) + " was not promoted: " + outcome);
                            }
                        } catch (IOException e) {
                            problems.add("update to " + version(updates) + " had no answer: " + e);
                        }
                        nextUpdate = following(nextUpdate, plan.updateEverySeconds());
                    }
                    if (now >= nextSample) {
                        try {
                            JsonNode plugin = JSON.readTree(get(base, token, "/api/plugins/" + SoakPlan.PLUGIN));
                            Sample s = Sample.of(regie.pid(), (now - start) / 1e9, delivered(plugin), clients.connected(),
                                    plugin.path("version").asText("?") + " " + plugin.path("state").asText(""));
                            samples.add(s);
                            print(s, samples.size() > 1 ? samples.get(samples.size() - 2) : null);
                        } catch (IOException e) {
                            failedSamples++;
                            out.printf(Locale.ROOT, "  %5.0f  sample failed: %s%n", (now - start) / 1e9, e);
                        }
                        nextSample = following(nextSample, plan.sampleEverySeconds());
                    }
                    long next = Math.min(nextSample, Math.min(nextUpdate, nextClient));
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(next, end) - System.nanoTime()));
                }
                if (failedSamples > samples.size() / 10) {
                    problems.add(failedSamples + " samples failed (an answer slower than 60 s, or none), against "
                            + samples.size() + " taken");
                }
                if (!regie.alive()) {
                    problems.add("the launcher ended during the soak with " + regie.exitValue() + ":\n" + regie.tail(40));
                }
                clients.leaveDue();
                problems.addAll(clients.failures());
                out.printf(Locale.ROOT, "stream clients: %d connected in all, %d got no event; %,d events to those that"
                        + " left%n", clients.served(), clients.silent(), clients.events());
            }
            try {
                problems.addAll(losses(get(base, token, "/metrics")));
            } catch (IOException e) {
                problems.add("no /metrics at the end, so losses are unknown: " + e);
            }
            List<String> errors = regie.linesWith(" ERROR ");
            if (!errors.isEmpty()) {
                problems.add(errors.size() + " ERROR lines in the launcher's log, the first: " + errors.get(0));
            }
        }
        SoakResult result = SoakResult.judge(plan, samples, updates, problems);
        result.print(out);
        out.println("Load average at the end: " + loadAverage());
        return result;
    }

    private void print(Sample s, Sample previous) {
        double rate = previous == null ? Double.NaN
                : (s.delivered() - previous.delivered()) / (s.seconds() - previous.seconds());
        out.printf(Locale.ROOT, "  %5.0f %9.1f %8d %6d %12.0f %8d  %s%n", s.seconds(), s.residentKib() / 1024.0,
                s.threads(), s.fileHandles(), rate, s.streamClients(), s.pluginVersion());
    }

    /** The next time after {@code last} on its period that is still ahead: a stall skips turns, it does not bunch them. */
    private static long following(long last, int periodSeconds) {
        long period = TimeUnit.SECONDS.toNanos(periodSeconds);
        long next = last + period;
        long now = System.nanoTime();
        if (next <= now) {
            next += ((now - next) / period + 1) * period;
        }
        return next;
    }

    private static String version(int update) {
        return "1.0." + update;
    }

    /** Sends a jar to the plugins API; returns the response's status and body. */
    private String send(String base, String token, String method, String path, byte[] jar) throws IOException,
            InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/java-archive")
                .timeout(Duration.ofSeconds(120)).method(method, HttpRequest.BodyPublishers.ofByteArray(jar)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private String get(String base, String token, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** The counters on /metrics that count something lost: readings, history rows, notifications, audit events. */
    /**
     * The counters of what was lost, summed over their labels: the bus's subscribers, the history, the notifications,
     * the audit log, and the embedded broker (any reason: a reading it dropped never reached the bridge).
     */
    static final List<String> LOSSES = List.of("regie_bus_subscriber_dropped_total", "regie_bus_subscriber_failed_total",
            "regie_history_dropped_total", "regie_notifications_dropped_total", "regie_audit_events_lost_total",
            "regie_mqtt_broker_dropped_total");

    /** What the {@link #LOSSES} counters of a /metrics text say was lost, one problem per counter above 0. */
    List<String> losses(String metrics) {
        Map<String, Double> totals = new TreeMap<>();
        List<String> series = new ArrayList<>();
        for (String line : metrics.split("\n")) {
            for (String name : LOSSES) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    totals.merge(name, value, Double::sum);
                    if (value > 0) {
                        series.add(line);
                    }
                }
            }
        }
        out.printf(Locale.ROOT, "lost, by /metrics at the end: %s%n", totals.isEmpty() ? "no loss counters" : totals);
        series.forEach(line -> out.printf(Locale.ROOT, "  %s%n", line));
        if (totals.isEmpty()) {
            return List.of("/metrics has none of the loss counters " + LOSSES);
        }
        return totals.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> String.format(Locale.ROOT, "%s is %.0f: something was lost", e.getKey(), e.getValue())).toList();
    }

    /** The readings the bus delivered to the plugin, summed over its subscriptions. */
    private static long delivered(JsonNode plugin) {
        long total = 0;
        for (JsonNode subscription : plugin.path("subscriptions")) {
            total += subscription.path("delivered").asLong();
        }
        return total;
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0] + " (1 min)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
