package nl.regie.runtime.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.history.Aggregate;
import nl.regie.runtime.spi.history.HistoryLimitException;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.Point;
import nl.regie.runtime.spi.history.Series;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} must do alike, run against each for real ({@link DuckDbStoreContractTest},
 * {@link PostgresStoreContractTest}): raw readings and their kinds, the range and attribute filters, buckets of every
 * aggregate across rolled-up hours and recent readings, type and area queries, the limits, retention per type, and a
 * store opened again keeping what it had. On a fixed clock: today's date never matters.
 */
abstract class StoreContractTest {

    static final Instant NOW = Instant.parse("2031-05-04T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final EntityId BIN = EntityId.of("WasteContainer", "bin-1");
    static final EntityId OTHER_BIN = EntityId.of("WasteContainer", "bin-2");
    static final EntityId LAMP = EntityId.of("Streetlight", "lamp-1");
    static final Location INSIDE = Location.of(4.90, 52.37);
    static final Location OUTSIDE = Location.of(5.50, 52.00);

    protected final List<String> warnings = new ArrayList<>();
    protected Store store;

    /** Opens the store under test: a new one the first time in a test, the same one again after a close. */
    protected abstract Store open() throws Exception;

    @AfterEach
    void closeStore() throws Exception {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    private Store reopen() throws Exception {
        store.close();
        store = null;
        store = open();
        return store;
    }

    static Reading reading(EntityId entity, String attribute, Value value, Instant at, Location location) {
        return new Reading(entity, attribute, value, attribute.equals("fillingLevel") ? "/" : "", at, at, "device-1",
                location);
    }

    static Reading level(EntityId entity, double value, Instant at) {
        return reading(entity, "fillingLevel", Value.of(value), at, INSIDE);
    }

    static HistoryQuery raw(EntityId entity, Instant from, Instant to) {
        return HistoryQuery.ofEntity(entity, Set.of(), from, to, null, Aggregate.AVG, 10_000);
    }

    static List<Double> numbers(List<Point> points) {
        return points.stream().map(p -> ((Value.Number) p.value()).value()).toList();
    }

    @Test
    void readingsComeBackPerSeriesInTimeOrderWithTheirKinds() throws Exception {
        store = open();
        Instant t = NOW.minus(Duration.ofMinutes(30));
        store.write(List.of(level(BIN, 0.5, t.plusSeconds(20)), level(BIN, 0.4, t),
                reading(BIN, "status", Value.of("ok\tfine\\ \"quoted\"\nnext"), t.plusSeconds(5), INSIDE),
                reading(BIN, "lidOpen", Value.of(true), t.plusSeconds(7), INSIDE),
                level(OTHER_BIN, 0.9, t)));
        store.write(List.of(level(BIN, 0.6, t.plusSeconds(40))));

        List<Series> series = store.query(raw(BIN, t, t.plusSeconds(60)));

        assertEquals(List.of("fillingLevel", "lidOpen", "status"), series.stream().map(Series::attribute).toList());
        Series level = series.get(0);
        assertEquals("/", level.unit());
        assertEquals("device-1", level.source());
        assertEquals(INSIDE, level.location());
        assertEquals(List.of(new Point(t, Value.of(0.4)), new Point(t.plusSeconds(20), Value.of(0.5)),
                new Point(t.plusSeconds(40), Value.of(0.6))), level.points());
        assertEquals(List.of(new Point(t.plusSeconds(7), Value.of(true))), series.get(1).points());
        assertEquals(List.of(new Point(t.plusSeconds(5), Value.of("ok\tfine\\ \"quoted\"\nnext"))),
                series.get(2).points(), "text comes back as it was, tabs, backslashes and line breaks included");
        assertTrue(store.knows(BIN));
        assertFalse(store.knows(LAMP));
        assertEquals(4, store.seriesCount(), "three series of the bin, one of the other");
        assertEquals(List.of(), store.query(raw(LAMP, t, t.plusSeconds(60))));
    }

    @Test
    void theRangeIsFromInclusiveToExclusiveAndAttributesFilter() throws Exception {
        store = open();
        Instant t = NOW.minus(Duration.ofMinutes(10));
        store.write(List.of(level(BIN, 1, t), level(BIN, 2, t.plusSeconds(10)),
                reading(BIN, "temperature", Value.of(20), t, INSIDE)));

        List<Series> series = store.query(HistoryQuery.ofEntity(BIN, Set.of("fillingLevel"), t, t.plusSeconds(10),
                null, Aggregate.AVG, 100));

        assertEquals(1, series.size());
        assertEquals(List.of(new Point(t, Value.of(1.0))), series.get(0).points());
    }

    @Test
    void bucketsGiveEveryAggregateAcrossRolledUpHoursAndRecentReadings() throws Exception {
        store = open();
        // Two and a half hours of one reading a minute, value = minute index; the first two hours get rolled up.
        Instant start = NOW.minus(Duration.ofMinutes(150));
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            readings.add(level(BIN, i, start.plus(Duration.ofMinutes(i))));
        }
        store.write(readings);
        store.maintain(NOW, null);

        // Hourly buckets: 09:30-10:00 (30), 10:00-11:00 (60, rolled up), 11:00-12:00 (60, not yet).
        for (Aggregate aggregate : Aggregate.values()) {
            List<Point> points = store.query(HistoryQuery.ofEntity(BIN, Set.of(), start, NOW, Duration.ofHours(1),
                    aggregate, 100)).get(0).points();
            assertEquals(List.of(Instant.parse("2031-05-04T09:00:00Z"), Instant.parse("2031-05-04T10:00:00Z"),
                    Instant.parse("2031-05-04T11:00:00Z")), points.stream().map(Point::time).toList(), aggregate.name());
            List<Double> expected = switch (aggregate) {
                case AVG -> List.of(14.5, 59.5, 119.5);
                case MIN -> List.of(0.0, 30.0, 90.0);
                case MAX -> List.of(29.0, 89.0, 149.0);
                case SUM -> List.of(435.0, 3570.0, 7170.0);
                case COUNT -> List.of(30.0, 60.0, 60.0);
                case LAST -> List.of(29.0, 89.0, 149.0);
            };
            assertEquals(expected, numbers(points), aggregate.name());
        }
        // A bucket shorter than a minute reads the raw readings.
        List<Point> fine = store.query(HistoryQuery.ofEntity(BIN, Set.of(), start, start.plusSeconds(120),
                Duration.ofSeconds(30), Aggregate.MAX, 100)).get(0).points();
        assertEquals(List.of(new Point(start, Value.of(0.0)), new Point(start.plusSeconds(60), Value.of(1.0))), fine);
        // And the raw readings of the rolled-up hours are still there.
        assertEquals(150, store.query(raw(BIN, start, NOW)).get(0).points().size());
    }

    @Test
    void textSeriesAreLeftOutOfBuckets() throws Exception {
        store = open();
        Instant t = NOW.minus(Duration.ofMinutes(5));
        store.write(List.of(reading(BIN, "status", Value.of("ok"), t, INSIDE), level(BIN, 0.5, t)));

        List<Series> series = store.query(HistoryQuery.ofEntity(BIN, Set.of(), t, NOW, Duration.ofMinutes(1),
                Aggregate.AVG, 100));

        assertEquals(List.of("fillingLevel"), series.stream().map(Series::attribute).toList());
    }

    @Test
    void aTypeQuerySelectsTheEntitiesInTheArea() throws Exception {
        store = open();
        Instant t = NOW.minus(Duration.ofMinutes(5));
        store.write(List.of(level(BIN, 0.5, t), reading(OTHER_BIN, "fillingLevel", Value.of(0.7), t, OUTSIDE),
                reading(LAMP, "dimLevel", Value.of(40), t, INSIDE)));

        List<Series> inside = store.query(HistoryQuery.ofType("WasteContainer", new BoundingBox(4.8, 52.3, 5.0, 52.4),
                Set.of(), t, NOW, null, Aggregate.AVG, 100));
        List<Series> all = store.query(HistoryQuery.ofType("WasteContainer", null, Set.of(), t, NOW,
                Duration.ofMinutes(5), Aggregate.AVG, 100));

        assertEquals(List.of(BIN), inside.stream().map(Series::entity).toList());
        assertEquals(List.of(BIN, OTHER_BIN), all.stream().map(Series::entity).toList());
        assertEquals(List.of(0.5, 0.7), all.stream().map(s -> numbers(s.points()).get(0)).toList());
    }

    @Test
    void aTypeQueryOverMoreSeriesThanAreListedSelectsByTypeAndArea() throws Exception {
        store = open();
        // More series than a query lists by number: the store selects them by type and area itself.
        int count = HistoryStore.MAX_LISTED_SERIES + 50;
        Instant start = NOW.minus(Duration.ofMinutes(150));
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EntityId bin = EntityId.of("WasteContainer", "many-" + i);
            Location where = i % 2 == 0 ? INSIDE : OUTSIDE;
            readings.add(reading(bin, "fillingLevel", Value.of(i), start, where));
            readings.add(reading(bin, "fillingLevel", Value.of(i + 1), NOW.minusSeconds(30), where));
            readings.add(reading(bin, "status", Value.of("ok"), NOW.minusSeconds(30), where));
        }
        readings.add(reading(LAMP, "dimLevel", Value.of(40), NOW.minusSeconds(30), INSIDE));
        store.write(readings);
        store.maintain(NOW, null);
        BoundingBox area = new BoundingBox(4.8, 52.3, 5.0, 52.4);

        List<Series> raw = store.query(HistoryQuery.ofType("WasteContainer", area, Set.of(), start, NOW, null,
                Aggregate.AVG, 10_000));
        List<Series> hourly = store.query(HistoryQuery.ofType("WasteContainer", area, Set.of("fillingLevel"), start,
                NOW, Duration.ofHours(1), Aggregate.SUM, 10_000));
        List<Series> fine = store.query(HistoryQuery.ofType("WasteContainer", area, Set.of(), NOW.minusSeconds(60),
                NOW, Duration.ofSeconds(30), Aggregate.MAX, 10_000));

        assertEquals(count, raw.size(), "both attributes of the bins inside");
        assertTrue(raw.stream().allMatch(r -> r.location().equals(INSIDE)));
        assertEquals(count / 2, hourly.size());
        // Bin 0: 0 in the rolled-up 09:00 hour, 1 in the open 11:00 hour.
        Series first = hourly.stream().filter(h -> h.entity().localId().equals("many-0")).findFirst().orElseThrow();
        assertEquals(List.of(0.0, 1.0), numbers(first.points()));
        assertEquals(count / 2, fine.size(), "text left out of buckets");
    }

    @Test
    void moreRawPointsThanTheLimitIsRefusedNotTruncated() throws Exception {
        store = open();
        Instant t = NOW.minus(Duration.ofHours(1));
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            readings.add(level(BIN, i, t.plusSeconds(i)));
        }
        store.write(readings);

        HistoryLimitException e = assertThrows(HistoryLimitException.class, () -> store.query(
                HistoryQuery.ofEntity(BIN, Set.of(), t, NOW, null, Aggregate.AVG, 100)));
        assertEquals(100, e.limit());
        assertEquals(101, store.query(HistoryQuery.ofEntity(BIN, Set.of(), t, NOW, null, Aggregate.AVG, 101))
                .get(0).points().size());
        // Buckets: refused before any work when the range holds more buckets than the limit.
        assertThrows(HistoryLimitException.class, () -> store.query(HistoryQuery.ofEntity(BIN, Set.of(),
                t.minus(Duration.ofDays(1)), NOW, Duration.ofMinutes(1), Aggregate.AVG, 1000)));
    }

    @Test
    void rawReadingsAndRollupsAreKeptAsLongAsTheirTypeSays() throws Exception {
        RetentionPolicy policy = RetentionPolicy.parse(7, 90, new String[] {"Streetlight rawDays=2 rollupDays=3"});
        store = open();
        List<Reading> readings = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            Instant at = NOW.minus(Duration.ofDays(d)).minus(Duration.ofMinutes(30));
            readings.add(level(BIN, d, at));
            readings.add(new Reading(LAMP, "dimLevel", Value.of(d), "/", at, at, "device-2", null));
        }
        store.write(readings);
        store.maintain(NOW, policy);

        assertEquals(7, rawPoints(BIN), "WasteContainer: raw readings of the last 7 days");
        assertEquals(2, rawPoints(LAMP), "Streetlight: raw readings of the last 2 days");
        assertEquals(10, dailyBuckets(BIN), "WasteContainer: rollups of 90 days cover all 10 days");
        assertEquals(3, dailyBuckets(LAMP), "Streetlight: rollups of the last 3 days");
        Series days = store.query(HistoryQuery.ofEntity(BIN, Set.of(), NOW.minus(Duration.ofDays(11)), NOW,
                Duration.ofDays(1), Aggregate.MAX, 100)).get(0);
        assertEquals(Value.of(9.0), days.points().get(0).value(), "what the buckets hold outlives the raw readings");
    }

    private int rawPoints(EntityId entity) throws Exception {
        List<Series> series = store.query(raw(entity, NOW.minus(Duration.ofDays(30)), NOW));
        return series.isEmpty() ? 0 : series.get(0).points().size();
    }

    private int dailyBuckets(EntityId entity) throws Exception {
        List<Series> series = store.query(HistoryQuery.ofEntity(entity, Set.of(), NOW.minus(Duration.ofDays(30)), NOW,
                Duration.ofDays(1), Aggregate.COUNT, 100));
        return series.isEmpty() ? 0 : series.get(0).points().size();
    }

    @Test
    void whatWasWrittenOutlivesAReopenWithTheSameSeriesAndRollups() throws Exception {
        store = open();
        Instant start = NOW.minus(Duration.ofMinutes(150));
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            readings.add(level(BIN, i, start.plus(Duration.ofMinutes(i))));
        }
        store.write(readings);
        store.maintain(NOW, null);
        HistoryQuery hourly = HistoryQuery.ofEntity(BIN, Set.of(), start, NOW, Duration.ofHours(1), Aggregate.SUM, 100);
        List<Series> before = store.query(hourly);

        reopen();
        store.write(List.of(level(BIN, 1000, NOW.minusSeconds(1))));

        assertTrue(store.knows(BIN));
        assertEquals(1, store.seriesCount(), "one series, not a second one for the same key");
        List<Series> raw = store.query(raw(BIN, start, NOW));
        assertEquals(1, raw.size());
        assertEquals(151, raw.get(0).points().size());
        List<Double> sums = numbers(store.query(hourly).get(0).points());
        assertEquals(numbers(before.get(0).points()).subList(0, 2), sums.subList(0, 2),
                "the rolled-up hours answer as before");
        assertEquals(7170.0 + 1000, sums.get(2));
        assertEquals(List.of(), warnings);
    }
}
