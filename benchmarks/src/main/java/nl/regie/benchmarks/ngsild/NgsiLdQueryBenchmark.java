package nl.regie.benchmarks.ngsild;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

import nl.regie.benchmarks.EmbeddedRegie;

import org.HdrHistogram.Histogram;
import org.osgi.service.log.LogLevel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A type-wide query with a geo filter over 10,000 entities, through the NGSI-LD API against the same query through
 * Regie's own {@code /api/entities}, over real HTTP on loopback to a whole embedded Regie (the launcher's bundles):
 * {@code GET /ngsi-ld/v1/entities?type=BenchSpot&georel=near;maxDistance==R&geometry=Point&coordinates=[lon,lat]}
 * against {@code GET /api/entities?type=BenchSpot&near=lon,lat,R}, and a box ({@code within} a Polygon against
 * {@code bbox=}). The entities are written through the NGSI-LD batch upsert first (10 batches of 1,000), at seeded
 * random places within 5 km of a centre; both sides must answer the same number of entities, or the run fails. Each
 * round asks both sides in turn (which goes first alternates), with a fresh centre per round, so both see the same mix
 * of load; latency is the whole exchange as the client sees it (request, answer read to its end), p50 and p99 from an
 * HdrHistogram. The caller is the loopback operator on both sides (no party filter on either).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.ngsild.NgsiLdQueryBenchmark --entities 10000 --rounds 500</pre>
 */
public final class NgsiLdQueryBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double LON = 4.90;
    private static final double LAT = 52.37;

    private NgsiLdQueryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int entities = 10_000;
        int rounds = 500;
        int warmup = 100;
        int radius = 1_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--entities" -> entities = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--radius" -> radius = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; known are --entities, --rounds, --warmup, --radius");
            }
        }
        System.out.printf(Locale.ROOT, "NGSI-LD query against /api/entities: %,d entities, %d rounds (after %d warm-up),"
                + " radius %d m; %d cores, Java %s; load average %.2f%n", entities, rounds, warmup, radius,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), load());
        Path work = Files.createTempDirectory("regie-ngsild-bench");
        int status;
        try (EmbeddedRegie regie = new EmbeddedRegie(work, EmbeddedRegie.Options.site("ngsild-bench"), LogLevel.WARN,
                System.out)) {
            status = run("http://127.0.0.1:" + regie.httpPort(), entities, rounds, warmup, radius);
        }
        System.exit(status);
    }

    private static int run(String base, int entities, int rounds, int warmup, int radius) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Served.await(http, base + "/ngsi-ld/v1/types");
        load(http, base, entities);
        Random random = new Random(20);
        Histogram[] near = {new Histogram(60_000_000_000L, 3), new Histogram(60_000_000_000L, 3)};
        Histogram[] box = {new Histogram(60_000_000_000L, 3), new Histogram(60_000_000_000L, 3)};
        long matched = 0;
        for (int round = 0; round < warmup + rounds; round++) {
            double lon = LON + (random.nextDouble() - 0.5) * 0.04;
            double lat = LAT + (random.nextDouble() - 0.5) * 0.02;
            String point = "[" + lon + "," + lat + "]";
            String ngsiNear = base + "/ngsi-ld/v1/entities?type=BenchSpot&limit=1000&georel="
                    + encode("near;maxDistance==" + radius) + "&geometry=Point&coordinates=" + encode(point);
            String houseNear = base + "/api/entities?type=BenchSpot&limit=1000&near=" + lon + "," + lat + "," + radius;
            double w = lon - 0.01;
            double e = lon + 0.01;
            double s = lat - 0.006;
            double n = lat + 0.006;
            String polygon = "[[[" + w + "," + s + "],[" + e + "," + s + "],[" + e + "," + n + "],[" + w + "," + n
                    + "],[" + w + "," + s + "]]]";
            String ngsiBox = base + "/ngsi-ld/v1/entities?type=BenchSpot&limit=1000&georel=within&geometry=Polygon"
                    + "&coordinates=" + encode(polygon);
            String houseBox = base + "/api/entities?type=BenchSpot&limit=1000&bbox=" + w + "," + s + "," + e + "," + n;
            boolean measured = round >= warmup;
            boolean ngsiFirst = round % 2 == 0;
            matched += pair(http, ngsiNear, houseNear, ngsiFirst, measured ? near : null);
            pair(http, ngsiBox, houseBox, !ngsiFirst, measured ? box : null);
        }
        System.out.printf(Locale.ROOT, "%,d entities matched per near query on average%n", matched / (warmup + rounds));
        report("near (radius)", near);
        report("box (within)", box);
        System.out.printf(Locale.ROOT, "Load average at the end: %.2f%n", load());
        return 0;
    }

    /** Asks both sides once, checks they agree on the count, records each latency; returns the count. */
    private static int pair(HttpClient http, String ngsi, String house, boolean ngsiFirst, Histogram[] into)
            throws Exception {
        long[] nanos = new long[2];
        int[] counts = new int[2];
        for (int i = 0; i < 2; i++) {
            boolean ngsiNow = ngsiFirst == (i == 0);
            int side = ngsiNow ? 0 : 1;
            long start = System.nanoTime();
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(ngsiNow ? ngsi : house))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            nanos[side] = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                throw new IllegalStateException((ngsiNow ? ngsi : house) + " answered " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8));
            }
            JsonNode body = JSON.readTree(response.body());
            counts[side] = ngsiNow ? body.size() : body.get("entities").size();
        }
        if (counts[0] != counts[1]) {
            throw new IllegalStateException("the two APIs disagree: NGSI-LD found " + counts[0] + ", /api/entities "
                    + counts[1] + " for " + ngsi);
        }
        if (into != null) {
            into[0].recordValue(nanos[0]);
            into[1].recordValue(nanos[1]);
        }
        return counts[0];
    }

    private static void report(String name, Histogram[] h) {
        double ngsi50 = h[0].getValueAtPercentile(50) / 1e6;
        double ngsi99 = h[0].getValueAtPercentile(99) / 1e6;
        double house50 = h[1].getValueAtPercentile(50) / 1e6;
        double house99 = h[1].getValueAtPercentile(99) / 1e6;
        System.out.printf(Locale.ROOT, "%-14s NGSI-LD p50 %.2f ms p99 %.2f ms | /api/entities p50 %.2f ms p99 %.2f ms"
                + " | ratio NGSI-LD/house p50 %.2f p99 %.2f (%d queries each)%n", name, ngsi50, ngsi99, house50,
                house99, ngsi50 / house50, ngsi99 / house99, h[0].getTotalCount());
    }

    /** Writes the entities through the NGSI-LD batch upsert, and waits until the city state holds them all. */
    private static void load(HttpClient http, String base, int entities) throws Exception {
        Random random = new Random(7);
        for (int from = 0; from < entities; from += 1_000) {
            List<Object> batch = new ArrayList<>();
            for (int i = from; i < Math.min(entities, from + 1_000); i++) {
                double lon = LON + (random.nextDouble() - 0.5) * 0.14;
                double lat = LAT + (random.nextDouble() - 0.5) * 0.09;
                batch.add(java.util.Map.of("id", "urn:ngsi-ld:BenchSpot:s" + i, "type", "BenchSpot",
                        "location", java.util.Map.of("type", "GeoProperty", "value",
                                java.util.Map.of("type", "Point", "coordinates", List.of(lon, lat))),
                        "occupancy", java.util.Map.of("type", "Property", "value", random.nextInt(100)),
                        "status", java.util.Map.of("type", "Property", "value", random.nextBoolean() ? "free" : "taken")));
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/ngsi-ld/v1/entityOperations/upsert")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(batch))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201 && response.statusCode() != 204) {
                throw new IllegalStateException("the batch upsert answered " + response.statusCode() + ": "
                        + response.body());
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/api/entities?type=BenchSpot&limit=1")).build(), HttpResponse.BodyHandlers.ofString());
            if (JSON.readTree(response.body()).path("total").asInt() >= entities) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the city state did not reach " + entities + " entities: "
                        + response.body());
            }
            LockSupport.parkNanos(10_000_000);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
