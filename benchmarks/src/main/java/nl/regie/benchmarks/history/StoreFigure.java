package nl.regie.benchmarks.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import nl.regie.api.model.Reading;
import nl.regie.runtime.testing.PostgresCluster;

/**
 * The figures that need a store full of history, per run and store (the stores in a rotated order each run, so
 * that no store always goes first or last): ingest of all the readings into a fresh store, bytes on disk after it
 * and after the store's checkpoint, the queries, and a restart in a new JVM. Every store must hold every reading
 * and give the reference answer; and all stores must agree on every query of the run.
 */
final class StoreFigure {

    private StoreFigure() {
    }

    static void run(Options options, City city, Reading[] readings, PostgresCluster cluster, Figures figures)
            throws Exception {
        figures.measure("ingest", "Ingest, readings/s (one writer, batches of " + options.batch() + ")", "%,.0f", true);
        figures.measure("ingest-last", "Ingest, readings/s over the last tenth (the store nearly full)", "%,.0f", true);
        figures.measure("batch-p99", "Commit of one batch, p99 ms", "%.1f", false);
        figures.measure("batch-max", "Commit of one batch, slowest ms", "%.0f", false);
        figures.measure("bytes", "Disk bytes per reading after ingest", "%.1f", false);
        figures.measure("bytes-checkpoint", "Disk bytes per reading after the store's checkpoint or compaction (closed)", "%.1f", false);
        for (Query.Kind kind : Query.Kind.values()) {
            figures.measure(kind + "-p50", "Query " + kind + ", p50 ms", "%.2f", false);
            figures.measure(kind + "-p99", "Query " + kind + ", p99 ms", "%.2f", false);
        }
        figures.measure("open", "Restart: open (series loaded) in a new JVM, ms", "%.0f", false);
        figures.measure("first-query", "Restart: first day query after open, ms", "%.1f", false);
        figures.measure("server-restart", "Restart: PostgreSQL server stop and start, ms", "%.0f", false);

        List<String> problems = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            Map<String, double[]> digests = new HashMap<>();
            List<String> order = rotate(options.stores(), run - 1);
            for (String name : order) {
                String location = Candidates.fresh(name, options.dir(), cluster);
                try {
                    one(options, city, readings, cluster, figures, run, name, location, digests, problems);
                } finally {
                    Candidates.remove(name, location, cluster);
                }
            }
            agree(digests, run, problems);
        }
        System.out.println();
        System.out.println(problems.isEmpty() ? "Checks: every store held every reading, gave the reference answer to the"
                + " first query of each kind, and all stores agreed on every query." : "PROBLEMS: " + problems);
    }

    private static void one(Options options, City city, Reading[] readings, PostgresCluster cluster, Figures figures,
            int run, String name, String location, Map<String, double[]> digests, List<String> problems)
            throws Exception {
        List<Queries.Result> queries;
        HistoryStore writer = Candidates.open(name, location);
        Ingest.Result ingest;
        double bytes;
        try {
            ingest = Ingest.run(writer, readings, options.batch());
            long count = writer.count();
            if (count != readings.length) {
                problems.add(name + " run " + run + " holds " + count + " of " + readings.length + " readings");
            }
            bytes = writer.diskBytes() / (double) readings.length;
        } finally {
            writer.compactAndClose();
        }
        double compacted = Candidates.diskBytes(name, location) / (double) readings.length;
        System.out.printf(Locale.ROOT, "run %d %-12s ingest %,9.0f/s (first tenth %,9.0f/s, last %,9.0f/s; batch p99"
                + " %.1f ms, max %.0f ms); %.1f bytes/reading, %.1f after checkpoint or compaction%n", run, name,
                ingest.rate(), ingest.firstTenthRate(), ingest.lastTenthRate(), ingest.p99BatchMillis(),
                ingest.maxBatchMillis(), bytes, compacted);
        figures.add("ingest", name, ingest.rate());
        figures.add("ingest-last", name, ingest.lastTenthRate());
        figures.add("batch-p99", name, ingest.p99BatchMillis());
        figures.add("batch-max", name, ingest.maxBatchMillis());
        figures.add("bytes", name, bytes);
        figures.add("bytes-checkpoint", name, compacted);
        try (HistoryStore store = Candidates.open(name, location)) {
            queries = Queries.run(store, city, readings, options.repeats(), run);
            double[] digest = new double[Query.Kind.values().length];
            for (Queries.Result q : queries) {
                System.out.printf(Locale.ROOT, "      %-13s p50 %8.2f ms  p99 %8.2f ms  over %d queries, %,.0f rows each%s%n",
                        q.kind(), q.p50Millis(), q.p99Millis(), q.repeats(), q.rowsPerQuery(),
                        q.problem() == null ? "" : "  PROBLEM: " + q.problem());
                figures.add(q.kind() + "-p50", name, q.p50Millis());
                figures.add(q.kind() + "-p99", name, q.p99Millis());
                digest[q.kind().ordinal()] = q.digest();
                if (q.problem() != null) {
                    problems.add(name + " run " + run + ": " + q.problem());
                }
            }
            digests.put(name, digest);
        }
        double serverRestart = Double.NaN;
        if (name.equals("postgres")) {
            long start = System.nanoTime();
            cluster.restart();
            serverRestart = (System.nanoTime() - start) / 1e6;
            figures.add("server-restart", name, serverRestart);
        }
        RestartProbe.Result restart = RestartProbe.run(name, location);
        figures.add("open", name, restart.openMillis());
        figures.add("first-query", name, restart.firstQueryMillis());
        System.out.printf(Locale.ROOT, "      restart in a new JVM: open %.0f ms, first day query %.1f ms, %.0f ms from JVM"
                + " start%s%n", restart.openMillis(), restart.firstQueryMillis(), restart.jvmToAnswerMillis(),
                Double.isNaN(serverRestart) ? "" : String.format(Locale.ROOT, " (after the server's restart, %.0f ms)",
                        serverRestart));
    }

    private static void agree(Map<String, double[]> digests, int run, List<String> problems) {
        Map.Entry<String, double[]> first = null;
        for (Map.Entry<String, double[]> entry : digests.entrySet()) {
            if (first == null) {
                first = entry;
                continue;
            }
            for (int k = 0; k < entry.getValue().length; k++) {
                double a = first.getValue()[k];
                double b = entry.getValue()[k];
                if (Math.abs(a - b) > 1e-6 * Math.max(1, Math.abs(a))) {
                    problems.add("run " + run + ": " + entry.getKey() + " and " + first.getKey() + " disagree on "
                            + Query.Kind.values()[k] + " (" + a + " against " + b + ")");
                }
            }
        }
    }

    static List<String> rotate(List<String> stores, int by) {
        List<String> order = new ArrayList<>(stores);
        java.util.Collections.rotate(order, -(by % Math.max(1, stores.size())));
        return order;
    }
}
