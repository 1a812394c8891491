package nl.regie.runtime.history;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.history.Aggregate;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.HistoryStatus;
import nl.regie.runtime.testing.PostgresCluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract on PostgreSQL, a throwaway cluster of Debian's package (a new database per test), and what only a
 * server store has to get right: a server that is down or comes and goes, a login with a password file, a second
 * runtime on the same database, bad settings. Skipped without PostgreSQL installed; fails instead on CI.
 */
class PostgresStoreContractTest extends StoreContractTest {

    private static PostgresCluster cluster;

    @TempDir
    Path dir;

    private final List<String> infos = new ArrayList<>();
    private String url;

    @BeforeAll
    static void startCluster() throws Exception {
        PostgresCluster.assumeInstalled();
        cluster = PostgresCluster.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void newDatabase() throws Exception {
        url = cluster.newDatabase();
    }

    @Override
    protected Store open() {
        return open(new PostgresStore.Settings(url, "", null));
    }

    private PostgresStore open(PostgresStore.Settings settings) {
        return PostgresStore.open(settings, CLOCK, infos::add, warnings::add);
    }

    @Test
    void saysWhichLayoutItMadeInTheLogAndTheDescription() throws Exception {
        store = open();

        String description = store.description();
        assertTrue(description.startsWith("PostgreSQL "), description);
        // Debian's package has no TimescaleDB: plain tables; a server with it gets hypertables.
        assertTrue(description.contains("plain tables (BRIN on time, B-tree on series and time)")
                || description.contains("TimescaleDB"), description);
        assertTrue(infos.stream().anyMatch(i -> i.contains(description)), infos::toString);
        assertNull(store.problem());
    }

    @Test
    void aLateReadingLandsInItsBucketAfterItsHourWasRolledUp() throws Exception {
        store = open();
        Instant start = NOW.minus(Duration.ofMinutes(150));
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            readings.add(level(BIN, i, start.plus(Duration.ofMinutes(i))));
        }
        store.write(readings);
        store.maintain(NOW, null);
        assertEquals(Instant.parse("2031-05-04T11:00:00Z").toEpochMilli(), ((PostgresStore) store).movedUntil());

        // 10:15 was rolled up; a reading of it arrives now.
        store.write(List.of(level(BIN, 1000, Instant.parse("2031-05-04T10:15:30Z"))));

        HistoryQuery hour = HistoryQuery.ofEntity(BIN, Set.of(), Instant.parse("2031-05-04T10:00:00Z"),
                Instant.parse("2031-05-04T11:00:00Z"), Duration.ofHours(1), Aggregate.COUNT, 10);
        assertEquals(List.of(61.0), numbers(store.query(hour).get(0).points()));
        HistoryQuery minute = HistoryQuery.ofEntity(BIN, Set.of(), Instant.parse("2031-05-04T10:15:00Z"),
                Instant.parse("2031-05-04T10:16:00Z"), Duration.ofMinutes(1), Aggregate.MAX, 10);
        assertEquals(List.of(1000.0), numbers(store.query(minute).get(0).points()));
        assertEquals(151, store.query(raw(BIN, start, NOW)).get(0).points().size());
    }

    @Test
    void aServerThatIsDownFailsNothingAndSaysWhy() throws Exception {
        int nothing = PostgresCluster.freePort();
        PostgresStore down = open(new PostgresStore.Settings("jdbc:postgresql://127.0.0.1:" + nothing + "/history",
                "regie", null));
        store = down;

        assertTrue(down.problem().contains("cannot connect to the history's PostgreSQL at 127.0.0.1:" + nothing
                + "/history"), down.problem());
        assertEquals(1, warnings.size(), warnings::toString);
        assertThrows(StoreUnavailableException.class, () -> down.write(List.of(level(BIN, 1, NOW))));
        SQLException query = assertThrows(SQLException.class, () -> down.query(raw(BIN, NOW.minusSeconds(60), NOW)));
        assertTrue(query.getMessage().contains("cannot connect"), query.getMessage());
        warnings.clear();
    }

    @Test
    void badSettingsAreRefusedWithTheReasonAndNoPasswordIsTakenFromTheUrl() {
        PostgresStore notPostgres = open(new PostgresStore.Settings("jdbc:mysql://127.0.0.1/history", "", null));
        assertTrue(notPostgres.problem().contains("must be a PostgreSQL JDBC URL"), notPostgres.problem());
        PostgresStore password = open(new PostgresStore.Settings(url + "&password=secret", "", null));
        assertTrue(password.problem().contains("must not hold a password"), password.problem());
        PostgresStore missing = open(new PostgresStore.Settings(url, "", dir.resolve("no-such-file")));
        assertTrue(missing.problem().contains("passwordFile " + dir.resolve("no-such-file") + " cannot be read"),
                missing.problem());
        notPostgres.close();
        password.close();
        missing.close();
        warnings.clear();
    }

    @Test
    void aRoleLogsInWithThePasswordFromItsFileAndAWrongOneIsTold() throws Exception {
        String role = PostgresCluster.PASSWORD_ROLE;
        String database = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        cluster.execute(database, "DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role + " LOGIN PASSWORD 's3cret'",
                "GRANT CREATE ON DATABASE " + database + " TO " + role);
        String bare = url.substring(0, url.indexOf('?'));
        Path file = dir.resolve("history.password");
        Files.writeString(file, "wrong\n");

        PostgresStore wrong = open(new PostgresStore.Settings(bare, role, file));
        assertTrue(wrong.problem().contains("password authentication failed"), wrong.problem());
        wrong.close();

        Files.writeString(file, "s3cret\n");
        store = open(new PostgresStore.Settings(bare, role, file));
        assertNull(store.problem());
        store.write(List.of(level(BIN, 0.5, NOW.minusSeconds(5))));
        assertEquals(1, store.query(raw(BIN, NOW.minusSeconds(60), NOW)).size());
        warnings.clear();
    }

    @Test
    void aSecondRuntimeOnTheSameDatabaseIsToldAndTakesOverWhenTheFirstStops() throws Exception {
        store = open();
        PostgresStore second = open(new PostgresStore.Settings(url, "", null));
        assertTrue(second.problem().contains("another Regie runtime writes the history"), second.problem());
        assertThrows(StoreUnavailableException.class, () -> second.write(List.of(level(BIN, 1, NOW))));

        store.close();
        store = second;
        store.write(List.of(level(BIN, 2, NOW.minusSeconds(1))));
        assertNull(store.problem());
        warnings.clear();
    }

    @Test
    void theWriterKeepsWhatArrivesWhileTheServerIsDownAndWritesItWhenItIsBack() throws Exception {
        store = open();
        HistoryWriter writer = new HistoryWriter(store, 10_000, RetentionPolicy.DEFAULTS, CLOCK, warnings::add);
        try {
            writer.offer(level(BIN, 0, NOW.minusSeconds(100)));
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.status().written() == 1);

            cluster.stopServer();
            try {
                for (int i = 1; i <= 50; i++) {
                    writer.offer(level(BIN, i, NOW.minusSeconds(100 - i)));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> !writer.status().well());
                HistoryStatus behind = writer.status();
                assertTrue(behind.problem().contains("cannot be reached"), behind.problem());
                assertEquals(0, behind.dropped());
            } finally {
                cluster.startAgain();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.status().written() == 51);
            assertEquals(0, writer.status().dropped(), "nothing lost: the queue held it all");
            assertEquals(51, store.query(raw(BIN, NOW.minusSeconds(200), NOW)).get(0).points().size());
        } finally {
            writer.stop();
            store = null;
        }
        warnings.clear();
    }
}
