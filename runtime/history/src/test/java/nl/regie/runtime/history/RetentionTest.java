package nl.regie.runtime.history;

import static nl.regie.runtime.history.HistoryStoreTest.CLOCK;
import static nl.regie.runtime.history.HistoryStoreTest.NOW;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.history.Aggregate;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.Series;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention and downsampling per type, on the store's explicit clock: the readings are dated from it. */
class RetentionTest {

    static final EntityId BIN = EntityId.of("WasteContainer", "bin-1");
    static final EntityId LAMP = EntityId.of("Streetlight", "lamp-1");

    @TempDir
    Path dir;

    @Test
    void rawReadingsAndRollupsAreKeptAsLongAsTheirTypeSays() throws Exception {
        RetentionPolicy policy = RetentionPolicy.parse(7, 90, new String[] {"Streetlight rawDays=2 rollupDays=3"});
        try (HistoryStore store = HistoryStore.open(dir.resolve("history.duckdb"), HistoryStoreTest.SETTINGS, CLOCK,
                m -> { })) {
            List<Reading> readings = new ArrayList<>();
            for (int d = 0; d < 10; d++) {
                Instant at = NOW.minus(Duration.ofDays(d)).minus(Duration.ofMinutes(30));
                readings.add(HistoryStoreTest.level(BIN, d, at));
                readings.add(new Reading(LAMP, "dimLevel", Value.of(d), "/", at, at, "device-2", null));
            }
            store.write(readings);
            store.maintain(NOW, policy);

            assertEquals(7, rawPoints(store, BIN), "WasteContainer: raw readings of the last 7 days");
            assertEquals(2, rawPoints(store, LAMP), "Streetlight: raw readings of the last 2 days");
            assertEquals(10, dailyBuckets(store, BIN), "WasteContainer: rollups of 90 days cover all 10 days");
            assertEquals(3, dailyBuckets(store, LAMP), "Streetlight: rollups of the last 3 days");
            // What the buckets hold survives the raw readings' deletion.
            Series days = store.query(HistoryQuery.ofEntity(BIN, Set.of(), NOW.minus(Duration.ofDays(11)), NOW,
                    Duration.ofDays(1), Aggregate.MAX, 100)).get(0);
            assertEquals(Value.of(9.0), days.points().get(0).value());
        }
    }

    @Test
    void aLaterClockDeletesMoreAndNothingIsDeletedBeforeItIsRolledUp() throws Exception {
        RetentionPolicy policy = RetentionPolicy.parse(1, 2, new String[0]);
        try (HistoryStore store = HistoryStore.open(null, HistoryStoreTest.SETTINGS, CLOCK, m -> { })) {
            Instant at = NOW.minus(Duration.ofMinutes(10));
            store.write(List.of(HistoryStoreTest.level(BIN, 1, at)));
            // Asked as of three days later: the reading is past both periods, but not yet moved (its hour is open
            // by the store's clock), so it is kept rather than lost un-rolled-up.
            store.maintain(NOW.plus(Duration.ofDays(3)), policy);
            assertEquals(1, rawPoints(store, BIN));
        }
    }

    @Test
    void badEntriesAreRefusedNamingThem() {
        assertEquals(Duration.ofDays(2), RetentionPolicy.parse(7, 90, new String[] {" Streetlight rawDays=2 "})
                .of("Streetlight").raw());
        assertEquals(Duration.ofDays(90), RetentionPolicy.parse(7, 90, new String[] {"Streetlight rawDays=2"})
                .of("Streetlight").rollups());
        assertEquals(Duration.ofDays(7), RetentionPolicy.parse(7, 90, new String[] {"Streetlight rawDays=2"})
                .of("WasteContainer").raw());
        for (String[] bad : List.of(new String[] {"streetlight rawDays=2"}, new String[] {"Streetlight raw=2"},
                new String[] {"Streetlight rawDays=two"}, new String[] {"Streetlight rawDays=0"},
                new String[] {"Streetlight rawDays"}, new String[] {"Streetlight rawDays=1", "Streetlight rawDays=2"})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RetentionPolicy.parse(7, 90, bad));
            assertTrue(e.getMessage().contains("typeRetention"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RetentionPolicy.parse(0, 90, null))
                .getMessage().contains("rawDays"));
    }

    private static int rawPoints(HistoryStore store, EntityId entity) throws Exception {
        List<Series> series = store.query(HistoryQuery.ofEntity(entity, Set.of(), NOW.minus(Duration.ofDays(30)),
                NOW.plus(Duration.ofDays(5)), null, Aggregate.AVG, 1000));
        return series.isEmpty() ? 0 : series.get(0).points().size();
    }

    private static int dailyBuckets(HistoryStore store, EntityId entity) throws Exception {
        List<Series> series = store.query(HistoryQuery.ofEntity(entity, Set.of(), NOW.minus(Duration.ofDays(30)),
                NOW, Duration.ofDays(1), Aggregate.COUNT, 1000));
        return series.isEmpty() ? 0 : series.get(0).points().size();
    }
}
