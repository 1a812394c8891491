package nl.regie.runtime.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.history.Aggregate;
import nl.regie.runtime.spi.history.HistoryLimitException;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.Point;
import nl.regie.runtime.spi.history.Series;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * The history in DuckDB (see docs/history-store.md): a {@code series} table, new readings appended to {@code reading}
 * through DuckDB's appender, and each closed hour moved, sorted by series and time, into {@code reading_sorted}, its
 * one-minute rollups (count, sum, min, max, last) into {@code rollup_1m} in the same transaction. Retention deletes
 * raw readings and rollups per entity type.
 *
 * <p>Threads: one writer thread calls {@link #write}, {@link #maintain} and {@link #close} (DuckDB's appender belongs
 * to the thread that made it); any thread may call {@link #query}, which runs on a connection of its own, one query at
 * a time.
 */
final class HistoryStore implements Store, AutoCloseable {

    static final long MINUTE = 60_000;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    /** How long after an hour's end its late readings may still arrive before the hour is moved and rolled up. */
    static final long LATENESS = 5 * MINUTE;
    /** The most one-minute rows (series times minutes) a bucketed query may aggregate: its work is bounded. */
    static final long MAX_MINUTE_ROWS = 20_000_000;
    /** At most this many rollup or hot rows of a few series are read as they are, and added up in Java. */
    static final int PLAIN_ROWS = 100_000;
    private static final String PLAIN_ROLLUPS = "SELECT r.series, r.bucket, r.n, r.sum, r.min, r.max, r.last,"
            + " r.last_at FROM %s r%s WHERE r.bucket >= ? AND r.bucket < ?";
    private static final String PLAIN_READINGS = "SELECT r.series, r.observed, 1, r.num, r.num, r.num, r.num,"
            + " r.observed FROM reading r%s WHERE r.observed >= ? AND r.observed < ? AND r.num IS NOT NULL";
    /** Up to this many series, a query names them in its scans. */
    static final int MAX_LISTED_SERIES = 200;
    /**
     * The one-minute rollups are split by series number over this many tables ({@code rollup_1m_0} to
     * {@code rollup_1m_15}, a series in table {@code series % PARTS}). Each hourly move appends a run sorted by series
     * to each, and DuckDB skips row groups by their range of series: one table of all series gave a day of one series a
     * row group per hour (23 of them, most of the query's cost); split, the day's runs of its table share a few.
     */
    static final int PARTS = 16;
    /** Prepared statements kept per query shape (the SQL's text) on the query connection. */
    static final int STATEMENTS = 64;

    private static final String ROLLUP_COLUMNS = "(series INTEGER NOT NULL, bucket BIGINT NOT NULL, n INTEGER,"
            + " sum DOUBLE, min DOUBLE, max DOUBLE, last DOUBLE, last_at BIGINT)";
    /** The rollup columns of the raw readings of {@code reading}, per series and bucket of {@code %d} ms. */
    private static final String ROLL_UP_READINGS = "SELECT series, observed // %1$d * %1$d, count(num), sum(num),"
            + " min(num), max(num), arg_max(num, observed), max(observed) FROM reading";
    /** The hourly rollups of the one-minute rollups in table {@code %s}, sorted by series and hour. */
    private static final String HOURS_OF_MINUTES = "SELECT series, bucket // " + HOUR + " * " + HOUR + ", sum(n),"
            + " sum(sum), min(min), max(max), arg_max(last, last_at), max(last_at) FROM %s GROUP BY 1, 2 ORDER BY 1, 2";
    private static final String COLUMNS = "(series INTEGER NOT NULL, observed BIGINT NOT NULL, received_delay INTEGER,"
            + " num DOUBLE, txt VARCHAR, lon DOUBLE, lat DOUBLE)";
    private static final List<String> SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS series(id INTEGER, entity VARCHAR NOT NULL, type VARCHAR NOT NULL,"
                    + " attribute VARCHAR NOT NULL, unit VARCHAR NOT NULL, source VARCHAR NOT NULL,"
                    + " kind VARCHAR NOT NULL, lon DOUBLE, lat DOUBLE)",
            "CREATE TABLE IF NOT EXISTS reading" + COLUMNS,
            "CREATE TABLE IF NOT EXISTS reading_sorted" + COLUMNS,
            "CREATE TABLE IF NOT EXISTS rollup_1h" + ROLLUP_COLUMNS,
            "CREATE TABLE IF NOT EXISTS moved(until BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS compacted(until BIGINT NOT NULL)");
    private static final String BOTH = "(SELECT * FROM reading UNION ALL SELECT * FROM reading_sorted)";
    /** Every one-minute rollup, for what reads them all (checks, counts). */
    private static final String ALL_MINUTES = IntStream.range(0, PARTS).mapToObj(p -> "SELECT * FROM " + minutes(p))
            .collect(Collectors.joining(" UNION ALL ", "(", ")"));

    /** The table of the one-minute rollups of the series numbered {@code series % PARTS}. */
    static String minutes(int part) {
        return "rollup_1m_" + part;
    }

    /** DuckDB's settings: its buffer memory (native, outside the heap) and its threads. */
    record Settings(int memoryLimitMb, int threads) {
    }

    private final Path file;
    private final Connection writer;
    private final Connection reader;
    private final SeriesIndex index = new SeriesIndex();
    /** The query connection's prepared statements by their SQL, least recently used first; under its lock. */
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true);
    private final Clock clock;
    private DuckDBAppender appender;
    private DuckDBAppender seriesAppender;
    private Thread appenderThread;
    private long newest = Long.MIN_VALUE;
    /** Readings observed before this were moved into {@code reading_sorted} and rolled up (late ones wait). */
    private volatile long movedUntil;
    /** Rollups of the days before this were rewritten sorted by series, a day at a time. */
    private long compactedUntil;

    private HistoryStore(Path file, Connection writer, Clock clock) throws SQLException {
        this.file = file;
        this.writer = writer;
        this.clock = clock;
        try (Statement statement = writer.createStatement()) {
            boolean hourly = exists(statement, "rollup_1h");
            boolean unsplit = exists(statement, "rollup_1m");
            for (String ddl : SCHEMA) {
                statement.execute(ddl);
            }
            for (int part = 0; part < PARTS; part++) {
                statement.execute("CREATE TABLE IF NOT EXISTS " + minutes(part) + ROLLUP_COLUMNS);
            }
            if (unsplit) {
                // A store from before the split: its one-minute rollups go to their tables, in their order, once; and
                // a store from before the hourly rollups gets them from its one-minute rollups first.
                statement.execute("BEGIN TRANSACTION");
                if (!hourly) {
                    statement.execute("INSERT INTO rollup_1h " + HOURS_OF_MINUTES.formatted("rollup_1m"));
                }
                for (int part = 0; part < PARTS; part++) {
                    statement.execute("INSERT INTO " + minutes(part) + " SELECT * FROM rollup_1m WHERE series % "
                            + PARTS + " = " + part);
                }
                statement.execute("DROP TABLE rollup_1m");
                statement.execute("COMMIT");
            }
            try (ResultSet moved = statement.executeQuery("SELECT max(until) FROM moved")) {
                moved.next();
                movedUntil = moved.getLong(1);
            }
            try (ResultSet compacted = statement.executeQuery("SELECT coalesce((SELECT max(until) FROM compacted),"
                    + " (SELECT min(bucket) // 86400000 * 86400000 FROM " + ALL_MINUTES + "), 0)")) {
                compacted.next();
                compactedUntil = compacted.getLong(1);
            }
            // A check that the tables can be read at all: DuckDB checksums every block it reads.
            statement.executeQuery("SELECT count(*), max(observed) FROM reading_sorted").close();
            statement.executeQuery("SELECT count(*), max(bucket) FROM " + ALL_MINUTES).close();
        }
        index.load(writer);
        writer.setAutoCommit(false);
        reader = writer.unwrap(DuckDBConnection.class).duplicate();
        // A duplicate inherits the writer's manual commit: its first query would open a transaction that never ends,
        // and every later query would see the store as it was then.
        reader.setAutoCommit(true);
    }

    private static boolean exists(Statement statement, String table) throws SQLException {
        try (ResultSet tables = statement.executeQuery(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = '" + table + "' AND NOT temporary")) {
            tables.next();
            return tables.getLong(1) > 0;
        }
    }

    /**
     * Opens the store in {@code file}, creating it if need be; with a null file, in memory. A file DuckDB cannot open
     * or read (damaged, truncated, not a DuckDB file, or written by an incompatible version) is moved aside, never
     * deleted: to {@code <file>.refused-<epoch ms>}, its WAL with it, reported through {@code warn}, and a new store
     * is started in its place. A file another process holds locked is not touched: the SQLException stands.
     */
    static HistoryStore open(Path file, Settings settings, Clock clock, Consumer<String> warn)
            throws SQLException, IOException {
        if (file == null) {
            return new HistoryStore(null, connect("jdbc:duckdb:", settings), clock);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Connection connection = null;
        try {
            connection = connect("jdbc:duckdb:" + file.toAbsolutePath(), settings);
            return new HistoryStore(file, connection, clock);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            String reason = String.valueOf(e.getMessage());
            if (reason.contains("lock")) {
                throw e;
            }
            Path aside = file.resolveSibling(file.getFileName() + ".refused-" + clock.millis());
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            Path wal = file.resolveSibling(file.getFileName() + ".wal");
            if (Files.exists(wal)) {
                Files.move(wal, aside.resolveSibling(aside.getFileName() + ".wal"), StandardCopyOption.ATOMIC_MOVE);
            }
            warn.accept("The history store " + file + " cannot be opened (" + reason.lines().findFirst().orElse("")
                    + "); it was moved aside to " + aside + " and a new, empty history was started");
            return new HistoryStore(file, connect("jdbc:duckdb:" + file.toAbsolutePath(), settings), clock);
        }
    }

    private static Connection connect(String url, Settings settings) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("memory_limit", settings.memoryLimitMb() + "MB");
        properties.setProperty("threads", Integer.toString(settings.threads()));
        // The sorted move must stay sorted on disk.
        properties.setProperty("preserve_insertion_order", "true");
        return new DuckDBDriver().connect(url, properties);
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException ignored) {
                // Already failing: the first error is the one reported.
            }
        }
    }

    /** Writes a batch in one transaction; when it returns, the batch is committed. On the writer thread. */
    @Override
    public void write(List<Reading> batch) throws SQLException {
        List<SeriesIndex.Info> added = new ArrayList<>();
        try {
            if (appenderThread != Thread.currentThread()) {
                closeAppenders();
                DuckDBConnection duck = writer.unwrap(DuckDBConnection.class);
                appender = duck.createAppender("main", "reading");
                seriesAppender = duck.createAppender("main", "series");
                appenderThread = Thread.currentThread();
            }
            for (Reading reading : batch) {
                SeriesIndex.Info series = index.of(reading, added);
                append(reading, series);
            }
            for (SeriesIndex.Info series : added) {
                appendSeries(series);
            }
            seriesAppender.flush();
            appender.flush();
            writer.commit();
        } catch (SQLException | RuntimeException e) {
            index.forget(added);
            rollback(e);
            // An appender that failed mid-row is not reused.
            closeAppenders();
            throw e;
        }
        for (Reading reading : batch) {
            newest = Math.max(newest, reading.observedAt().toEpochMilli());
        }
    }

    private void append(Reading reading, SeriesIndex.Info series) throws SQLException {
        long observed = reading.observedAt().toEpochMilli();
        appender.beginRow();
        appender.append(series.id());
        appender.append(observed);
        appender.append((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE,
                reading.receivedAt().toEpochMilli() - observed)));
        Value value = reading.value();
        if (value instanceof Value.Number n) {
            appender.append(n.value());
        } else if (value instanceof Value.Bool b) {
            appender.append(b.value() ? 1.0 : 0.0);
        } else {
            appender.appendNull();
        }
        if (value instanceof Value.Text t) {
            appender.append(t.value());
        } else {
            appender.appendNull();
        }
        Location own = reading.location();
        if (own == null || own.equals(series.location())) {
            appender.appendNull();
            appender.appendNull();
        } else {
            appender.append(own.longitude());
            appender.append(own.latitude());
        }
        appender.endRow();
    }

    private void appendSeries(SeriesIndex.Info series) throws SQLException {
        seriesAppender.beginRow();
        seriesAppender.append(series.id());
        seriesAppender.append(series.key().entity().toString());
        seriesAppender.append(series.key().entity().type());
        seriesAppender.append(series.key().attribute());
        seriesAppender.append(series.key().unit());
        seriesAppender.append(series.key().source());
        seriesAppender.append(String.valueOf(series.kind()));
        if (series.location() == null) {
            seriesAppender.appendNull();
            seriesAppender.appendNull();
        } else {
            seriesAppender.append(series.location().longitude());
            seriesAppender.append(series.location().latitude());
        }
        seriesAppender.endRow();
    }

    private void closeAppenders() {
        for (DuckDBAppender a : new DuckDBAppender[] {appender, seriesAppender}) {
            if (a != null) {
                try {
                    a.close();
                } catch (SQLException | RuntimeException ignored) {
                    // A broken appender is replaced; its error was reported by the write that broke it.
                }
            }
        }
        appender = null;
        seriesAppender = null;
        appenderThread = null;
    }

    /**
     * Rolls back after {@code cause}, which stays the error reported. A commit that failed (a full disk) has already
     * ended DuckDB's transaction, but not in its JDBC driver, which would then never begin another one, and every
     * later write would fail ("cannot commit - no transaction is active") after space returns: a transaction is begun
     * by hand so that the rollback ends it in both.
     */
    private void rollback(Exception cause) {
        try {
            writer.rollback();
        } catch (SQLException | RuntimeException e) {
            try (Statement statement = writer.createStatement()) {
                statement.execute("BEGIN TRANSACTION");
                writer.rollback();
            } catch (SQLException | RuntimeException again) {
                cause.addSuppressed(again);
            }
        }
    }

    /** Moves closed hours, then applies {@code retention} (if not null) as of {@code now}. On the writer thread. */
    @Override
    public void maintain(Instant now, RetentionPolicy retention) throws SQLException {
        moveClosedHours();
        if (retention != null) {
            retain(now, retention);
        }
    }

    /**
     * Moves every closed hour (its end {@link #LATENESS} before the newest reading, and before the store's clock) into
     * the sorted table and its rollups, in one transaction. On the writer thread.
     *
     * @return whether anything was moved
     */
    boolean moveClosedHours() throws SQLException {
        if (newest == Long.MIN_VALUE) {
            return false;
        }
        long closed = Math.floorDiv(Math.min(newest, clock.millis()) - LATENESS, HOUR) * HOUR;
        if (closed <= movedUntil) {
            return false;
        }
        // Every raw reading before the hour, late ones of hours moved before included: a reading is rolled up once,
        // when it leaves the hot table.
        try (PreparedStatement sort = writer.prepareStatement(
                        "INSERT INTO reading_sorted SELECT * FROM reading WHERE observed < ? ORDER BY series, observed");
                PreparedStatement delete = writer.prepareStatement("DELETE FROM reading WHERE observed < ?");
                Statement statement = writer.createStatement()) {
            // The hours' one-minute rollups, aggregated once (a temporary table: no WAL), then each table's share of
            // them sorted by series, and the hourly rollups from them: one aggregation of the raw readings where there
            // were one per table and one for the hours (the writer's largest cost at a full rate, profiled).
            statement.execute("CREATE OR REPLACE TEMP TABLE closing_minutes" + ROLLUP_COLUMNS);
            statement.execute("INSERT INTO closing_minutes " + ROLL_UP_READINGS.formatted(MINUTE) + " WHERE observed < "
                    + closed + " AND num IS NOT NULL GROUP BY 1, 2");
            for (int part = 0; part < PARTS; part++) {
                statement.execute("INSERT INTO " + minutes(part) + " SELECT * FROM closing_minutes WHERE series % "
                        + PARTS + " = " + part + " ORDER BY 1, 2");
            }
            statement.execute("INSERT INTO rollup_1h " + HOURS_OF_MINUTES.formatted("closing_minutes"));
            statement.execute("DROP TABLE closing_minutes");
            for (PreparedStatement step : List.of(sort, delete)) {
                step.setLong(1, closed);
                step.executeUpdate();
            }
            statement.execute("DELETE FROM moved");
            statement.execute("INSERT INTO moved VALUES (" + closed + ")");
            writer.commit();
        } catch (SQLException | RuntimeException e) {
            rollback(e);
            throw e;
        }
        movedUntil = closed;
        compactClosedDays();
        return true;
    }

    /**
     * Rewrites the one-minute rollups of each day that closed, sorted by series: the hourly moves leave them sorted
     * within each hour only, so a day of one series would read a row group per hour; after this, about one.
     */
    private void compactClosedDays() throws SQLException {
        long closedDay = Math.floorDiv(movedUntil, DAY) * DAY;
        if (compactedUntil == 0) {
            // A new store: from the day of its first rollup.
            try (Statement statement = writer.createStatement(); ResultSet first = statement.executeQuery(
                    "SELECT min(bucket) // " + DAY + " * " + DAY + " FROM " + ALL_MINUTES)) {
                first.next();
                compactedUntil = first.getLong(1);
                if (first.wasNull()) {
                    compactedUntil = 0;
                    return;
                }
            }
        }
        for (long day = compactedUntil; day < closedDay; day += DAY) {
            try (Statement statement = writer.createStatement()) {
                for (int part = 0; part < PARTS; part++) {
                    String table = minutes(part);
                    String ofDay = " WHERE bucket >= " + day + " AND bucket < " + (day + DAY);
                    statement.execute("CREATE OR REPLACE TEMP TABLE compacting AS SELECT * FROM " + table + ofDay
                            + " ORDER BY series, bucket");
                    statement.execute("DELETE FROM " + table + ofDay);
                    statement.execute("INSERT INTO " + table + " SELECT * FROM compacting");
                    statement.execute("DROP TABLE compacting");
                }
                statement.execute("DELETE FROM compacted");
                statement.execute("INSERT INTO compacted VALUES (" + (day + DAY) + ")");
                writer.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(e);
                throw e;
            }
            compactedUntil = day + DAY;
        }
    }

    long compactedUntil() {
        return compactedUntil;
    }

    /**
     * Deletes what the policy no longer keeps, as of {@code now}: per type, raw readings observed before
     * {@code now - raw} (only those already rolled up) and rollups before {@code now - rollups}. On the writer thread.
     *
     * @return the rows deleted
     */
    long retain(Instant now, RetentionPolicy policy) throws SQLException {
        long deleted = 0;
        try (PreparedStatement sorted = writer.prepareStatement("DELETE FROM reading_sorted WHERE observed < ?"
                + " AND series IN (SELECT id FROM series WHERE type = ?)");
                PreparedStatement hot = writer.prepareStatement("DELETE FROM reading WHERE observed < ?"
                        + " AND series IN (SELECT id FROM series WHERE type = ?)");
                PreparedStatement hours = writer.prepareStatement("DELETE FROM rollup_1h WHERE bucket + " + HOUR
                        + " <= ? AND series IN (SELECT id FROM series WHERE type = ?)")) {
            for (String type : index.types()) {
                RetentionPolicy.Periods periods = policy.of(type);
                long rawCutoff = Math.min(now.minus(periods.raw()).toEpochMilli(), movedUntil);
                long rollupCutoff = now.minus(periods.rollups()).toEpochMilli();
                for (PreparedStatement raw : List.of(sorted, hot)) {
                    raw.setLong(1, rawCutoff);
                    raw.setString(2, type);
                    deleted += raw.executeUpdate();
                }
                hours.setLong(1, rollupCutoff);
                hours.setString(2, type);
                deleted += hours.executeUpdate();
                for (int part = 0; part < PARTS; part++) {
                    try (PreparedStatement rollups = writer.prepareStatement("DELETE FROM " + minutes(part)
                            + " WHERE bucket < ? AND series IN (SELECT id FROM series WHERE type = ?)")) {
                        rollups.setLong(1, rollupCutoff);
                        rollups.setString(2, type);
                        deleted += rollups.executeUpdate();
                    }
                }
            }
            writer.commit();
        } catch (SQLException | RuntimeException e) {
            rollback(e);
            throw e;
        }
        return deleted;
    }

    /** Whether the store has series of this entity. */
    @Override
    public boolean knows(EntityId entity) {
        return index.knows(entity);
    }

    /**
     * Answers a query: raw readings, or buckets aligned to multiples of the bucket length since the epoch (the range
     * widened to whole buckets). A bucket of whole minutes reads the one-minute rollups of moved hours and the raw
     * readings after them; a shorter one reads raw readings only (kept for the raw retention).
     *
     * @throws HistoryLimitException if the answer, or the work to find it, passes the query's limit
     */
    @Override
    public List<Series> query(HistoryQuery query) throws SQLException {
        boolean bucketed = query.bucket() != null;
        List<SeriesIndex.Info> matching = index.matching(query, bucketed);
        if (matching.isEmpty()) {
            return List.of();
        }
        long from = query.from().toEpochMilli();
        long to = query.to().toEpochMilli();
        long bucket = bucketed ? query.bucket().toMillis() : 0;
        if (bucketed) {
            from = Math.floorDiv(from, bucket) * bucket;
            to = -Math.floorDiv(-to, bucket) * bucket;
            if ((to - from) / bucket * matching.size() > query.maxPoints()) {
                throw new HistoryLimitException(query.maxPoints());
            }
            if ((to - from) / Math.min(bucket, MINUTE) * matching.size() > MAX_MINUTE_ROWS) {
                throw new HistoryLimitException(query.maxPoints());
            }
        }
        if (bucketed && bucket % MINUTE == 0) {
            return series(rolledUp(query, from, to, bucket, matching));
        }
        // A few series (one entity's): their numbers go into the scans themselves, so DuckDB skips every row group
        // whose series range misses them; many (a type) are left to a join with series.
        List<Object> ids = new ArrayList<>();
        String selected = selection(query, matching, ids);
        String sql;
        List<Object> all = new ArrayList<>();
        if (!bucketed) {
            // No ORDER BY: the LIMIT then stops the scan, and the few rows are sorted here.
            sql = "SELECT r.series, r.observed, r.num, r.txt, s.kind FROM " + BOTH + " r JOIN series s ON r.series = s.id"
                    + " WHERE r.observed >= ? AND r.observed < ?" + selected + " LIMIT ?";
            all.add(from);
            all.add(to);
        } else {
            sql = "SELECT r.series, r.observed // ? * ? AS b, count(num), sum(num), min(num), max(num),"
                    + " arg_max(num, observed) FROM " + BOTH + " r JOIN series s ON r.series = s.id"
                    + " WHERE r.observed >= ? AND r.observed < ? AND r.num IS NOT NULL" + selected + " GROUP BY 1, 2"
                    + " LIMIT ?";
            all.addAll(List.of(bucket, bucket, from, to));
        }
        all.addAll(ids);
        all.add(query.maxPoints() + 1);
        Map<Integer, List<Point>> points = new LinkedHashMap<>();
        int rows = 0;
        synchronized (reader) {
            try (ResultSet result = execute(sql, all)) {
                while (result.next()) {
                    if (++rows > query.maxPoints()) {
                        throw new HistoryLimitException(query.maxPoints());
                    }
                    int series = result.getInt(1);
                    Instant time = Instant.ofEpochMilli(result.getLong(2));
                    Value value = bucketed ? StoreSql.bucketValue(result, query) : rawValue(result);
                    if (value != null) {
                        points.computeIfAbsent(series, s -> new ArrayList<>()).add(new Point(time, value));
                    }
                }
            }
        }
        return series(points);
    }

    /**
     * The condition that selects the query's series in a scan of {@code r} joined with {@code s} ({@code series}), its
     * values added to {@code parameters}: up to {@link #MAX_LISTED_SERIES}, their numbers, as parameters (one statement
     * per count of series, kept prepared); beyond, the query's own filter on {@code s}.
     */
    private static String selection(HistoryQuery query, List<SeriesIndex.Info> matching, List<Object> parameters) {
        if (matching.size() <= MAX_LISTED_SERIES) {
            return listed(matching, parameters);
        }
        StringBuilder filter = new StringBuilder();
        StoreSql.seriesFilter(query, filter, parameters);
        return filter.toString();
    }

    /** {@code AND r.series IN (?, ...)} for these series, their numbers added to {@code parameters}. */
    private static String listed(List<SeriesIndex.Info> series, List<Object> parameters) {
        for (SeriesIndex.Info info : series) {
            parameters.add(info.id());
        }
        return " AND r.series IN (" + "?, ".repeat(series.size() - 1) + "?)";
    }

    /**
     * Runs {@code sql} with {@code parameters} on the query connection, through the statement prepared for that text
     * the last time (DuckDB's parsing and planning cost more than a small query's scan). Under the connection's lock;
     * the caller closes the result. A statement whose run failed is closed and prepared anew the next time.
     */
    private ResultSet execute(String sql, List<Object> parameters) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = reader.prepareStatement(sql);
            statements.put(sql, statement);
            if (statements.size() > STATEMENTS) {
                var eldest = statements.entrySet().iterator();
                closeQuietly(eldest.next().getValue());
                eldest.remove();
            }
        }
        try {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            return statement.executeQuery();
        } catch (SQLException | RuntimeException e) {
            statements.remove(sql);
            closeQuietly(statement);
            throw e;
        }
    }

    private static void closeQuietly(Statement statement) {
        try {
            statement.close();
        } catch (SQLException | RuntimeException ignored) {
            // Already failing or being dropped: nothing else to do with it.
        }
    }

    /** How many prepared statements the query connection keeps (for tests). */
    int preparedStatements() {
        synchronized (reader) {
            return statements.size();
        }
    }

    /**
     * Buckets of whole minutes: rollups hold what left the hot table, the hot table the rest (late readings of moved
     * hours too, until the next move rolls them up), so the two together count every reading once. Whole hours read
     * the hourly rollups; other minutes the one-minute rollups, of the tables of the query's series only when it lists
     * them. A query per table, merged here: one query over the union of the tables took several times their sum.
     */
    private Map<Integer, List<Point>> rolledUp(HistoryQuery query, long from, long to, long bucket,
            List<SeriesIndex.Info> matching) throws SQLException {
        long grain = bucket % HOUR == 0 ? HOUR : MINUTE;
        boolean listed = matching.size() <= MAX_LISTED_SERIES;
        String join = listed ? "" : " JOIN series s ON r.series = s.id";
        // The scans of the rollups: each table with the series it holds (all of them for a query by filter).
        Map<String, List<SeriesIndex.Info>> tables = new LinkedHashMap<>();
        if (grain == HOUR) {
            tables.put("rollup_1h", matching);
        } else if (listed) {
            for (SeriesIndex.Info info : matching) {
                tables.computeIfAbsent(minutes(info.id() % PARTS), t -> new ArrayList<>()).add(info);
            }
        } else {
            for (int part = 0; part < PARTS; part++) {
                tables.put(minutes(part), matching);
            }
        }
        // Rows come as they are stored and are added up here when there are few (a day of one attribute, an hour of a
        // type at hourly buckets): DuckDB's hash aggregation cost more than the rows it saved. At most PLAIN_ROWS of
        // them a scan; beyond, DuckDB groups.
        boolean plain = (to - from) / grain * matching.size() <= PLAIN_ROWS;
        Map<Integer, Map<Long, Bucket>> buckets = new HashMap<>();
        int[] count = {0};
        synchronized (reader) {
            for (Map.Entry<String, List<SeriesIndex.Info>> table : tables.entrySet()) {
                List<Object> ids = new ArrayList<>();
                String selected = selection(query, table.getValue(), ids);
                String rollups = "SELECT r.series, r.bucket // ? * ?, sum(r.n), sum(r.sum), min(r.min), max(r.max),"
                        + " arg_max(r.last, r.last_at), max(r.last_at) FROM " + table.getKey() + " r" + join
                        + " WHERE r.bucket >= ? AND r.bucket < ?" + selected + " GROUP BY 1, 2 LIMIT ?";
                if (!plain || !read(PLAIN_ROLLUPS.formatted(table.getKey(), join) + selected + " LIMIT ?", true,
                        range(from, to, ids, PLAIN_ROWS + 1), bucket, query, buckets, count)) {
                    read(rollups, false, grouped(bucket, from, to, ids, query), bucket, query, buckets, count);
                }
            }
            List<Object> ids = new ArrayList<>();
            String selected = selection(query, matching, ids);
            String hot = "SELECT r.series, r.observed // ? * ?, count(r.num), sum(r.num), min(r.num), max(r.num),"
                    + " arg_max(r.num, r.observed), max(r.observed) FROM reading r" + join
                    + " WHERE r.observed >= ? AND r.observed < ? AND r.num IS NOT NULL" + selected
                    + " GROUP BY 1, 2 LIMIT ?";
            if (!plain || !read(PLAIN_READINGS.formatted(join) + selected + " LIMIT ?", true,
                    range(from, to, ids, PLAIN_ROWS + 1), bucket, query, buckets, count)) {
                read(hot, false, grouped(bucket, from, to, ids, query), bucket, query, buckets, count);
            }
        }
        return points(buckets, query);
    }

    private static List<Object> range(long from, long to, List<Object> selection, long limit) {
        List<Object> all = new ArrayList<>(List.of(from, to));
        all.addAll(selection);
        all.add(limit);
        return all;
    }

    private static List<Object> grouped(long bucket, long from, long to, List<Object> selection, HistoryQuery query) {
        List<Object> all = new ArrayList<>(List.of(bucket, bucket, from, to));
        all.addAll(selection);
        all.add(query.maxPoints() + 1);
        return all;
    }

    /**
     * Adds the rows of {@code sql} (series, time, n, sum, min, max, last, last_at) to {@code buckets}, each in the
     * bucket its time falls in; when {@code plain}, only if they are at most {@link #PLAIN_ROWS}.
     *
     * @return false, having added nothing, if a plain query returned more rows than that
     */
    private boolean read(String sql, boolean plain, List<Object> parameters, long bucket, HistoryQuery query,
            Map<Integer, Map<Long, Bucket>> buckets, int[] count) throws SQLException {
        List<Bucket> rows = new ArrayList<>();
        try (ResultSet result = execute(sql, parameters)) {
            while (result.next()) {
                long n = result.getLong(3);
                if (n != 0) {
                    rows.add(new Bucket(result.getInt(1), Math.floorDiv(result.getLong(2), bucket) * bucket, n,
                            result.getDouble(4), result.getDouble(5), result.getDouble(6), result.getDouble(7),
                            result.getLong(8)));
                }
                if (plain && rows.size() > PLAIN_ROWS) {
                    return false;
                }
            }
        }
        for (Bucket b : rows) {
            Map<Long, Bucket> of = buckets.computeIfAbsent(b.series(), k -> new HashMap<>());
            if (of.merge(b.start(), b, Bucket::merge) == b && ++count[0] > query.maxPoints()) {
                throw new HistoryLimitException(query.maxPoints());
            }
        }
        return true;
    }

    private static Map<Integer, List<Point>> points(Map<Integer, Map<Long, Bucket>> buckets, HistoryQuery query) {
        Map<Integer, List<Point>> points = new HashMap<>();
        for (Map<Long, Bucket> of : buckets.values()) {
            for (Bucket b : of.values()) {
                Value value = b.value(query.aggregate());
                if (value != null) {
                    points.computeIfAbsent(b.series(), s -> new ArrayList<>()).add(
                            new Point(Instant.ofEpochMilli(b.start()), value));
                }
            }
        }
        return points;
    }

    /** What a bucket holds of a series' numbers. */
    private record Bucket(int series, long start, long n, double sum, double min, double max, double last,
            long lastAt) {

        Bucket merge(Bucket other) {
            boolean later = other.lastAt > lastAt;
            return new Bucket(series, start, n + other.n, sum + other.sum, Math.min(min, other.min),
                    Math.max(max, other.max), later ? other.last : last, later ? other.lastAt : lastAt);
        }

        Value value(Aggregate aggregate) {
            double value = switch (aggregate) {
                case AVG -> sum / n;
                case SUM -> sum;
                case MIN -> min;
                case MAX -> max;
                case LAST -> last;
                case COUNT -> n;
            };
            return Double.isFinite(value) ? Value.of(value) : null;
        }
    }

    private List<Series> series(Map<Integer, List<Point>> points) {
        List<Series> answer = new ArrayList<>(points.size());
        for (Map.Entry<Integer, List<Point>> e : points.entrySet()) {
            SeriesIndex.Info info = index.byId(e.getKey());
            List<Point> sorted = e.getValue();
            sorted.sort(Comparator.comparing(Point::time));
            answer.add(new Series(info.key().entity(), info.key().attribute(), info.key().unit(), info.key().source(),
                    info.location(), sorted));
        }
        answer.sort(Comparator.comparing((Series s) -> s.entity()).thenComparing(Series::attribute)
                .thenComparing(Series::source));
        return answer;
    }

    private static Value rawValue(ResultSet result) throws SQLException {
        String kind = result.getString(5);
        if (kind.equals("t")) {
            String text = result.getString(4);
            return text == null ? null : Value.of(text);
        }
        double number = result.getDouble(3);
        if (result.wasNull()) {
            return null;
        }
        return kind.equals("b") ? Value.of(number != 0) : Value.of(number);
    }

    /**
     * The last raw reading of each matching series observed in the query's range, one point per series, found by
     * DuckDB ({@code arg_max} per series over the range's raw readings, both tables), not by reading them all out.
     *
     * @throws HistoryLimitException if more series than the query's {@code maxPoints} have a reading in the range
     */
    @Override
    public Optional<List<Series>> latest(HistoryQuery query) throws SQLException {
        return Optional.of(lastReadings(query));
    }

    /** {@link #latest}, as a list. */
    List<Series> lastReadings(HistoryQuery query) throws SQLException {
        List<SeriesIndex.Info> matching = index.matching(query, false);
        if (matching.isEmpty()) {
            return List.of();
        }
        List<Object> all = new ArrayList<>(List.of(query.from().toEpochMilli(), query.to().toEpochMilli()));
        String selected = selection(query, matching, all);
        all.add(query.maxPoints() + 1);
        String sql = "SELECT r.series, max(r.observed), arg_max(r.num, r.observed), arg_max(r.txt, r.observed),"
                + " any_value(s.kind) FROM " + BOTH + " r JOIN series s ON r.series = s.id"
                + " WHERE r.observed >= ? AND r.observed < ?" + selected + " GROUP BY r.series LIMIT ?";
        List<Series> answer = new ArrayList<>();
        synchronized (reader) {
            try (ResultSet result = execute(sql, all)) {
                while (result.next()) {
                    if (answer.size() == query.maxPoints()) {
                        throw new HistoryLimitException(query.maxPoints());
                    }
                    Value value = rawValue(result);
                    if (value != null) {
                        SeriesIndex.Info info = index.byId(result.getInt(1));
                        answer.add(new Series(info.key().entity(), info.key().attribute(), info.key().unit(),
                                info.key().source(), info.location(),
                                List.of(new Point(Instant.ofEpochMilli(result.getLong(2)), value))));
                    }
                }
            }
        }
        answer.sort(Comparator.comparing((Series s) -> s.entity()).thenComparing(Series::attribute)
                .thenComparing(Series::source));
        return answer;
    }

    /** How many raw readings the store holds (a check for tests and the benchmark). */
    long count() throws SQLException {
        synchronized (reader) {
            try (Statement statement = reader.createStatement(); ResultSet result = statement.executeQuery(
                    "SELECT (SELECT count(*) FROM reading) + (SELECT count(*) FROM reading_sorted)")) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** How many one-minute rollup rows the store holds. */
    long rollupRows() throws SQLException {
        synchronized (reader) {
            try (Statement statement = reader.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*) FROM " + ALL_MINUTES)) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** How many one-minute rollup rows one of the tables holds. */
    long rollupRows(int part) throws SQLException {
        synchronized (reader) {
            try (Statement statement = reader.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*) FROM " + minutes(part))) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** The store's size on disk: its file and WAL; 0 in memory. */
    @Override
    public long bytes() {
        if (file == null) {
            return 0;
        }
        long bytes = 0;
        for (Path p : List.of(file, file.resolveSibling(file.getFileName() + ".wal"))) {
            try {
                bytes += Files.exists(p) ? Files.size(p) : 0;
            } catch (IOException e) {
                // Vanished between the check and the size: a checkpoint folded the WAL in.
            }
        }
        return bytes;
    }

    @Override
    public int seriesCount() {
        return index.size();
    }

    @Override
    public String description() {
        return file == null ? "DuckDB in memory" : "DuckDB in " + file;
    }

    /** The store's file, or null in memory. */
    Path file() {
        return file;
    }

    long movedUntil() {
        return movedUntil;
    }

    /** Checkpoints and closes. On the writer thread, after its last write. */
    @Override
    public void close() throws SQLException {
        closeAppenders();
        try {
            if (file != null) {
                writer.commit();
                writer.setAutoCommit(true);
                try (Statement statement = writer.createStatement()) {
                    statement.execute("CHECKPOINT");
                }
            }
        } finally {
            synchronized (reader) {
                statements.values().forEach(HistoryStore::closeQuietly);
                statements.clear();
                closeQuietly(reader);
            }
            writer.close();
        }
    }
}
