package nl.regie.runtime.history;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.history.Aggregate;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.HistoryStatus;
import nl.regie.runtime.testing.PostgresCluster;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history component configured with {@code store = postgresql}, on the real bus and a throwaway PostgreSQL
 * cluster: readings published on the bus land in the database and outlive the component; a server that is down when
 * the component starts fails nothing, the status says why, and what was published meanwhile is written once it is
 * back.
 */
class HistoryOnPostgresTest {

    static final Instant NOW = Instant.parse("2031-05-04T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final Owner RUNTIME = new Owner("nl.regie.runtime", "0.1.0", 1);
    static final EntityId BIN = EntityId.of("WasteContainer", "bin-1");

    private static PostgresCluster cluster;

    @TempDir
    Path dir;

    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(new BusSettings(10_000, Duration.ofSeconds(30), 10), log.logger());
    private HistoryComponent history;
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

    @AfterEach
    void stop() throws Exception {
        if (history != null) {
            history.close();
        }
        bus.close();
    }

    private HistoryComponent start(Map<String, Object> config) throws Exception {
        return new HistoryComponent(bus, RUNTIME, dir, HistoryComponent.config(config), CLOCK, log.logger());
    }

    private void publish(int from, int to) {
        for (int i = from; i < to; i++) {
            Instant at = NOW.minus(Duration.ofMinutes(100 - i));
            bus.publish("bin-device", new Reading(BIN, "fillingLevel", Value.of(i / 100.0), "/", at, at, "bin-device",
                    Location.of(4.90, 52.37)));
        }
    }

    private int points() {
        return history.query(HistoryQuery.ofEntity(BIN, Set.of(), NOW.minus(Duration.ofDays(1)), NOW, null,
                Aggregate.AVG, 1000)).stream().mapToInt(s -> s.points().size()).sum();
    }

    @Test
    void readingsOnTheBusLandInPostgresqlAndOutliveTheComponent() throws Exception {
        history = start(Map.of("store", "postgresql", "url", url));
        publish(0, 100);

        await().atMost(Duration.ofSeconds(30)).until(() -> history.status().written() == 100);
        HistoryStatus status = history.status();
        assertNull(status.problem());
        assertTrue(status.store().startsWith("PostgreSQL ") && status.store().contains("/history"), status.store());
        assertTrue(log.entries().stream().anyMatch(e -> e.level().equals("info")
                && e.message().contains("History kept in PostgreSQL")), log.entries()::toString);
        assertEquals(100, points());
        // Buckets over the rolled-up hours and the recent readings, as with DuckDB.
        assertEquals(List.of(100.0), history.query(HistoryQuery.ofEntity(BIN, Set.of(), NOW.minus(Duration.ofDays(1)),
                NOW, Duration.ofDays(1), Aggregate.COUNT, 10)).get(0).points().stream()
                .map(p -> ((Value.Number) p.value()).value()).toList());

        history.close();
        history = start(Map.of("store", "postgresql", "url", url));
        assertTrue(history.knows(BIN));
        assertEquals(100, points(), "the database keeps them across a restart");
    }

    @Test
    void aServerDownAtTheStartIsReportedAndWhatWasPublishedIsWrittenOnceItIsBack() throws Exception {
        cluster.stopServer();
        try {
            history = start(Map.of("store", "postgresql", "url", url));
            publish(0, 50);

            HistoryStatus down = history.status();
            assertTrue(down.problem() != null && down.problem().contains("cannot connect to the history's PostgreSQL"),
                    String.valueOf(down.problem()));
            assertTrue(down.store().startsWith("PostgreSQL at 127.0.0.1:" + cluster.port()), down.store());
            IllegalStateException query = assertThrows(IllegalStateException.class, this::points);
            assertTrue(query.getMessage().contains("cannot connect"), query.getMessage());
            assertTrue(log.entries().stream().anyMatch(e -> e.level().equals("error")
                    && e.message().contains("cannot connect")), log.entries()::toString);
        } finally {
            cluster.startAgain();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> history.status().written() == 50);
        assertEquals(0, history.status().dropped());
        assertEquals(50, points());
    }

    @Test
    void aConfigurationThatNamesPostgresqlLaterMovesTheHistoryThereAtOnce() throws Exception {
        // As in the launcher: the component starts on its defaults, and the config folder's file arrives after.
        history = start(Map.of());
        publish(0, 10);
        await().atMost(Duration.ofSeconds(30)).until(() -> history.status().written() == 10);
        assertTrue(history.status().store().startsWith("DuckDB in "), history.status().store());

        history.modified(HistoryComponent.config(Map.of("store", "mongodb")));
        assertTrue(history.status().store().startsWith("DuckDB in "), "a store that does not open changes nothing");
        assertTrue(log.entries().stream().anyMatch(e -> e.level().equals("error")
                && e.message().contains("Refused the history's new store")), log.entries()::toString);

        history.modified(HistoryComponent.config(Map.of("store", "postgresql", "url", url)));
        assertTrue(history.status().store().startsWith("PostgreSQL "), history.status().store());
        publish(10, 30);
        await().atMost(Duration.ofSeconds(30)).until(() -> history.status().written() == 20);
        assertEquals(20, points(), "the readings after the move are in PostgreSQL");
        assertTrue(log.entries().stream().anyMatch(e -> e.message().contains("The history moved to PostgreSQL")),
                log.entries()::toString);
    }

    @Test
    void startedBeforeItsConfigFileIsAppliedItWaitsAndNeverOpensDuckDb() throws Exception {
        // As the launcher starts it: no configuration yet, but the config folder holds a file for the PID.
        history = new HistoryComponent(bus, RUNTIME, dir, HistoryComponent.config(Map.of()), CLOCK, log.logger(),
                List.of("#"), dir.resolve("nl.regie.runtime.history.cfg"));
        publish(0, 10);
        assertTrue(history.status().store().contains("not chosen yet"), history.status().store());

        history.modified(HistoryComponent.config(Map.of("store", "postgresql", "url", url)));

        await().atMost(Duration.ofSeconds(30)).until(() -> history.status().written() == 10);
        assertTrue(history.status().store().startsWith("PostgreSQL "), history.status().store());
        assertEquals(10, points(), "the readings that came before the file are in PostgreSQL too");
        assertTrue(!Files.exists(dir.resolve("history.duckdb")), "DuckDB was never opened");
    }

    @Test
    void withoutItsConfigurationInTimeItKeepsTheHistoryInDuckDb() throws Exception {
        history = new HistoryComponent(bus, RUNTIME, dir, HistoryComponent.config(Map.of()), CLOCK, log.logger(),
                List.of("#"), dir.resolve("nl.regie.runtime.history.cfg"));
        publish(0, 10);

        await().atMost(HistoryComponent.CONFIG_WAIT.plusSeconds(30)).until(() -> history.status().written() == 10);
        assertTrue(history.status().store().startsWith("DuckDB in "), history.status().store());
        assertTrue(log.entries().stream().anyMatch(e -> e.level().equals("warn")
                && e.message().contains("was not applied within 10 s")), log.entries()::toString);
        assertEquals(10, points());
    }

    @Test
    void anUnknownStoreIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> start(Map.of("store", "mongodb")));
        assertTrue(e.getMessage().contains("must be duckdb or postgresql, was 'mongodb'"), e.getMessage());
    }
}
