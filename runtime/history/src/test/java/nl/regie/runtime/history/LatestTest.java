package nl.regie.runtime.history;

import static nl.regie.runtime.history.HistoryStoreTest.BIN;
import static nl.regie.runtime.history.HistoryStoreTest.CLOCK;
import static nl.regie.runtime.history.HistoryStoreTest.INSIDE;
import static nl.regie.runtime.history.HistoryStoreTest.LAMP;
import static nl.regie.runtime.history.HistoryStoreTest.NOW;
import static nl.regie.runtime.history.HistoryStoreTest.OTHER_BIN;
import static nl.regie.runtime.history.HistoryStoreTest.OUTSIDE;
import static nl.regie.runtime.history.HistoryStoreTest.SETTINGS;
import static nl.regie.runtime.history.HistoryStoreTest.level;
import static nl.regie.runtime.history.HistoryStoreTest.reading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.history.Aggregate;
import nl.regie.runtime.spi.history.History;
import nl.regie.runtime.spi.history.HistoryLimitException;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.HistoryStatus;
import nl.regie.runtime.spi.history.Point;
import nl.regie.runtime.spi.history.Series;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HistoryStore#latest}, the city as it was at a time, on the real store; and the SPI's default
 * {@link History#latest}, built on {@code query}, over the same store gives the same answer.
 */
class LatestTest {

    /** Two hours before now: the readings before it are moved into the sorted table, the later ones stay hot. */
    private static final Instant START = NOW.minus(Duration.ofMinutes(150));

    @TempDir
    Path dir;

    private HistoryStore store;

    @BeforeEach
    void open() throws Exception {
        store = HistoryStore.open(dir.resolve("history.duckdb"), SETTINGS, CLOCK, message -> { });
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            Instant at = START.plus(Duration.ofMinutes(i));
            readings.add(level(BIN, i, at));
            readings.add(reading(BIN, "status", Value.of("minute " + i), at, INSIDE));
            readings.add(reading(BIN, "lidOpen", Value.of(i % 2 == 0), at, INSIDE));
        }
        readings.add(reading(OTHER_BIN, "fillingLevel", Value.of(0.7), START, OUTSIDE));
        readings.add(reading(LAMP, "dimLevel", Value.of(40), START, INSIDE));
        store.write(readings);
        assertTrue(store.moveClosedHours());
    }

    @AfterEach
    void close() throws SQLException {
        store.close();
    }

    private static HistoryQuery at(Instant time, Duration lookBack, BoundingBox bbox, Set<String> attributes,
            int maxSeries) {
        return HistoryQuery.ofType("WasteContainer", bbox, attributes, time.minus(lookBack), time.plusMillis(1), null,
                Aggregate.AVG, maxSeries);
    }

    @Test
    void eachSeriesGivesItsLastReadingAtOrBeforeTheTimeInTheMovedAndTheHotTable() throws Exception {
        // 10:30 is in a moved hour; the reading at exactly 10:30 (minute 60) counts, the one at 10:31 does not.
        Instant inMoved = START.plus(Duration.ofMinutes(60));
        List<Series> moved = store.lastReadings(at(inMoved, Duration.ofHours(1), null, Set.of(), 100));
        assertEquals(List.of("fillingLevel", "lidOpen", "status"), moved.stream()
                .filter(s -> s.entity().equals(BIN)).map(Series::attribute).toList());
        assertEquals(List.of(new Point(inMoved, Value.of(60.0))), moved.get(0).points());
        assertEquals(List.of(new Point(inMoved, Value.of(true))), moved.get(1).points());
        assertEquals(List.of(new Point(inMoved, Value.of("minute 60"))), moved.get(2).points());
        assertEquals("/", moved.get(0).unit());
        assertEquals(INSIDE, moved.get(0).location());
        // The other bin reported at START (09:30) only: found when the look-back reaches back to it.
        assertEquals(List.of(OTHER_BIN), store.lastReadings(at(inMoved, Duration.ofMinutes(60), null, Set.of(), 100))
                .stream().map(Series::entity).filter(e -> !e.equals(BIN)).distinct().toList());
        assertEquals(List.of(), store.lastReadings(at(inMoved, Duration.ofMinutes(59), null, Set.of(), 100))
                .stream().map(Series::entity).filter(e -> !e.equals(BIN)).distinct().toList());

        // Between two readings, in the hot table: the one before.
        Instant inHot = START.plus(Duration.ofMinutes(140)).plusSeconds(30);
        List<Series> hot = store.lastReadings(at(inHot, Duration.ofMinutes(5), null, Set.of("fillingLevel"), 100));
        assertEquals(List.of(new Point(START.plus(Duration.ofMinutes(140)), Value.of(140.0))), hot.get(0).points());
        assertEquals(1, hot.size());
    }

    @Test
    void nothingInTheLookBackIsNothingAndTheAreaAndTypeSelect() throws Exception {
        assertEquals(List.of(), store.lastReadings(at(START.minusSeconds(1), Duration.ofHours(1), null, Set.of(), 100)));
        List<Series> inside = store.lastReadings(at(START, Duration.ofMinutes(1), new BoundingBox(4.8, 52.3, 5.0, 52.4),
                Set.of(), 100));
        assertEquals(Set.of(BIN), inside.stream().map(Series::entity).collect(java.util.stream.Collectors.toSet()));
        assertEquals(List.of(LAMP), store.lastReadings(HistoryQuery.ofType("Streetlight", null, Set.of(), START,
                NOW, null, Aggregate.AVG, 10)).stream().map(Series::entity).toList());
    }

    @Test
    void whatIsWrittenAfterAQueryIsSeenByTheNextOne() throws Exception {
        // The page asks while the city reports: each answer must see every batch committed before it.
        HistoryQuery lamp = HistoryQuery.ofType("Streetlight", null, Set.of(), START, NOW.plusSeconds(1), null,
                Aggregate.AVG, 10);
        assertEquals(List.of(new Point(START, Value.of(40))), store.lastReadings(lamp).get(0).points());
        store.write(List.of(reading(LAMP, "dimLevel", Value.of(60), NOW, INSIDE)));
        assertEquals(List.of(new Point(NOW, Value.of(60))), store.lastReadings(lamp).get(0).points());
        assertEquals(2, store.query(lamp).get(0).points().size());
    }

    @Test
    void moreSeriesThanTheLimitIsRefusedNotCut() {
        HistoryLimitException e = assertThrows(HistoryLimitException.class,
                () -> store.lastReadings(at(START, Duration.ofMinutes(1), null, Set.of(), 3)));
        assertEquals(3, e.limit());
    }

    @Test
    void theSpisDefaultOverTheStoresQueryAgreesWithTheStore() throws Exception {
        History byQuery = new History() {
            @Override
            public List<Series> query(HistoryQuery query) {
                try {
                    return store.query(query);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public boolean knows(EntityId entity) {
                return store.knows(entity);
            }

            @Override
            public HistoryStatus status() {
                return new HistoryStatus(0, 0, 0, 0, 0, null);
            }
        };
        for (Instant time : List.of(START, START.plus(Duration.ofMinutes(60)), NOW.minusSeconds(1))) {
            HistoryQuery query = at(time, Duration.ofMinutes(70), null, Set.of(), 100);
            assertEquals(store.lastReadings(query), byQuery.latest(query), time.toString());
        }
        assertThrows(HistoryLimitException.class, () -> byQuery.latest(at(START, Duration.ofMinutes(1), null,
                Set.of(), 3)));
    }
}
