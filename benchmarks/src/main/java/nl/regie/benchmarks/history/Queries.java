package nl.regie.benchmarks.history;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import nl.regie.api.model.Reading;

/**
 * The query figures: each kind of {@link Query} run {@code repeats} times with parameters drawn the same way for
 * every store (other entities, other hours), after a few untimed warm-up queries; p50 and p99 of the times. Every
 * answer must have rows; the first query of each kind is also checked against {@link Reference}'s answer, and a
 * digest of all answers lets the benchmark check that the stores agree on every one.
 */
final class Queries {

    record Result(Query.Kind kind, double p50Millis, double p99Millis, int repeats, double rowsPerQuery, double digest,
            String problem) {
    }

    private static final int WARM_UP = 3;

    private Queries() {
    }

    static List<Result> run(HistoryStore store, City city, Reading[] readings, int repeats, long seed)
            throws SQLException {
        long span = city.spanMillis(readings.length);
        List<Result> results = new ArrayList<>();
        for (Query.Kind kind : Query.Kind.values()) {
            int n = kind == Query.Kind.AREA_ENTITIES || kind == Query.Kind.AREA_BUCKETS ? Math.max(5, repeats / 3) : repeats;
            List<Query> queries = Query.draw(kind, city, span, n + WARM_UP, seed);
            String problem = null;
            double[] millis = new double[n];
            long rows = 0;
            double digest = 0;
            for (int i = 0; i < queries.size(); i++) {
                Query query = queries.get(i);
                long start = System.nanoTime();
                List<Row> answer = store.query(query);
                long took = System.nanoTime() - start;
                if (answer.isEmpty() && problem == null) {
                    problem = "no rows for " + query;
                }
                if (i == 0) {
                    String difference = Reference.difference(Reference.answer(readings, query), answer);
                    if (difference != null) {
                        problem = "wrong answer to " + query + ": " + difference;
                    }
                }
                if (i >= WARM_UP) {
                    millis[i - WARM_UP] = took / 1e6;
                    rows += answer.size();
                    for (Row row : answer) {
                        digest += row.count() + row.avg() * row.count();
                    }
                }
            }
            double[] sorted = Stats.sorted(millis);
            results.add(new Result(kind, Stats.percentile(sorted, 0.5), Stats.percentile(sorted, 0.99), n,
                    rows / (double) n, digest, problem));
        }
        return results;
    }
}
