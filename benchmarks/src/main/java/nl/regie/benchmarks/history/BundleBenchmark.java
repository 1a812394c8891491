package nl.regie.benchmarks.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.benchmarks.ConsoleLogger;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.history.HistoryComponent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.history.Aggregate;
import nl.regie.runtime.spi.history.History;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.HistoryStatus;
import nl.regie.runtime.spi.history.Series;
import nl.regie.runtime.testing.PostgresCluster;

import org.osgi.service.log.Logger;

/**
 * The history bundle as it runs, measured: the real {@link HistoryComponent} (its bounded queue, its one writer thread,
 * DuckDB with the shipped settings) subscribed to a Regie {@link BusEngine}, in one JVM.
 *
 * <ol>
 * <li><b>Bus.</b> A saturating probe (batches of 1,000, each waited for, as {@link BusLoad} does) gives the bus's rate
 * in four phases of {@code --bus-seconds}: alone; with the city's readings published at {@code --bus-rate} to a
 * subscriber that only counts them; the same with the history subscribed instead; alone again. The ratio is the rate
 * with the history over the mean of the two alone, and over the rate with the counter; each phase's CPU by thread
 * ({@link ThreadCpu}) is printed too.</li>
 * <li><b>Ingest.</b> The rest of {@code --readings} (by default a simulated day of the 10,000-entity city, 9.9
 * million readings) published at {@code --bus-rate}: what the history wrote per second, and dropped.</li>
 * <li><b>Queries</b> through {@link History#query}, {@code --repeats} each: a day of one attribute of one entity at
 * one-minute buckets; each of the city's five types over the whole city and one hour (hourly bucket: one point per
 * series), and all five one after the other: the 10,000 entities.</li>
 * <li><b>Disk:</b> the store's bytes after its checkpoint on close, per reading written.</li>
 * </ol>
 *
 * <p>Run: {@code java -Xmx4g -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.history.BundleBenchmark
 * [--readings 9936000] [--bus-rate 120000] [--bus-seconds 10] [--repeats 50] [--dir /tmp/regie-histbundle]
 * [--fill true] [--reuse true] [--store duckdb|postgresql]}: with {@code --fill true} no bus phases, the day written whole (each
 * chunk of 50,000 published once the one before is written), then the queries; with {@code --store postgresql} the
 * history is configured with {@code store = postgresql} on a throwaway cluster of Debian's PostgreSQL
 * ({@link PostgresCluster}, on the same machine), and the disk figure is the tables' size as the store last reported it.
 */
public final class BundleBenchmark {

    private static final Owner PROBE = new Owner("benchmark.probe", "1.0.0", 1);
    private static final Owner COUNTER = new Owner("benchmark.counter", "1.0.0", 2);
    private static final Owner HISTORY = new Owner("nl.regie.runtime.history", "0.1.0", 3);
    private static final List<String> CITY = City.TYPES.stream().map(t -> t.name() + "/#").toList();

    private final BusEngine bus;
    private final AtomicLong probed = new AtomicLong();
    private final Reading[] probes = new Reading[1024];

    private BundleBenchmark(Logger log) {
        bus = new BusEngine(BusSettings.defaults(), log);
        for (int i = 0; i < probes.length; i++) {
            probes[i] = Reading.of(EntityId.of("Probe", "p" + i % 100), "value", Value.of(i), "", "probe");
        }
        bus.subscribe(PROBE, List.of("Probe/+/value"), reading -> probed.incrementAndGet());
    }

    public static void main(String[] args) throws Exception {
        int readingCount = 24 * 60 * 6_900;
        int rate = 120_000;
        int seconds = 10;
        int repeats = 50;
        boolean fill = false;
        boolean reuse = false;
        Path dir = Path.of("/tmp/regie-histbundle");
        String store = "duckdb";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--readings" -> readingCount = Integer.parseInt(args[i + 1]);
                case "--bus-rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--bus-seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--fill" -> fill = Boolean.parseBoolean(args[i + 1]);
                case "--reuse" -> reuse = Boolean.parseBoolean(args[i + 1]);
                case "--store" -> store = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Logger log = ConsoleLogger.create("history", System.err, Set.of("info", "warn", "error"));
        City city = new City(1.0);
        System.out.printf(Locale.ROOT, "History bundle benchmark: %,d entities, %,d readings; bus rate %,d/s, %d s a"
                + " phase; %d cores, Java %s, load average %s%n", city.entities().size(), readingCount, rate, seconds,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), HistoryBenchmark.loadAverage());
        Reading[] readings = city.readings(readingCount);
        long end = readings[readings.length - 1].observedAt().toEpochMilli();
        // The history's clock: just after the last reading, so the hours of the day are moved as they close.
        Clock clock = Clock.fixed(Instant.ofEpochMilli(end).plus(Duration.ofMinutes(10)), ZoneOffset.UTC);
        if (!reuse) {
            deleteRecursively(dir);
            Files.createDirectories(dir);
        }
        Map<String, Object> config = Map.of();
        if (store.equals("postgresql")) {
            PostgresCluster cluster = PostgresCluster.start(); // stopped by its shutdown hook at exit
            config = Map.of("store", "postgresql", "url", cluster.newDatabase());
            System.out.println("store: " + cluster.version() + ", a throwaway cluster on loopback");
        } else if (!store.equals("duckdb")) {
            throw new IllegalArgumentException("--store is duckdb or postgresql, was " + store);
        }
        BundleBenchmark benchmark = new BundleBenchmark(log);
        if (reuse) {
            benchmark.reuse(readings, repeats, dir, clock, log, config);
        } else if (fill) {
            benchmark.fill(readings, repeats, dir, clock, log, config);
        } else {
            benchmark.run(readings, rate, seconds * 1000L, repeats, dir, clock, log, config);
        }
        System.exit(0);
    }
    /**
     * {@code --fill true}: no bus phases; the day is published in chunks of 50,000, each once the history has written
     * the one before (so nothing is dropped however loaded the machine is), then the queries are measured on the
     * whole day. The rate is what the writer sustains with the bus in front of it, not a paced rate.
     */
    private void fill(Reading[] readings, int repeats, Path dir, Clock clock, Logger log, Map<String, Object> config)
            throws Exception {
        HistoryComponent history = new HistoryComponent(bus, HISTORY, dir, HistoryComponent.config(config), clock,
                log, CITY);
        long start = System.nanoTime();
        long cpu = processCpuNanos();
        ThreadCpu threads = ThreadCpu.snapshot();
        for (int from = 0; from < readings.length; from += 50_000) {
            int to = Math.min(readings.length, from + 50_000);
            for (int i = from; i < to; i++) {
                bus.publish(readings[i].source(), readings[i]);
            }
            HistoryStatus status = history.status();
            while (status.written() + status.dropped() < to) {
                LockSupport.parkNanos(1_000_000);
                status = history.status();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        HistoryStatus status = history.status();
        System.out.printf(Locale.ROOT, "history: %,d readings published in chunks of 50,000, each after the last was"
                + " written: %,d written (%,.0f/s over %.1f s), %,d dropped; process CPU %.1f s%n", readings.length,
                status.written(), status.written() / seconds, seconds, status.dropped(),
                (processCpuNanos() - cpu) / 1e9);
        System.out.println("CPU by thread: " + ThreadCpu.snapshot().since(threads));
        queries(history, readings, repeats, status, dir, config);
    }

    /**
     * {@code --reuse true}: the store a run with {@code --fill true} left in {@code --dir} (closed, checkpointed), opened
     * again and queried, so that two builds can be compared on the same store; nothing is written.
     */
    private void reuse(Reading[] readings, int repeats, Path dir, Clock clock, Logger log, Map<String, Object> config)
            throws Exception {
        long start = System.nanoTime();
        HistoryComponent history = new HistoryComponent(bus, HISTORY, dir, HistoryComponent.config(config), clock,
                log, CITY);
        System.out.printf(Locale.ROOT, "history: the store in %s reopened in %.0f ms%n", dir,
                (System.nanoTime() - start) / 1e6);
        queries(history, readings, repeats, history.status(), dir, config);
    }

    private void run(Reading[] readings, int rate, long millis, int repeats, Path dir, Clock clock, Logger log,
            Map<String, Object> config) throws Exception {
        probe(1000); // warm-up
        double alone = probe(millis);
        AtomicLong counted = new AtomicLong();
        Subscription counting = bus.subscribe(COUNTER, CITY, reading -> counted.incrementAndGet(), 100_000);
        ThreadCpu streamCpu = ThreadCpu.snapshot();
        Pacer stream = Pacer.start(bus, readings, 0, rate);
        double withStream = probe(millis);
        // Before the pacer and the counter's delivery thread end: a thread that ended is no longer in /proc.
        String streamByThread = ThreadCpu.snapshot().since(streamCpu);
        int next = stream.stop();
        counting.close();
        System.out.println("CPU by thread, the stream to a counter beside the probe: " + streamByThread);

        HistoryComponent history = new HistoryComponent(bus, HISTORY, dir, HistoryComponent.config(config), clock,
                log, CITY);
        ThreadCpu historyCpu = ThreadCpu.snapshot();
        Pacer toHistory = Pacer.start(bus, readings, next, rate);
        double withHistory = probe(millis);
        System.out.println("CPU by thread, the stream to the history beside the probe: "
                + ThreadCpu.snapshot().since(historyCpu));
        ThreadCpu ingestThreads = ThreadCpu.snapshot();
        double aloneAfter = Double.NaN;
        long ingestStart = System.nanoTime();
        long ingestCpu = processCpuNanos();
        // The rest of the day, at the same rate, without the probe.
        toHistory.awaitEnd();
        int offered = readings.length - next;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        HistoryStatus status = history.status();
        while (status.written() + status.dropped() < offered && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000);
            status = history.status();
        }
        double ingestSeconds = (System.nanoTime() - ingestStart) / 1e9;
        double ingestCpuSeconds = (processCpuNanos() - ingestCpu) / 1e9;
        aloneAfter = probe(millis);
        String ingestByThread = ThreadCpu.snapshot().since(ingestThreads);
        double ratio = withHistory / ((alone + aloneAfter) / 2);
        System.out.printf(Locale.ROOT, "bus alone %,.0f/s; with the city stream at %,d/s to a counter %,.0f/s; to the"
                + " history %,.0f/s; alone after %,.0f/s: ratio %.2f against the bus alone, %.2f against the bus with"
                + " the stream to a counter%n", alone, rate, withStream, withHistory, aloneAfter, ratio,
                withHistory / withStream);
        System.out.printf(Locale.ROOT, "history: %,d readings offered at %,d/s, %,d written (%,.0f/s over %.1f s),"
                + " %,d dropped%s; the process used %.1f CPU seconds meanwhile (pacer, bus and writer)%n", offered, rate,
                status.written(), status.written() / ingestSeconds, ingestSeconds, status.dropped(),
                status.well() ? "" : "; " + status.problem(), ingestCpuSeconds);
        System.out.println("CPU by thread, the rest of the day without the probe: " + ingestByThread);
        queries(history, readings, repeats, status, dir, config);
    }

    private void queries(HistoryComponent history, Reading[] readings, int repeats, HistoryStatus status, Path dir,
            Map<String, Object> config) throws Exception {

        Random random = new Random(42);
        List<City.Entity> traffic = new City(1.0).entities().stream()
                .filter(e -> e.type().name().equals("TrafficFlowObserved")).toList();
        Instant day = Instant.ofEpochMilli(City.START);
        long hours = Math.max(1, (readings[readings.length - 1].observedAt().toEpochMilli() - City.START) / 3_600_000);
        List<Double> dayMillis = new ArrayList<>();
        List<Double> dayCpuMillis = new ArrayList<>();
        List<Double> allTypesCpuMillis = new ArrayList<>();
        List<Double> allTypesMillis = new ArrayList<>();
        List<Double> wasteMillis = new ArrayList<>();
        int dayPoints = 0;
        int areaSeries = 0;
        BoundingBox city = new BoundingBox(City.WEST, City.SOUTH, City.EAST, City.NORTH);
        for (int r = 0; r < repeats; r++) {
            EntityId entity = traffic.get(random.nextInt(traffic.size())).id();
            long t0 = System.nanoTime();
            long c0 = processCpuNanos();
            List<Series> one = history.query(HistoryQuery.ofEntity(entity, Set.of("intensity"), day,
                    day.plus(Duration.ofDays(1)), Duration.ofMinutes(1), Aggregate.AVG, History.MAX_POINTS));
            dayMillis.add((System.nanoTime() - t0) / 1e6);
            dayCpuMillis.add((processCpuNanos() - c0) / 1e6);
            dayPoints = one.isEmpty() ? 0 : one.get(0).points().size();

            Instant hour = day.plus(Duration.ofHours(random.nextInt((int) hours)));
            long t1 = System.nanoTime();
            long c1 = processCpuNanos();
            int series = 0;
            for (City.Type type : City.TYPES) {
                long tt = System.nanoTime();
                series += history.query(HistoryQuery.ofType(type.name(), city, Set.of(), hour,
                        hour.plus(Duration.ofHours(1)), Duration.ofHours(1), Aggregate.AVG, History.MAX_POINTS)).size();
                if (type.name().equals("WasteContainer")) {
                    wasteMillis.add((System.nanoTime() - tt) / 1e6);
                }
            }
            allTypesMillis.add((System.nanoTime() - t1) / 1e6);
            allTypesCpuMillis.add((processCpuNanos() - c1) / 1e6);
            areaSeries = series;
        }
        System.out.printf(Locale.ROOT, "a day of one attribute at one-minute buckets (%d points): median %.1f ms, p99"
                + " %.1f ms (goal 20 ms); process CPU median %.1f ms%n", dayPoints, Stats.median(dayMillis),
                p99(dayMillis), Stats.median(dayCpuMillis));
        System.out.printf(Locale.ROOT, "one hour, the whole city, every type one query after the other (%,d series of"
                + " 10,000 entities): median %.1f ms, p99 %.1f ms (goal 200 ms); WasteContainer alone (4,000 entities):"
                + " median %.1f ms; process CPU of the five, median %.1f ms%n", areaSeries, Stats.median(allTypesMillis),
                p99(allTypesMillis), Stats.median(wasteMillis), Stats.median(allTypesCpuMillis));

        String kept = history.status().store();
        long serverBytes = history.status().storeBytes();
        history.close();
        long bytes = config.isEmpty() ? JdbcStore.folderBytes(dir) : serverBytes;
        System.out.println("store: " + kept);
        // Reopened (--reuse), the store holds the readings a fill wrote before.
        long held = status.written() == 0 ? readings.length : status.written();
        System.out.printf(Locale.ROOT, "disk: %,d bytes for %,d readings: %.1f bytes per reading (raw, sorted hours and"
                + " one-minute rollups)%n", bytes, held, bytes / (double) held);
        bus.close();
    }

    /** CPU time of the whole process (every thread, DuckDB's own included): a figure less at the mercy of the load. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double p99(List<Double> values) {
        return Stats.percentile(Stats.sorted(values.stream().mapToDouble(Double::doubleValue).toArray()), 0.99);
    }

    /** The bus's rate for the probe over {@code millis}: batches of 1,000, each waited for. */
    private double probe(long millis) {
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
        long first = probed.get();
        long expected = first;
        int i = 0;
        while (System.nanoTime() < end) {
            for (int k = 0; k < 1000; k++) {
                bus.publish("probe", probes[i++ & 1023]);
            }
            expected += 1000;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (probed.get() < expected && System.nanoTime() < deadline) {
                LockSupport.parkNanos(20_000);
            }
            expected = probed.get();
        }
        return (probed.get() - first) / ((System.nanoTime() - start) / 1e9);
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Publishes the city's readings from {@code from} on, at {@code rate} per second, on its own thread. */
    private static final class Pacer implements Runnable {

        private final BusEngine bus;
        private final Reading[] readings;
        private final int rate;
        private final int from;
        private final Thread thread;
        private volatile int next;
        private volatile boolean stopped;

        private Pacer(BusEngine bus, Reading[] readings, int from, int rate) {
            this.bus = bus;
            this.readings = readings;
            this.rate = rate;
            this.from = from;
            this.next = from;
            this.thread = new Thread(this, "history-bundle-benchmark-pacer");
        }

        static Pacer start(BusEngine bus, Reading[] readings, int from, int rate) {
            Pacer pacer = new Pacer(bus, readings, from, rate);
            pacer.thread.start();
            return pacer;
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            while (!stopped && next < readings.length) {
                int chunk = Math.min(200, readings.length - next);
                for (int k = 0; k < chunk; k++) {
                    Reading r = readings[next + k];
                    bus.publish(r.source(), r);
                }
                next += chunk;
                long wait = start + (long) ((next - from) * 1e9 / rate) - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }

        int stop() throws InterruptedException {
            stopped = true;
            thread.join();
            return next;
        }

        void awaitEnd() throws InterruptedException {
            thread.join();
        }
    }
}
