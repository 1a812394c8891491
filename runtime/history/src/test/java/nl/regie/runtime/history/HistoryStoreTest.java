package nl.regie.runtime.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;

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
import org.junit.jupiter.api.io.TempDir;

/** The DuckDB history store, for real, in a temporary folder, on a fixed clock: today's date never matters. */
class HistoryStoreTest {

    /** A fixed "now" for the store's clock; the readings are dated relative to it. */
    static final Instant NOW = Instant.parse("2031-05-04T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final EntityId BIN = EntityId.of("WasteContainer", "bin-1");
    static final EntityId OTHER_BIN = EntityId.of("WasteContainer", "bin-2");
    static final EntityId LAMP = EntityId.of("Streetlight", "lamp-1");
    static final Location INSIDE = Location.of(4.90, 52.37);
    static final Location OUTSIDE = Location.of(5.50, 52.00);
    static final HistoryStore.Settings SETTINGS = new HistoryStore.Settings(64, 1);

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();
    private HistoryStore store;

    @AfterEach
    void close() throws SQLException {
        if (store != null) {
            store.close();
        }
    }

    private HistoryStore open() throws Exception {
        store = HistoryStore.open(dir.resolve("history.duckdb"), SETTINGS, CLOCK, warnings::add);
        return store;
    }

    static Reading reading(EntityId entity, String attribute, Value value, Instant at, Location location) {
        return new Reading(entity, attribute, value, attribute.equals("fillingLevel") ? "/" : "", at, at, "device-1",
                location);
    }

    static Reading level(EntityId entity, double value, Instant at) {
        return reading(entity, "fillingLevel", Value.of(value), at, INSIDE);
    }

    private static HistoryQuery raw(EntityId entity, Instant from, Instant to) {
        return HistoryQuery.ofEntity(entity, Set.of(), from, to, null, Aggregate.AVG, 10_000);
    }

    @Test
    void readingsComeBackPerSeriesInTimeOrderWithTheirKinds() throws Exception {
        open();
        Instant t = NOW.minus(Duration.ofMinutes(30));
        store.write(List.of(level(BIN, 0.5, t.plusSeconds(20)), level(BIN, 0.4, t),
                reading(BIN, "status", Value.of("ok"), t.plusSeconds(5), INSIDE),
                reading(BIN, "lidOpen", Value.of(true), t.plusSeconds(7), INSIDE),
                level(OTHER_BIN, 0.9, t)));
        store.write(List.of(level(BIN, 0.6, t.plusSeconds(40))));

        List<Series> series = store.query(raw(BIN, t, t.plusSeconds(60)));

        assertEquals(List.of("fillingLevel", "lidOpen", "status"), series.stream().map(Series::attribute).toList());
        Series level = series.get(0);
        assertEquals("/", level.unit());
        assertEquals("device-1", level.source());
        assertEquals(List.of(new Point(t, Value.of(0.4)), new Point(t.plusSeconds(20), Value.of(0.5)),
                new Point(t.plusSeconds(40), Value.of(0.6))), level.points());
        assertEquals(List.of(new Point(t.plusSeconds(7), Value.of(true))), series.get(1).points());
        assertEquals(List.of(new Point(t.plusSeconds(5), Value.of("ok"))), series.get(2).points());
        assertTrue(store.knows(BIN));
        assertFalse(store.knows(LAMP));
        assertEquals(List.of(), store.query(raw(LAMP, t, t.plusSeconds(60))));
    }

    @Test
    void theRangeIsFromInclusiveToExclusiveAndAttributesFilter() throws Exception {
        open();
        Instant t = NOW.minus(Duration.ofMinutes(10));
        store.write(List.of(level(BIN, 1, t), level(BIN, 2, t.plusSeconds(10)),
                reading(BIN, "temperature", Value.of(20), t, INSIDE)));

        List<Series> series = store.query(HistoryQuery.ofEntity(BIN, Set.of("fillingLevel"), t, t.plusSeconds(10),
                null, Aggregate.AVG, 100));

        assertEquals(1, series.size());
        assertEquals(List.of(new Point(t, Value.of(1.0))), series.get(0).points());
    }

    @Test
    void bucketsGiveEveryAggregateAcrossMovedHoursAndTheHotTable() throws Exception {
        open();
        // Two and a half hours of one reading a minute, value = minute index; the first two hours get moved.
        Instant start = NOW.minus(Duration.ofMinutes(150));
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            readings.add(level(BIN, i, start.plus(Duration.ofMinutes(i))));
        }
        store.write(readings);
        assertTrue(store.moveClosedHours());
        assertEquals(Instant.parse("2031-05-04T11:00:00Z").toEpochMilli(), store.movedUntil());
        assertTrue(store.rollupRows() > 0);

        // Hourly buckets over the whole range: 09:30-10:00 (30), 10:00-11:00 (60, rolled up), 11:00-12:00 (60, hot).
        for (Aggregate aggregate : Aggregate.values()) {
            List<Point> points = store.query(HistoryQuery.ofEntity(BIN, Set.of(), start, NOW, Duration.ofHours(1),
                    aggregate, 100)).get(0).points();
            assertEquals(List.of(Instant.parse("2031-05-04T09:00:00Z"), Instant.parse("2031-05-04T10:00:00Z"),
                    Instant.parse("2031-05-04T11:00:00Z")), points.stream().map(Point::time).toList(), aggregate.name());
            List<Double> values = points.stream().map(p -> ((Value.Number) p.value()).value()).toList();
            List<Double> expected = switch (aggregate) {
                case AVG -> List.of(14.5, 59.5, 119.5);
                case MIN -> List.of(0.0, 30.0, 90.0);
                case MAX -> List.of(29.0, 89.0, 149.0);
                case SUM -> List.of(435.0, 3570.0, 7170.0);
                case COUNT -> List.of(30.0, 60.0, 60.0);
                case LAST -> List.of(29.0, 89.0, 149.0);
            };
            assertEquals(expected, values, aggregate.name());
        }
        // A bucket shorter than a minute reads the raw readings.
        List<Point> fine = store.query(HistoryQuery.ofEntity(BIN, Set.of(), start, start.plusSeconds(120),
                Duration.ofSeconds(30), Aggregate.MAX, 100)).get(0).points();
        assertEquals(List.of(new Point(start, Value.of(0.0)), new Point(start.plusSeconds(60), Value.of(1.0))), fine);
    }

    @Test
    void aClosedDaysRollupsAreRewrittenSortedBySeriesAndAnswerTheSame() throws Exception {
        open();
        // Two series, one reading every ten minutes for the 36 hours before NOW (noon): yesterday whole, which closes,
        // and today's morning.
        Instant start = NOW.minus(Duration.ofHours(36));
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 36 * 6; i++) {
            Instant at = start.plus(Duration.ofMinutes(10L * i));
            readings.add(level(BIN, i, at));
            readings.add(level(OTHER_BIN, -i, at));
        }
        store.write(readings);
        Instant yesterdayStart = Instant.parse("2031-05-03T00:00:00Z");
        HistoryQuery yesterday = HistoryQuery.ofEntity(BIN, Set.of(), yesterdayStart, yesterdayStart.plus(Duration.ofDays(1)),
                Duration.ofHours(6), Aggregate.SUM, 100);
        long rows;

        assertTrue(store.moveClosedHours());

        assertEquals(Instant.parse("2031-05-04T00:00:00Z").toEpochMilli(), store.compactedUntil());
        rows = store.rollupRows();
        assertEquals(36 * 6 * 2 - 6 * 2, rows, "every moved reading has its minute, the last open hour's not yet");
        List<Point> sums = store.query(yesterday).get(0).points();
        assertEquals(4, sums.size());
        // Yesterday's first six hours: readings 0 to 35.
        assertEquals(Value.of(35.0 * 36 / 2), sums.get(0).value());
        store.close();
        store = null;
        open();
        assertEquals(Instant.parse("2031-05-04T00:00:00Z").toEpochMilli(), store.compactedUntil(), "kept in the store");
        assertEquals(rows, store.rollupRows());
    }

    @Test
    void theMinuteRollupsOfSeriesInDifferentTablesAnswerTogether() throws Exception {
        open();
        // One entity with more attributes than there are rollup tables: its series fill every table, two share one.
        int attributes = HistoryStore.PARTS + 2;
        Instant start = NOW.minus(Duration.ofHours(3));
        List<Reading> readings = new ArrayList<>();
        for (int m = 0; m < 180; m++) {
            for (int a = 0; a < attributes; a++) {
                readings.add(reading(BIN, "a" + a, Value.of(a * 1000 + m), start.plus(Duration.ofMinutes(m)), INSIDE));
            }
        }
        store.write(readings);
        assertTrue(store.moveClosedHours());
        for (int part = 0; part < HistoryStore.PARTS; part++) {
            assertTrue(store.rollupRows(part) > 0, "table " + part + " holds its series' minutes");
        }
        assertEquals(store.rollupRows(), LongStream.range(0, HistoryStore.PARTS).map(p -> {
            try {
                return store.rollupRows((int) p);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }).sum());
        // Minutes (moved hours from the tables, the last hour from the hot table) and five-minute buckets.
        for (Duration bucket : List.of(Duration.ofMinutes(1), Duration.ofMinutes(5))) {
            List<Series> series = store.query(HistoryQuery.ofEntity(BIN, Set.of(), start, NOW, bucket,
                    Aggregate.SUM, 10_000));
            assertEquals(attributes, series.size(), bucket.toString());
            for (Series one : series) {
                int a = Integer.parseInt(one.attribute().substring(1));
                long perBucket = bucket.toMinutes();
                assertEquals(180 / perBucket, one.points().size(), one.attribute());
                for (int i = 0; i < one.points().size(); i++) {
                    // Bucket i holds minutes i * perBucket ... (i + 1) * perBucket - 1.
                    double expected = 0;
                    for (long m = i * perBucket; m < (i + 1) * perBucket; m++) {
                        expected += a * 1000 + m;
                    }
                    assertEquals(Value.of(expected), one.points().get(i).value(), one.attribute() + " bucket " + i);
                    assertEquals(start.plus(bucket.multipliedBy(i)), one.points().get(i).time());
                }
            }
            // Three attributes only: the tables of those series.
            List<Series> some = store.query(HistoryQuery.ofEntity(BIN, Set.of("a0", "a7", "a17"), start, NOW, bucket,
                    Aggregate.COUNT, 10_000));
            assertEquals(List.of("a0", "a17", "a7"), some.stream().map(Series::attribute).toList());
            some.forEach(one -> assertEquals(180.0, one.points().stream()
                    .mapToDouble(p -> ((Value.Number) p.value()).value()).sum(), one.attribute()));
        }
    }

    @Test
    void aStoreFromBeforeTheSplitMinuteRollupsHasThemMovedIntoTheTablesOnceAndAnswersTheSame() throws Exception {
        for (boolean withHourly : List.of(true, false)) {
            Path file = dir.resolve("old-" + withHourly + ".duckdb");
            store = HistoryStore.open(file, SETTINGS, CLOCK, warnings::add);
            Instant start = NOW.minus(Duration.ofHours(3));
            List<Reading> readings = new ArrayList<>();
            for (int m = 0; m < 180; m++) {
                readings.add(level(BIN, m, start.plus(Duration.ofMinutes(m))));
                readings.add(level(OTHER_BIN, -m, start.plus(Duration.ofMinutes(m))));
            }
            store.write(readings);
            assertTrue(store.moveClosedHours());
            List<HistoryQuery> queries = new ArrayList<>();
            for (Duration bucket : List.of(Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1))) {
                queries.add(HistoryQuery.ofEntity(BIN, Set.of(), start, NOW, bucket, Aggregate.AVG, 10_000));
                queries.add(HistoryQuery.ofType("WasteContainer", null, Set.of(), start, NOW, bucket, Aggregate.MIN,
                        10_000));
            }
            List<List<Series>> before = new ArrayList<>();
            for (HistoryQuery query : queries) {
                before.add(store.query(query));
            }
            long rows = store.rollupRows();
            long compacted = store.compactedUntil();
            store.close();
            store = null;
            // The layout as it was: one table of one-minute rollups (and, older still, no hourly rollups).
            try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
                    Statement statement = connection.createStatement()) {
                StringBuilder union = new StringBuilder();
                for (int part = 0; part < HistoryStore.PARTS; part++) {
                    union.append(part == 0 ? "" : " UNION ALL ").append("SELECT * FROM ").append(HistoryStore.minutes(part));
                }
                statement.execute("CREATE TABLE rollup_1m AS SELECT * FROM (" + union + ") ORDER BY bucket, series");
                for (int part = 0; part < HistoryStore.PARTS; part++) {
                    statement.execute("DROP TABLE " + HistoryStore.minutes(part));
                }
                if (!withHourly) {
                    statement.execute("DROP TABLE rollup_1h");
                }
            }
            for (int open = 0; open < 2; open++) {
                store = HistoryStore.open(file, SETTINGS, CLOCK, warnings::add);
                assertEquals(rows, store.rollupRows(), "every rollup kept, once");
                assertEquals(compacted, store.compactedUntil());
                for (int i = 0; i < queries.size(); i++) {
                    assertEquals(before.get(i), store.query(queries.get(i)), queries.get(i).toString());
                }
                store.close();
                store = null;
            }
            try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
                    Statement statement = connection.createStatement();
                    ResultSet tables = statement.executeQuery(
                            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'rollup_1m'")) {
                tables.next();
                assertEquals(0, tables.getLong(1), "the old table is gone");
            }
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void queriesOfOneShapeShareAPreparedStatementAndTheirNumberIsBounded() throws Exception {
        open();
        List<Reading> readings = new ArrayList<>();
        Instant start = NOW.minus(Duration.ofHours(2));
        List<EntityId> bins = new ArrayList<>();
        for (int b = 0; b < 100; b++) {
            EntityId bin = EntityId.of("WasteContainer", "bin-" + b);
            bins.add(bin);
            // Bin b half-way between 4.8 + b / 1000 and the next thousandth east.
            Location at = Location.of(4.8 + b * 0.001 + 0.0005, 52.37);
            for (int m = 0; m < 120; m += 10) {
                readings.add(reading(bin, "fillingLevel", Value.of(b), start.plus(Duration.ofMinutes(m)), at));
            }
        }
        store.write(readings);
        store.moveClosedHours();
        // Each bin's minutes: one statement per rollup table its series is in, and one for the hot table.
        for (EntityId bin : bins) {
            List<Series> series = store.query(HistoryQuery.ofEntity(bin, Set.of(), start, NOW, Duration.ofMinutes(1),
                    Aggregate.COUNT, 10_000));
            assertEquals(12, series.get(0).points().size(), bin.toString());
        }
        assertTrue(store.preparedStatements() <= HistoryStore.PARTS + 1, "kept: " + store.preparedStatements());
        // Areas of a growing number of bins: a shape per number of series, no more kept than the bound.
        for (int n = 1; n <= 100; n++) {
            List<Series> series = store.query(HistoryQuery.ofType("WasteContainer", new BoundingBox(4.8, 52.3,
                    4.8 + n * 0.001, 52.4), Set.of(), start, NOW, null, Aggregate.AVG, 10_000));
            assertEquals(n, series.size());
            assertEquals(12 * n, series.stream().mapToInt(one -> one.points().size()).sum());
        }
        for (int n = 1; n <= 100; n++) {
            List<Series> latest = store.lastReadings(HistoryQuery.ofEntity(bins.get(n - 1), Set.of(), start, NOW, null,
                    Aggregate.AVG, 10));
            assertEquals(Value.of(n - 1), latest.get(0).points().get(0).value());
        }
        assertTrue(store.preparedStatements() <= HistoryStore.STATEMENTS, "kept: " + store.preparedStatements());
    }

    @Test
    void aLateReadingLandsInItsBucketBeforeAndAfterTheNextMoveAndCountsOnce() throws Exception {
        open();
        // 09:00-11:00 one reading a minute (value 1), moved up to 11:00; and one at 11:50 so the next move waits.
        Instant nine = Instant.parse("2031-05-04T09:00:00Z");
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            readings.add(level(BIN, 1, nine.plus(Duration.ofMinutes(i))));
        }
        readings.add(level(BIN, 1, NOW.minus(Duration.ofMinutes(10))));
        store.write(readings);
        assertTrue(store.moveClosedHours());
        assertEquals(nine.plus(Duration.ofHours(2)).toEpochMilli(), store.movedUntil());

        // Late: observed at 09:30:30, in an hour already moved and rolled up.
        Instant late = nine.plus(Duration.ofSeconds(30 * 60 + 30));
        store.write(List.of(level(BIN, 100, late)));
        assertFalse(store.moveClosedHours(), "no new hour closed");
        HistoryQuery minutes = HistoryQuery.ofEntity(BIN, Set.of(), nine, nine.plus(Duration.ofHours(2)),
                Duration.ofMinutes(1), Aggregate.SUM, 1000);
        HistoryQuery hours = HistoryQuery.ofEntity(BIN, Set.of(), nine, nine.plus(Duration.ofHours(2)),
                Duration.ofHours(1), Aggregate.COUNT, 1000);
        assertLateReadingCounted(minutes, hours, late);

        // The next move rolls it up with the hour it moves; it is then in the rollups, once.
        Clock later = Clock.fixed(NOW.plus(Duration.ofHours(1)), ZoneOffset.UTC);
        store.close();
        store = HistoryStore.open(dir.resolve("history.duckdb"), SETTINGS, later, warnings::add);
        store.write(List.of(level(BIN, 1, NOW.plus(Duration.ofMinutes(20)))));
        assertTrue(store.moveClosedHours());
        assertEquals(NOW.toEpochMilli(), store.movedUntil());
        assertLateReadingCounted(minutes, hours, late);
        assertEquals(123, store.count(), "raw: the late reading is kept once as well");
    }

    private void assertLateReadingCounted(HistoryQuery minutes, HistoryQuery hours, Instant late) throws Exception {
        List<Point> byMinute = store.query(minutes).get(0).points();
        assertEquals(120, byMinute.size());
        Instant lateMinute = late.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        for (Point p : byMinute) {
            assertEquals(Value.of(p.time().equals(lateMinute) ? 101.0 : 1.0), p.value(), p.time().toString());
        }
        assertEquals(List.of(Value.of(61.0), Value.of(60.0)),
                store.query(hours).get(0).points().stream().map(Point::value).toList());
    }

    @Test
    void hourlyBucketsReadTheHourlyRollupsAndGiveEveryAggregate() throws Exception {
        open();
        // Five hours of irregular readings, the first four moved (rolled up by the hour), the last one hot.
        Instant start = NOW.minus(Duration.ofHours(5));
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 5 * 60; i += 7) {
            readings.add(level(BIN, i % 13, start.plus(Duration.ofMinutes(i)).plusSeconds(i % 50)));
        }
        store.write(readings);
        assertTrue(store.moveClosedHours());
        assertEquals(NOW.minus(Duration.ofHours(1)).toEpochMilli(), store.movedUntil());
        for (Aggregate aggregate : Aggregate.values()) {
            List<Point> hourly = store.query(HistoryQuery.ofEntity(BIN, Set.of(), start, NOW, Duration.ofHours(1),
                    aggregate, 100)).get(0).points();
            List<Point> expected = new ArrayList<>();
            for (int h = 0; h < 5; h++) {
                Instant hour = start.plus(Duration.ofHours(h));
                List<Double> values = readings.stream().filter(r -> !r.observedAt().isBefore(hour)
                        && r.observedAt().isBefore(hour.plus(Duration.ofHours(1))))
                        .map(r -> ((Value.Number) r.value()).value()).toList();
                double value = switch (aggregate) {
                    case AVG -> values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                    case MIN -> values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                    case MAX -> values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                    case SUM -> values.stream().mapToDouble(Double::doubleValue).sum();
                    case COUNT -> values.size();
                    case LAST -> values.get(values.size() - 1);
                };
                expected.add(new Point(hour, Value.of(value)));
            }
            assertEquals(expected, hourly, aggregate.name());
        }
    }

    @Test
    void theRollupsOfAMoveEqualTheReadingsAddedUpInJavaForEverySeriesMinuteAndHour() throws Exception {
        open();
        // 20 series (in different rollup tables), three hours moved, several readings a minute with fractions that do
        // not add up exactly in binary, and a few minutes without any.
        Instant start = NOW.minus(Duration.ofHours(4));
        List<EntityId> bins = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            bins.add(EntityId.of("WasteContainer", "bin-r" + b));
        }
        List<Reading> readings = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        for (int second = 0; second < 3 * 3600; second += 1 + random.nextInt(40)) {
            EntityId bin = bins.get(random.nextInt(bins.size()));
            readings.add(level(bin, random.nextInt(1000) / 7.0 - 50, start.plusSeconds(second)));
        }
        store.write(readings);
        assertTrue(store.moveClosedHours());
        for (Duration bucket : List.of(Duration.ofMinutes(1), Duration.ofMinutes(7), Duration.ofHours(1))) {
            for (Aggregate aggregate : Aggregate.values()) {
                for (EntityId bin : bins) {
                    List<Point> stored = store.query(HistoryQuery.ofEntity(bin, Set.of(), start,
                            start.plus(Duration.ofHours(3)), bucket, aggregate, 10_000)).get(0).points();
                    java.util.TreeMap<Instant, List<Double>> byBucket = new java.util.TreeMap<>();
                    for (Reading r : readings) {
                        if (r.entity().equals(bin)) {
                            long ms = bucket.toMillis();
                            Instant b = Instant.ofEpochMilli(Math.floorDiv(r.observedAt().toEpochMilli(), ms) * ms);
                            byBucket.computeIfAbsent(b, k -> new ArrayList<>()).add(((Value.Number) r.value()).value());
                        }
                    }
                    assertEquals(byBucket.size(), stored.size(), bin + " " + bucket + " " + aggregate);
                    int i = 0;
                    for (Map.Entry<Instant, List<Double>> e : byBucket.entrySet()) {
                        List<Double> values = e.getValue();
                        double expected = switch (aggregate) {
                            case AVG -> values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                            case MIN -> values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                            case MAX -> values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                            case SUM -> values.stream().mapToDouble(Double::doubleValue).sum();
                            case COUNT -> values.size();
                            case LAST -> values.get(values.size() - 1);
                        };
                        Point point = stored.get(i++);
                        assertEquals(e.getKey(), point.time(), bin + " " + bucket + " " + aggregate);
                        double actual = ((Value.Number) point.value()).value();
                        // Sums and averages may differ in the last bits (another order of addition); the rest exactly.
                        assertEquals(expected, actual, Math.abs(expected) * 1e-12,
                                bin + " " + bucket + " " + aggregate + " at " + e.getKey());
                    }
                }
            }
        }
    }

    @Test
    void aSeriesWithMoreHotRowsThanAreReadPlainIsGroupedByDuckDbAndAnswersTheSame() throws Exception {
        open();
        // 120,000 readings of one series in the last hour (one every 30 ms): more than PLAIN_ROWS, so DuckDB groups.
        Instant start = NOW.minus(Duration.ofHours(1));
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 120_000; i++) {
            readings.add(level(BIN, i % 2, start.plusMillis(30L * i)));
        }
        assertTrue(readings.size() > HistoryStore.PLAIN_ROWS);
        store.write(readings);
        List<Point> counts = store.query(HistoryQuery.ofEntity(BIN, Set.of(), start, NOW, Duration.ofMinutes(1),
                Aggregate.COUNT, 100)).get(0).points();
        assertEquals(60, counts.size());
        assertTrue(counts.stream().allMatch(p -> p.value().equals(Value.of(2000.0))), counts.toString());
        List<Point> sums = store.query(HistoryQuery.ofEntity(BIN, Set.of(), start, NOW, Duration.ofMinutes(5),
                Aggregate.SUM, 100)).get(0).points();
        assertEquals(12, sums.size());
        assertTrue(sums.stream().allMatch(p -> p.value().equals(Value.of(5000.0))), sums.toString());
    }

    @Test
    void aTypeQueryOverMoreSeriesThanAreListedJoinsTheSeriesAndSelectsTheArea() throws Exception {
        open();
        int bins = HistoryStore.MAX_LISTED_SERIES + 50;
        Instant start = NOW.minus(Duration.ofHours(3));
        List<Reading> readings = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            EntityId bin = EntityId.of("WasteContainer", "bin-" + b);
            for (int m = 0; m < 180; m += 20) {
                readings.add(reading(bin, "fillingLevel", Value.of(b), start.plus(Duration.ofMinutes(m)),
                        b % 2 == 0 ? INSIDE : OUTSIDE));
            }
            readings.add(reading(LAMP, "dimLevel", Value.of(b), start.plusSeconds(b), INSIDE));
        }
        store.write(readings);
        assertTrue(store.moveClosedHours(), "two hours rolled up, the last one hot");
        BoundingBox area = new BoundingBox(4.8, 52.3, 5.0, 52.4);
        for (Duration bucket : List.of(Duration.ofHours(1), Duration.ofMinutes(30))) {
            List<Series> series = store.query(HistoryQuery.ofType("WasteContainer", area, Set.of(), start, NOW,
                    bucket, Aggregate.COUNT, 10_000));
            assertEquals(bins / 2, series.size(), bucket.toString());
            for (Series one : series) {
                int b = Integer.parseInt(one.entity().localId().substring(4));
                assertEquals(0, b % 2, one.entity().toString());
                assertEquals(9.0, one.points().stream().mapToDouble(p -> ((Value.Number) p.value()).value()).sum());
                assertEquals(bucket.equals(Duration.ofHours(1)) ? 3 : 6, one.points().size());
            }
        }
    }

    @Test
    void textSeriesAreLeftOutOfBuckets() throws Exception {
        open();
        Instant t = NOW.minus(Duration.ofMinutes(5));
        store.write(List.of(reading(BIN, "status", Value.of("ok"), t, INSIDE), level(BIN, 0.5, t)));

        List<Series> series = store.query(HistoryQuery.ofEntity(BIN, Set.of(), t, NOW, Duration.ofMinutes(1),
                Aggregate.AVG, 100));

        assertEquals(List.of("fillingLevel"), series.stream().map(Series::attribute).toList());
    }

    @Test
    void aTypeQuerySelectsTheEntitiesInTheArea() throws Exception {
        open();
        Instant t = NOW.minus(Duration.ofMinutes(5));
        store.write(List.of(level(BIN, 0.5, t), reading(OTHER_BIN, "fillingLevel", Value.of(0.7), t, OUTSIDE),
                reading(LAMP, "dimLevel", Value.of(40), t, INSIDE)));

        List<Series> inside = store.query(HistoryQuery.ofType("WasteContainer", new BoundingBox(4.8, 52.3, 5.0, 52.4),
                Set.of(), t, NOW, null, Aggregate.AVG, 100));
        List<Series> all = store.query(HistoryQuery.ofType("WasteContainer", null, Set.of(), t, NOW,
                Duration.ofMinutes(5), Aggregate.AVG, 100));

        assertEquals(List.of(BIN), inside.stream().map(Series::entity).toList());
        assertEquals(List.of(BIN, OTHER_BIN), all.stream().map(Series::entity).toList());
    }

    @Test
    void moreRawPointsThanTheLimitIsRefusedNotTruncated() throws Exception {
        open();
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
    void whatWasWrittenOutlivesAReopenWithTheSameSeries() throws Exception {
        open();
        Instant t = NOW.minus(Duration.ofMinutes(5));
        store.write(List.of(level(BIN, 0.5, t)));
        store.close();
        store = null;

        open();
        store.write(List.of(level(BIN, 0.6, t.plusSeconds(1))));

        List<Series> series = store.query(raw(BIN, t, NOW));
        assertEquals(1, series.size(), "one series, not a second one for the same key");
        assertEquals(2, series.get(0).points().size());
        assertEquals(List.of(), warnings);
    }

    @Test
    void aCorruptStoreFileIsMovedAsideWithAMessageAndANewOneStarted() throws Exception {
        Path file = dir.resolve("history.duckdb");
        byte[] garbage = "this is not a DuckDB file, it was cut short by a full disk".repeat(100).getBytes();
        Files.write(file, garbage);

        open();

        Path aside = dir.resolve("history.duckdb.refused-" + NOW.toEpochMilli());
        assertTrue(Files.exists(aside), "moved aside, not deleted");
        assertEquals(new String(garbage), Files.readString(aside));
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("cannot be opened") && warnings.get(0).contains(aside.toString()),
                warnings.get(0));
        store.write(List.of(level(BIN, 0.5, NOW.minusSeconds(1))));
        assertEquals(1, store.count());
    }

    @Test
    void aTruncatedStoreFileIsMovedAsideToo() throws Exception {
        open();
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            readings.add(level(EntityId.of("WasteContainer", "bin-" + i), i, NOW.minusSeconds(i)));
        }
        store.write(readings);
        store.close();
        store = null;
        Path file = dir.resolve("history.duckdb");
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 3));

        open();

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("history.duckdb.refused-")).count());
        }
        assertEquals(1, warnings.size(), warnings::toString);
        assertEquals(0, store.count());
    }

    @Test
    void anUnwritableFolderIsAnErrorNotASilentlyEmptyHistory() throws IOException {
        Path blocked = dir.resolve("file-in-the-way");
        Files.writeString(blocked, "x");
        assertThrows(IOException.class, () -> HistoryStore.open(blocked.resolve("history.duckdb"), SETTINGS, CLOCK,
                warnings::add));
    }
}
