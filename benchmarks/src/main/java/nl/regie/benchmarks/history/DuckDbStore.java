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
 * keeps the min and max of each column per group; readings arrive in time order, so a time range skips every group
 * outside it, and within the range a scan of a few compressed columns is what DuckDB is fastest at. An ART index on
 * {@code (series, observed)} would make the point queries cheaper but costs DuckDB dearly on every insert and must
 * fit in memory. Rows go in through DuckDB's appender, its bulk path (a batched {@code INSERT} goes row by row through
 * the SQL layer and runs at a few thousand rows a second), one transaction per batch. Settings: its own WAL, checkpointed
 * to the file at 16 MiB; memory limited to 256 MiB as every candidate's cache; two threads.
 */
final class DuckDbStore extends JdbcStore {

    private final Path dir;
    /** DuckDB's appender belongs to the thread that made it: made by the writer thread on its first batch. */
    private DuckDBAppender appender;
    private Thread appenderThread;

    private DuckDbStore(Path dir) throws SQLException {
        super("duckdb", DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("history.duckdb")));
        this.dir = dir;
        execute("SET memory_limit = '256MB'", "SET threads = 2", "SET preserve_insertion_order = true");
        start(List.of(
                "CREATE TABLE series" + SERIES_COLUMNS.replace("id INTEGER PRIMARY KEY", "id INTEGER"),
                "CREATE TABLE reading(series INTEGER NOT NULL, observed BIGINT NOT NULL, received_delay INTEGER,"
                        + " num DOUBLE, txt VARCHAR, lon DOUBLE, lat DOUBLE)"));
    }

    /** Opens (creating if need be) the store in {@code dir}. */
    static DuckDbStore open(Path dir) throws SQLException {
        return new DuckDbStore(dir);
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
        return super.sql(kind).replace("r.observed / ?", "r.observed // ?");
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
