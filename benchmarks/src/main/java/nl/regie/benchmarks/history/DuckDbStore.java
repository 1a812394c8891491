package nl.regie.benchmarks.history;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * DuckDB (duckdb_jdbc: the DuckDB C++ library in the jar, loaded through JNI), the embedded column store built for
 * analytics.
 *
 * <p>Layout: no key and no index. DuckDB stores each column compressed in row groups of about 122,880 rows and
 * keeps the min and max of each column per group, and skips every group a filter rules out. Readings arrive in time
 * order, so a time range alone skips well; one series' readings are spread over every group of its range, so
 * "one attribute of one entity over a day" reads a day of everything. Hence two tables: new readings are appended to
 * {@code reading} (the hot hour or two); once an hour is closed (the newest reading is {@link #LATENESS} past its
 * end) the writer moves it, sorted by {@code (series, observed)}, into {@code reading_sorted}, where each row group
 * then holds few series of one hour and the join's filter on the series (DuckDB pushes the matching series' min and
 * max into the scan) skips the rest. Queries read both tables. The {@code duckdb-plain} variant keeps the one
 * table. An ART index on {@code (series, observed)} is no help: DuckDB uses it for point lookups, not for the hash
 * join and range these queries are, and pays for it on every insert. Rows go in through DuckDB's appender, its bulk
 * path (a batched {@code INSERT} goes row by row through the SQL layer and runs at a few thousand rows a second), one
 * transaction per batch. Settings: its own WAL, checkpointed to the file at 16 MiB; memory limited to 256 MiB as every
 * candidate's cache; two threads.
 */
final class DuckDbStore extends JdbcStore {

    /** How long after an hour's end its late readings may still arrive before the hour is moved and sorted. */
    static final long LATENESS = 5 * City.MINUTE;

    private final Path dir;
    private final boolean sorted;
    /** Readings observed before this are in {@code reading_sorted} (or arrived late, and wait in {@code reading}). */
    private long movedUntil;
    private long newest = Long.MIN_VALUE;
    /** DuckDB's appender belongs to the thread that made it: made by the writer thread on its first batch. */
    private DuckDBAppender appender;
    private Thread appenderThread;

    private DuckDbStore(String name, Path dir, boolean sorted) throws SQLException {
        super(name, DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("history.duckdb")));
        this.dir = dir;
        this.sorted = sorted;
        execute("SET memory_limit = '256MB'", "SET threads = 2", "SET preserve_insertion_order = true");
        String columns = "(series INTEGER NOT NULL, observed BIGINT NOT NULL, received_delay INTEGER, num DOUBLE,"
                + " txt VARCHAR, lon DOUBLE, lat DOUBLE)";
        start(List.of(
                "CREATE TABLE series" + SERIES_COLUMNS.replace("id INTEGER PRIMARY KEY", "id INTEGER"),
                "CREATE TABLE reading" + columns,
                "CREATE TABLE reading_sorted" + columns));
        String moved = text("SELECT max(observed) FROM reading_sorted");
        movedUntil = moved == null ? Long.MIN_VALUE : (Long.parseLong(moved) / Query.HOUR + 1) * Query.HOUR;
    }

    /** Opens (creating if need be) the store in {@code dir}, with closed hours moved and sorted. */
    static DuckDbStore open(Path dir) throws SQLException {
        return new DuckDbStore("duckdb", dir, true);
    }

    /** The variant with one table in arrival order. */
    static DuckDbStore openPlain(Path dir) throws SQLException {
        return new DuckDbStore("duckdb-plain", dir, false);
    }

    /** Moves every closed hour from the hot table into the sorted one, in one transaction. */
    @Override
    protected void afterCommit() throws SQLException {
        if (!sorted || newest == Long.MIN_VALUE) {
            return;
        }
        long closed = Math.floorDiv(newest - LATENESS, Query.HOUR) * Query.HOUR;
        if (closed <= movedUntil) {
            return;
        }
        execute("INSERT INTO reading_sorted SELECT * FROM reading WHERE observed < " + closed
                + " ORDER BY series, observed", "DELETE FROM reading WHERE observed < " + closed);
        movedUntil = closed;
    }

    @Override
    protected void insert(List<Reading> batch, SeriesRegistry.Series[] series) throws SQLException {
        if (appenderThread != Thread.currentThread()) {
            if (appender != null) {
                appender.close();
            }
            appender = connection.unwrap(DuckDBConnection.class).createAppender("main", "reading");
            appenderThread = Thread.currentThread();
        }
        for (int i = 0; i < series.length; i++) {
            Reading reading = batch.get(i);
            long observed = reading.observedAt().toEpochMilli();
            newest = Math.max(newest, observed);
            appender.beginRow();
            appender.append(series[i].id());
            appender.append(observed);
            appender.append((int) (reading.receivedAt().toEpochMilli() - observed));
            Double number = SeriesRegistry.number(reading.value());
            if (number == null) {
                appender.appendNull();
            } else {
                appender.append(number.doubleValue());
            }
            String text = SeriesRegistry.text(reading.value());
            if (text == null) {
                appender.appendNull();
            } else {
                appender.append(text);
            }
            Location own = SeriesRegistry.ownLocation(reading, series[i]);
            if (own == null) {
                appender.appendNull();
                appender.appendNull();
            } else {
                appender.append(own.longitude());
                appender.append(own.latitude());
            }
            appender.endRow();
        }
        appender.flush();
    }

    /** Through an appender too: DuckDB's batched INSERT takes seconds for the city's 25,000 series. */
    @Override
    protected void insertSeries(List<Reading> added, int firstId) throws SQLException {
        try (DuckDBAppender series = connection.unwrap(DuckDBConnection.class).createAppender("main", "series")) {
            int id = firstId;
            for (Reading reading : added) {
                series.beginRow();
                series.append(id++);
                series.append(reading.entity().toString());
                series.append(reading.entityType());
                series.append(reading.attribute());
                series.append(reading.unit());
                series.append(reading.source());
                series.append(String.valueOf(SeriesRegistry.kind(reading.value())));
                if (reading.location() == null) {
                    series.appendNull();
                    series.appendNull();
                } else {
                    series.append(reading.location().longitude());
                    series.append(reading.location().latitude());
                }
                series.endRow();
            }
            series.flush();
        }
    }

    @Override
    protected String sql(Query.Kind kind) {
        // DuckDB's "/" divides as floating point; "//" is its integer division.
        String sql = super.sql(kind).replace("r.observed / ?", "r.observed // ?");
        return sorted ? sql.replace("JOIN reading r", "JOIN (SELECT * FROM reading UNION ALL SELECT * FROM reading_sorted) r")
                : sql;
    }

    @Override
    public long count() throws SQLException {
        return Long.parseLong(text("SELECT (SELECT count(*) FROM reading) + (SELECT count(*) FROM reading_sorted)"));
    }

    @Override
    public void checkpoint() throws SQLException {
        execute("CHECKPOINT");
    }

    @Override
    public long diskBytes() throws IOException {
        return folderBytes(dir);
    }

    @Override
    public String integrity() throws SQLException {
        // DuckDB has no integrity check statement; it checksums every block it reads, so a full scan is the test.
        text("SELECT sum(series), sum(observed), sum(num) FROM reading");
        text("SELECT sum(series), sum(observed), sum(num) FROM reading_sorted");
        return "ok";
    }

    @Override
    public void close() throws SQLException {
        if (appender != null) {
            appender.close();
        }
        super.close();
    }
}
