package nl.regie.benchmarks.ngsild;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

import nl.regie.benchmarks.EmbeddedRegie;

import org.HdrHistogram.Histogram;
import org.osgi.service.log.LogLevel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * A subscription's notification latency from the bus to a webhook, against the same change through the live stream
 * {@code /api/stream} (Server-Sent Events), on a whole embedded Regie (the launcher's bundles) over real HTTP on
 * loopback. The stream benchmark's driver bundle publishes change n on the bus ({@code StreamBench/e{n%100}/sequence},
 * value n); an NGSI-LD subscription (type {@code StreamBench}, watched attribute {@code sequence}, keyValues) notifies
 * a webhook receiver in this process (the JDK's HTTP server on a free loopback port, allowed by the operator's
 * {@code allowedEndpoints}), and one SSE client reads {@code /api/stream?type=StreamBench}. One change at a time: the
 * next is published once both have seen the last, so neither queues behind the other. Latency is from the publish
 * call to the moment the receiver has parsed the change (the webhook's body, the stream's event), p50 and p99 from an
 * HdrHistogram. The stream writes a client's events 5 ms after the first one waits (its linger, for fewer writes), the
 * webhook gets one POST per notification: the figure compares the two designs as shipped.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.ngsild.NotificationLatencyBenchmark --changes 2000</pre>
 */
public final class NotificationLatencyBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NotificationLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int changes = 2_000;
        int warmup = 300;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--changes" -> changes = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; known are --changes, --warmup");
            }
        }
        System.out.printf(Locale.ROOT, "NGSI-LD notification (webhook) against /api/stream (SSE): %d changes (after %d"
                + " warm-up), one at a time; %d cores, Java %s; load average %.2f%n", changes, warmup,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), load());
        Path work = Files.createTempDirectory("regie-notify-bench");
        // The webhook listens on loopback: the operator allows it, as a city would its own receivers.
        Files.createDirectories(work.resolve("config"));
        Files.writeString(work.resolve("config").resolve("nl.regie.runtime.ngsild.subscriptions.cfg"),
                "allowedEndpoints = 127.0.0.1\n");
        int status;
        try (EmbeddedRegie regie = new EmbeddedRegie(work, EmbeddedRegie.Options.site("notify-bench"), LogLevel.WARN,
                System.out)) {
            status = run(regie, changes, warmup);
        }
        System.exit(status);
    }

    private static int run(EmbeddedRegie regie, int changes, int warmup) throws Exception {
        regie.installPackage("nl.regie.benchmarks.stream.driver");
        LongConsumer publisher = (LongConsumer) regie.requireService(LongConsumer.class.getName(),
                "(regie.stream.bench=paced)", 30_000);
        int total = warmup + changes;
        long[] published = new long[total];
        AtomicLongArray hooked = new AtomicLongArray(total);
        AtomicLongArray streamed = new AtomicLongArray(total);
        ConcurrentHashMap<String, Boolean> unexpected = new ConcurrentHashMap<>();

        HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.setExecutor(Executors.newFixedThreadPool(2));
        webhook.createContext("/hook", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            long now = System.nanoTime();
            for (JsonNode entity : body.path("data")) {
                int n = entity.path("sequence").asInt(-1);
                if (n >= 0 && n < total) {
                    hooked.set(n, now);
                } else {
                    unexpected.put(body.toString(), true);
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        String base = "http://127.0.0.1:" + regie.httpPort();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Served.await(http, base + "/ngsi-ld/v1/subscriptions");
        String subscription = "{\"type\": \"Subscription\", \"entities\": [{\"type\": \"StreamBench\"}],"
                + " \"watchedAttributes\": [\"sequence\"], \"notification\": {\"format\": \"keyValues\", \"endpoint\":"
                + " {\"uri\": \"http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook\"}}}";
        HttpResponse<String> made = http.send(HttpRequest.newBuilder(URI.create(base + "/ngsi-ld/v1/subscriptions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(subscription))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (made.statusCode() != 201) {
            throw new IllegalStateException("the subscription was refused: " + made.statusCode() + " " + made.body());
        }

        HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base
                + "/api/stream?type=StreamBench")).build(), HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data: {")) {
                        JsonNode change = JSON.readTree(line.substring(6));
                        long now = System.nanoTime();
                        if ("sequence".equals(change.path("attribute").asText())) {
                            int n = change.path("value").asInt(-1);
                            if (n >= 0 && n < total) {
                                streamed.set(n, now);
                            }
                        }
                    }
                }
            } catch (java.io.IOException e) {
                // the stream ends with the run
            }
        }, "bench-sse-reader");
        reader.setDaemon(true);
        reader.start();

        for (int n = 0; n < total; n++) {
            published[n] = System.nanoTime();
            publisher.accept(n);
            long deadline = published[n] + TimeUnit.SECONDS.toNanos(10);
            while (hooked.get(n) == 0 || streamed.get(n) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("change " + n + " did not arrive within 10 s: webhook "
                            + (hooked.get(n) != 0) + ", stream " + (streamed.get(n) != 0));
                }
                LockSupport.parkNanos(20_000);
            }
        }
        webhook.stop(0);
        Histogram hook = new Histogram(60_000_000_000L, 3);
        Histogram sse = new Histogram(60_000_000_000L, 3);
        for (int n = warmup; n < total; n++) {
            hook.recordValue(hooked.get(n) - published[n]);
            sse.recordValue(streamed.get(n) - published[n]);
        }
        double h50 = hook.getValueAtPercentile(50) / 1e6;
        double h99 = hook.getValueAtPercentile(99) / 1e6;
        double s50 = sse.getValueAtPercentile(50) / 1e6;
        double s99 = sse.getValueAtPercentile(99) / 1e6;
        System.out.printf(Locale.ROOT, "webhook (NGSI-LD notification) p50 %.2f ms p99 %.2f ms | /api/stream (SSE)"
                + " p50 %.2f ms p99 %.2f ms | ratio webhook/stream p50 %.2f p99 %.2f (%d changes each)%n", h50, h99,
                s50, s99, h50 / s50, h99 / s99, hook.getTotalCount());
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(base + "/ngsi-ld/v1/subscriptions"
                + "/" + made.headers().firstValue("Location").orElseThrow().replaceFirst(".*/", ""))).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println("The subscription's notification status: " + JSON.readTree(status.body()).path(
                "notification").toString());
        System.out.printf(Locale.ROOT, "Load average at the end: %.2f%n", load());
        return unexpected.isEmpty() ? 0 : 1;
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
