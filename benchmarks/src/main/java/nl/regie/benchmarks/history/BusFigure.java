package nl.regie.benchmarks.history;

import java.util.Locale;

import nl.regie.api.model.Reading;
import nl.regie.runtime.testing.PostgresCluster;

/** The bus figure ({@link BusLoad}) for each store, in rotated order each run, each into a fresh store. */
final class BusFigure {

    private BusFigure() {
    }

    static void run(Options options, Reading[] readings, PostgresCluster cluster, Figures figures) throws Exception {
        figures.measure("bus-ratio", "Bus rate with the history writer / alone", "%.2f", true);
        figures.measure("bus-alone", "Bus rate alone, readings/s", "%,.0f", true);
        figures.measure("bus-stream", "Bus rate with the city stream to a counting subscriber, readings/s", "%,.0f", true);
        figures.measure("bus-history", "Bus rate with the city stream to the history writer, readings/s", "%,.0f", true);
        figures.measure("bus-written", "History written while the bus runs flat out, readings/s", "%,.0f", true);
        figures.measure("bus-dropped", "Readings the history writer's queue dropped", "%.0f", false);
        for (int run = 1; run <= options.runs(); run++) {
            for (String name : StoreFigure.rotate(options.stores(), run - 1)) {
                String location = Candidates.fresh(name, options.dir(), cluster);
                try (HistoryStore store = Candidates.open(name, location)) {
                    BusLoad.Result r = BusLoad.run(store, readings, options.busRate(), options.busSeconds(),
                            options.batch(), options.busQueue());
                    System.out.printf(Locale.ROOT, "run %d %-12s bus alone %,11.0f/s, with the stream %,11.0f/s, with"
                            + " history %,11.0f/s, alone after %,11.0f/s: ratio %.2f; offered %,.0f/s, written %,.0f/s,"
                            + " dropped %d, drained %.0f ms after the stream stopped%s%n", run, name, r.alone(),
                            r.withStream(), r.withHistory(), r.aloneAfter(), r.ratio(), r.offeredRate(), r.writtenRate(),
                            r.dropped(), r.drainMillis(), r.problem() == null ? "" : "  PROBLEM: " + r.problem());
                    figures.add("bus-ratio", name, r.ratio());
                    figures.add("bus-alone", name, (r.alone() + r.aloneAfter()) / 2);
                    figures.add("bus-stream", name, r.withStream());
                    figures.add("bus-history", name, r.withHistory());
                    figures.add("bus-written", name, r.writtenRate());
                    figures.add("bus-dropped", name, r.dropped());
                } finally {
                    Candidates.remove(name, location, cluster);
                }
            }
        }
    }

    /** How many readings the bus figure needs: two phases at the rate, with room. */
    static int readingsNeeded(Options options) {
        return (int) Math.min(Integer.MAX_VALUE - 8, (long) options.busRate() * options.busSeconds() * 3 + 4L * options.batch()
                + 70_000);
    }

}
