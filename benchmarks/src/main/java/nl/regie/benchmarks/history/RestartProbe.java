package nl.regie.benchmarks.history;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Restart: how long a new JVM takes to open a store full of history and answer its first query, as the history
 * bundle would after a restart. Runs in a child JVM ({@link #main}), so the store's classes and native library
 * are loaded afresh; the operating system's file cache is as the ingest left it (warm), which is what a restarted
 * runtime on the same machine sees.
 */
final class RestartProbe {

    /** Opening (connection, the writer's series map) and the first day query, in milliseconds. */
    record Result(double openMillis, double firstQueryMillis, double jvmToAnswerMillis) {
    }

    private RestartProbe() {
    }

    /** Child: {@code RestartProbe STORE LOCATION}; prints one line "open first total" in milliseconds. */
    public static void main(String[] args) throws Exception {
        City city = new City(1.0);
        long start = System.nanoTime();
        try (HistoryStore store = Candidates.open(args[0], args[1])) {
            long opened = System.nanoTime();
            Query query = Query.draw(Query.Kind.DAY, city, 24 * Query.HOUR, 1, 7).get(0);
            int rows = store.query(query).size();
            long answered = System.nanoTime();
            if (rows == 0) {
                throw new IllegalStateException("the reopened store answered nothing");
            }
            double sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            System.out.printf(Locale.ROOT, "%.1f %.1f %.1f%n", (opened - start) / 1e6, (answered - opened) / 1e6,
                    sinceJvmStart);
        }
    }

    /** Parent: runs the probe in a child JVM against a closed store. */
    static Result run(String store, String location) throws Exception {
        Process child = ChildJvm.start(RestartProbe.class, "1g", List.of(store, location));
        String line;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            line = out.readLine();
        }
        if (!child.waitFor(120, TimeUnit.SECONDS) || child.exitValue() != 0 || line == null) {
            throw new IllegalStateException("the restart probe failed for " + store + " (exit "
                    + (child.isAlive() ? "none" : child.exitValue()) + ")");
        }
        String[] parts = line.trim().split(" ");
        return new Result(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
    }
}
