package nl.regie.benchmarks.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import nl.regie.api.model.Reading;
import nl.regie.runtime.testing.PostgresCluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The harness measures something real only if every store holds what was written and answers each query right:
 * each candidate, on the same small city, must hold every reading and give the reference answer to every query of
 * every kind; and the reference itself must be right where it can be counted by hand.
 */
class StoresAgreeTest {

    private static final City CITY = new City(0.02);
    private static final Reading[] READINGS = CITY.readings(40_000);
    private static PostgresCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() throws Exception {
        if (PostgresCluster.available()) {
            cluster = PostgresCluster.start();
        }
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "sqlite-rowid", "duckdb", "duckdb-plain", "h2", "postgres"})
    void everyStoreHoldsEveryReadingAndGivesTheReferenceAnswer(String name) throws Exception {
        if (name.equals("postgres") && cluster == null) {
            // Skipped on a developer's machine without it; on CI (CI=true) a missing PostgreSQL fails, never passes.
            assertFalse("true".equals(System.getenv("CI")), "PostgreSQL is not installed: .ci/run installs Debian's package");
            assumeTrue(false, "PostgreSQL is not installed (Debian: apt-get install postgresql)");
        }
        String location = name.equals("postgres") ? cluster.newDatabase() : Files.createDirectory(dir.resolve(name)).toString();
        try (HistoryStore store = Candidates.open(name, location)) {
            List<Reading> all = Arrays.asList(READINGS);
            for (int from = 0; from < READINGS.length; from += 3000) {
                store.write(all.subList(from, Math.min(READINGS.length, from + 3000)));
            }
            assertEquals(READINGS.length, store.count());
            long span = CITY.spanMillis(READINGS.length);
            for (Query.Kind kind : Query.Kind.values()) {
                for (Query query : Query.draw(kind, CITY, span, 4, 11)) {
                    List<Row> expected = Reference.answer(READINGS, query);
                    assertTrue(!expected.isEmpty(), "the reference has rows for " + query);
                    assertNull(Reference.difference(expected, store.query(query)), name + ": " + query);
                }
            }
        }
        // And it opens again with what it had.
        try (HistoryStore store = Candidates.open(name, location)) {
            assertEquals(READINGS.length, store.count());
            assertEquals("ok", store.integrity());
        }
    }

    @Test
    void theReferenceCountsOneReadingPerMinuteForAOneMinuteSeries() {
        long span = CITY.spanMillis(READINGS.length);
        Query day = Query.draw(Query.Kind.DAY, CITY, span, 1, 3).get(0);
        List<Row> rows = Reference.answer(READINGS, day);
        // A traffic counter reports every minute: one reading per one-minute bucket, for every whole minute written.
        assertTrue(rows.size() >= span / City.MINUTE - 1 && rows.size() <= span / City.MINUTE + 1, rows.size() + " rows");
        assertTrue(rows.stream().allMatch(r -> r.count() == 1));
        Query hour = Query.draw(Query.Kind.RAW_HOUR, CITY, span, 1, 3).get(0);
        assertEquals(60, Reference.answer(READINGS, hour).size());
    }

    @Test
    void theCityHasTheMixItClaims() {
        City full = new City(1.0);
        assertEquals(10_000, full.entities().size());
        assertEquals(6_900, full.readingsPerMinute());
        assertTrue(full.spanMillis(10_000_000) > 24 * Query.HOUR, "10 million readings are a whole day");
    }
}
