package nl.regie.benchmarks.history;

import java.util.Locale;

import nl.regie.runtime.testing.PostgresCluster;

/** The crash figure ({@link CrashProbe}) for each store, in rotated order each run, each into a fresh store. */
final class CrashFigure {

    private CrashFigure() {
    }

    static void run(Options options, PostgresCluster cluster, Figures figures) throws Exception {
        figures.measure("crash-lost", "Crash: acknowledged readings lost", "%.0f", false);
        figures.measure("crash-reopen", "Crash: reopen after SIGKILL, ms", "%.0f", false);
        for (int run = 1; run <= options.runs(); run++) {
            for (String name : StoreFigure.rotate(options.stores(), run - 1)) {
                String location = Candidates.fresh(name, options.dir(), cluster);
                try {
                    CrashProbe.Result r = CrashProbe.run(name, location, options.crashAfter(), options.batch());
                    System.out.printf(Locale.ROOT, "run %d %-12s killed after %,d acknowledged: reopened in %.0f ms,"
                            + " integrity %s, %,d present (%,d acknowledged lost, %,d more than acknowledged), whole"
                            + " transactions only: %s, writable after: %s%n", run, name, r.acknowledged(),
                            r.reopenMillis(), r.integrity(), r.present(), r.lost(),
                            Math.max(0, r.present() - r.acknowledged()), r.wholeBatches() ? "yes" : "NO",
                            r.writableAfter() ? "yes" : "NO");
                    figures.add("crash-lost", name, r.lost());
                    figures.add("crash-reopen", name, r.reopenMillis());
                } finally {
                    Candidates.remove(name, location, cluster);
                }
            }
        }
    }
}
