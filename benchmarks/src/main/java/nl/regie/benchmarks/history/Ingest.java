package nl.regie.benchmarks.history;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

import nl.regie.api.model.Reading;

/**
 * Ingest as the history writer will do it: one thread, readings in batches of {@code batch}, one transaction each,
 * as fast as the store takes them. Reports the sustained rate over all of them, the rate over the first and the
 * last tenth (a store that slows as it grows shows it there), and the slowest commits (what a bus subscriber's
 * queue has to absorb).
 */
final class Ingest {

    record Result(long readings, double seconds, double firstTenthRate, double lastTenthRate, double p99BatchMillis,
            double maxBatchMillis) {

        double rate() {
            return readings / seconds;
        }
    }

    private Ingest() {
    }

    static Result run(HistoryStore store, Reading[] readings, int batch) throws SQLException {
        List<Reading> all = Arrays.asList(readings);
        int batches = (readings.length + batch - 1) / batch;
        double[] batchMillis = new double[batches];
        int tenth = Math.max(1, batches / 10);
        long start = System.nanoTime();
        long firstTenthEnd = 0;
        long lastTenthStart = 0;
        for (int b = 0; b < batches; b++) {
            if (b == batches - tenth) {
                lastTenthStart = System.nanoTime();
            }
            long t = System.nanoTime();
            store.write(all.subList(b * batch, Math.min(readings.length, (b + 1) * batch)));
            long done = System.nanoTime();
            batchMillis[b] = (done - t) / 1e6;
            if (b == tenth - 1) {
                firstTenthEnd = done;
            }
        }
        long end = System.nanoTime();
        Arrays.sort(batchMillis);
        double tenthReadings = (double) tenth * batch;
        return new Result(readings.length, (end - start) / 1e9, tenthReadings / ((firstTenthEnd - start) / 1e9),
                tenthReadings / ((end - lastTenthStart) / 1e9), Stats.percentile(batchMillis, 0.99),
                batchMillis[batchMillis.length - 1]);
    }
}
