package nl.regie.benchmarks.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.benchmarks.ConsoleLogger;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.history.HistoryComponent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.history.Aggregate;
import nl.regie.runtime.spi.history.History;
import nl.regie.runtime.spi.history.HistoryLimitException;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.HistoryStatus;
import nl.regie.runtime.spi.history.Series;

import org.osgi.service.log.Logger;

/**
 * The city at a time ({@code GET /api/history/at}, the page's time slider): {@link History#latest} as the history
 * bundle answers it (DuckDB: one {@code arg_max} per series) against the SPI's default, which reads every raw reading
 * of the look-back through {@link History#query} and keeps the last of each series (what a store without its own
 * {@code latest} does). The real {@link HistoryComponent} with its shipped settings holds {@code --hours} of the
 * 10,000-entity city of {@link HistoryBenchmark}, every reading written (published in chunks the writer keeps up with);
 * then, {@code --repeats} times, at a random minute of the last hours, each of the city's five types is asked for with
 * a look-back of 15 minutes and of an hour, both ways, and the answers compared.
 *
 * <p>Run: {@code java -Xmx4g -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.history.LatestBenchmark
 * [--hours 3] [--repeats 20] [--dir /tmp/regie-histlatest]}
 */
public final class LatestBenchmark {

    private static final Owner HISTORY = new Owner("nl.regie.runtime.history", "0.1.0", 3);
    private static final List<String> CITY = City.TYPES.stream().map(t -> t.name() + "/#").toList();
    private static final int CHUNK = 50_000;

    private LatestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int hours = 3;
        int repeats = 20;
        Path dir = Path.of("/tmp/regie-histlatest");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--hours" -> hours = Integer.parseInt(args[i + 1]);
                case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (hours < 2) {
            throw new IllegalArgumentException("--hours must be at least 2 (an hour's look-back before the times asked)");
        }
        Logger log = ConsoleLogger.create("history", System.err, Set.of("warn", "error"));
        City city = new City(1.0);
        Reading[] readings = city.readings(hours * 60 * 6_900);
        System.out.printf(Locale.ROOT, "City-at-a-time benchmark: %,d entities, %,d readings (%d hours); %d cores, Java"
                + " %s, load average %s%n", city.entities().size(), readings.length, hours,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), HistoryBenchmark.loadAverage());
        long end = readings[readings.length - 1].observedAt().toEpochMilli();
        Clock clock = Clock.fixed(Instant.ofEpochMilli(end).plus(Duration.ofMinutes(10)), ZoneOffset.UTC);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        BusEngine bus = new BusEngine(BusSettings.defaults(), log);
        HistoryComponent history = new HistoryComponent(bus, HISTORY, dir, HistoryComponent.config(Map.of()), clock,
                log, CITY);
        try {
            ingest(bus, history, readings);
            measure(history, Instant.ofEpochMilli(City.START), Instant.ofEpochMilli(end), repeats);
        } finally {
            history.close();
            bus.close();
        }
        System.exit(0);
    }

    /** Publishes every reading, a chunk at a time, each chunk written before the next: nothing is dropped. */
    private static void ingest(BusEngine bus, HistoryComponent history, Reading[] readings) {
        long start = System.nanoTime();
        for (int from = 0; from < readings.length; from += CHUNK) {
            int to = Math.min(from + CHUNK, readings.length);
            for (int i = from; i < to; i++) {
                bus.publish(readings[i].source(), readings[i]);
            }
            HistoryStatus status = history.status();
            while (status.written() + status.dropped() < to) {
                LockSupport.parkNanos(2_000_000);
                status = history.status();
            }
        }
        HistoryStatus status = history.status();
        System.out.printf(Locale.ROOT, "ingest: %,d written, %,d dropped in %.1f s%n", status.written(),
                status.dropped(), (System.nanoTime() - start) / 1e9);
        if (status.dropped() > 0) {
            throw new IllegalStateException("the history dropped readings: the figures would not be comparable");
        }
    }

    private static void measure(HistoryComponent history, Instant first, Instant last, int repeats) {
        // A store without its own latest(): the SPI's default over the bundle's query().
        History byQuery = new History() {
            @Override
            public List<Series> query(HistoryQuery query) {
                return history.query(query);
            }

            @Override
            public boolean knows(EntityId entity) {
                return history.knows(entity);
            }

            @Override
            public HistoryStatus status() {
                return history.status();
            }
        };
        Random random = new Random(42);
        long span = Duration.between(first.plus(Duration.ofHours(1)), last).toMinutes();
        for (Duration lookBack : List.of(Duration.ofMinutes(15), Duration.ofHours(1))) {
            List<Double> store = new ArrayList<>();
            List<Double> standard = new ArrayList<>();
            int series = 0;
            int refused = 0;
            for (int r = 0; r < repeats; r++) {
                Instant time = first.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(random.nextInt((int) span)));
                double storeMillis = 0;
                double standardMillis = 0;
                boolean standardAnswered = true;
                series = 0;
                for (City.Type type : City.TYPES) {
                    HistoryQuery query = HistoryQuery.ofType(type.name(), null, Set.of(), time.minus(lookBack),
                            time.plusMillis(1), null, Aggregate.LAST, History.MAX_POINTS);
                    long t0 = System.nanoTime();
                    List<Series> fast = history.latest(query);
                    storeMillis += (System.nanoTime() - t0) / 1e6;
                    series += fast.size();
                    long t1 = System.nanoTime();
                    try {
                        List<Series> slow = byQuery.latest(query);
                        standardMillis += (System.nanoTime() - t1) / 1e6;
                        if (!sorted(slow).equals(sorted(fast))) {
                            throw new IllegalStateException("the two answers differ for " + type.name() + " at " + time);
                        }
                    } catch (HistoryLimitException e) {
                        standardAnswered = false;
                    }
                }
                store.add(storeMillis);
                if (standardAnswered) {
                    standard.add(standardMillis);
                } else {
                    refused++;
                }
            }
            System.out.printf(Locale.ROOT, "look-back %s, the whole city (five types, %,d series): History.latest of the"
                    + " bundle median %.1f ms, p99 %.1f ms; the SPI default over query() %s%n", lookBack, series,
                    Stats.median(store), p99(store), standard.isEmpty()
                            ? "refused every time (over " + History.MAX_POINTS + " raw readings in a type's look-back)"
                            : String.format(Locale.ROOT, "median %.1f ms, p99 %.1f ms%s", Stats.median(standard),
                                    p99(standard), refused == 0 ? "" : "; refused " + refused + " of " + repeats
                                            + " times (over " + History.MAX_POINTS + " raw readings)"));
        }
    }

    private static List<Series> sorted(List<Series> series) {
        List<Series> copy = new ArrayList<>(series);
        copy.sort(Comparator.comparing((Series s) -> s.entity()).thenComparing(Series::attribute)
                .thenComparing(Series::source));
        return copy;
    }

    private static double p99(List<Double> values) {
        return Stats.percentile(Stats.sorted(values.stream().mapToDouble(Double::doubleValue).toArray()), 0.99);
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
