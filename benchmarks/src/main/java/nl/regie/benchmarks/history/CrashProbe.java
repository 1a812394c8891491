package nl.regie.benchmarks.history;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import nl.regie.api.model.Reading;

/**
 * A crash mid-write: a child JVM writes readings into a fresh store as fast as it can, printing the count after
 * each commit (what the writer has acknowledged); once it has acknowledged {@code killAfter} readings the parent
 * kills it with SIGKILL, in the middle of its next batches. Then the parent opens the store: does it open, is it
 * intact, are the acknowledged readings all there, and did each transaction land whole or not at all (the count
 * must be a whole number of batches)? Last, it writes one more batch: is the store still writable?
 *
 * <p>For PostgreSQL the child is only the client; the server is not killed (its crash recovery is its own,
 * well-documented business) and the figure shows that the client's death loses nothing acknowledged.
 */
final class CrashProbe {

    record Result(long acknowledged, long present, double reopenMillis, String integrity, boolean wholeBatches,
            boolean writableAfter) {

        long lost() {
            return Math.max(0, acknowledged - present);
        }
    }

    private CrashProbe() {
    }

    /** Child: {@code CrashProbe STORE LOCATION READINGS BATCH}; prints "committed N" after each commit. */
    public static void main(String[] args) throws Exception {
        Reading[] readings = new City(1.0).readings(Integer.parseInt(args[2]));
        int batch = Integer.parseInt(args[3]);
        List<Reading> all = Arrays.asList(readings);
        try (HistoryStore store = Candidates.open(args[0], args[1])) {
            System.out.println("open");
            System.out.flush();
            for (int from = 0; from < readings.length; from += batch) {
                int to = Math.min(readings.length, from + batch);
                store.write(all.subList(from, to));
                System.out.println("committed " + to);
                System.out.flush();
            }
        }
        System.out.println("done");
    }

    /** Parent: runs a writer child against a fresh {@code location}, kills it, reopens the store. */
    static Result run(String store, String location, int killAfter, int batch) throws Exception {
        Process child = ChildJvm.start(CrashProbe.class, "2g",
                List.of(store, location, Integer.toString(killAfter * 3), Integer.toString(batch)));
        long acknowledged = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    acknowledged = Long.parseLong(line.substring(10));
                    if (acknowledged >= killAfter) {
                        child.destroyForcibly(); // SIGKILL on Linux
                        break;
                    }
                }
            }
        }
        child.waitFor(30, TimeUnit.SECONDS);
        if (acknowledged < killAfter) {
            throw new IllegalStateException("the writer for " + store + " ended before it was killed (exit "
                    + child.exitValue() + ", " + acknowledged + " acknowledged)");
        }
        long start = System.nanoTime();
        try (HistoryStore reopened = Candidates.open(store, location)) {
            double reopenMillis = (System.nanoTime() - start) / 1e6;
            String integrity = reopened.integrity();
            long present = reopened.count();
            boolean writable;
            try {
                Reading[] more = new City(1.0).readings((int) present + batch);
                reopened.write(Arrays.asList(more).subList((int) present, more.length));
                writable = reopened.count() == present + batch;
            } catch (Exception e) {
                writable = false;
            }
            return new Result(acknowledged, present, reopenMillis, integrity, present % batch == 0, writable);
        } catch (Exception e) {
            return new Result(acknowledged, -1, (System.nanoTime() - start) / 1e6, "does not open: " + e, false, false);
        }
    }
}
