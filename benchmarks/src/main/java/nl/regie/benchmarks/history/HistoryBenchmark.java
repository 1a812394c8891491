package nl.regie.benchmarks.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import nl.regie.api.model.Reading;
import nl.regie.runtime.testing.PostgresCluster;

/**
 * Which history store: SQLite, DuckDB and H2 embedded, and PostgreSQL as the scale-out reference, measured on the
 * same readings of the same simulated city, one after the other in one run (see benchmarks/README.md, "History
 * store").
 *
 * <p>Run: {@code java -Xmx4g -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.history.HistoryBenchmark
 * [--store all] [--figure store,bus,crash] [--readings 10000000] [--runs 3]} (see {@link Options#USAGE}). The
 * {@code store} figure is ingest, disk bytes, queries and restart on a store of {@code --readings}; {@code bus} the
 * history writer beside a bus at full rate; {@code crash} a writer killed with SIGKILL mid-write.
 */
public final class HistoryBenchmark {

    private HistoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException | NullPointerException e) {
            System.err.println(e.getMessage() == null ? Options.USAGE : e.getMessage());
            System.exit(2);
            return;
        }
        City city = new City(options.scale());
        int needed = options.figures().contains("store") ? options.readings() : 0;
        if (options.figures().contains("bus")) {
            needed = Math.max(needed, BusFigure.readingsNeeded(options));
        }
        System.out.printf(Locale.ROOT, "History store benchmark: %s; %d cores, Java %s, load average %s; stores %s,"
                + " figures %s, %d runs%n", describe(city, options), Runtime.getRuntime().availableProcessors(),
                Runtime.version(), loadAverage(), options.stores(), options.figures(), options.runs());
        long start = System.nanoTime();
        Reading[] readings = needed > 0 ? city.readings(needed) : new Reading[0];
        System.out.printf(Locale.ROOT, "%,d readings made in %.1f s, spanning %.2f simulated hours%n", readings.length,
                (System.nanoTime() - start) / 1e9, city.spanMillis(readings.length) / 3.6e6);
        Files.createDirectories(options.dir());
        Figures figures = new Figures();
        PostgresCluster cluster = null;
        try {
            if (options.stores().contains("postgres")) {
                cluster = PostgresCluster.start();
                System.out.println(cluster.version() + " started for this run (TimescaleDB is not installable here)");
            }
            if (options.figures().contains("store")) {
                StoreFigure.run(options, city, Arrays.copyOf(readings, options.readings()), cluster, figures);
            }
            if (options.figures().contains("bus")) {
                BusFigure.run(options, readings, cluster, figures);
            }
            if (options.figures().contains("crash")) {
                CrashFigure.run(options, cluster, figures);
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
        System.out.println();
        System.out.println("Summary (load average now " + loadAverage() + ")");
        figures.print(options.stores());
        System.exit(0);
    }

    private static String describe(City city, Options options) {
        return String.format(Locale.ROOT, "a city of %,d entities, %,d readings per simulated minute, %,d readings of"
                + " history", city.entities().size(), city.readingsPerMinute(), options.readings());
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0] + " (1 min)";
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
