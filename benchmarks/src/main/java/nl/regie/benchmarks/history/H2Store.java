package nl.regie.benchmarks.history;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import nl.regie.api.model.Reading;

/**
 * H2 2.x with its MVStore (pure Java, one jar, already an OSGi bundle), the embedded Java database.
 *
 * <p>Layout: H2 keeps a table's rows in one map keyed by its row id; a single {@code BIGINT} primary key becomes
 * that key, any other key is a second map beside the rows. So the readings are keyed by one {@code BIGINT} made
 * of the series (high bits) and the observed time (low 40 bits, milliseconds since 2020): the rows are clustered
 * by series and time, a series' range is one walk of the row map, and there is no second map to keep up (with
 * {@code PRIMARY KEY (series, observed)} H2 ingested about 19,000 readings/s and its file took 600 bytes per
 * reading in a 300,000-reading trial). Settings: the default MVStore (committed changes reach the
 * file from a background writer within {@code WRITE_DELAY}, 500 ms by default, so a crashed process may lose up to
 * that much of what it committed), a 256 MiB cache as every candidate gets.
 */
final class H2Store extends JdbcStore {

    /** 2020-01-01T00:00Z: the origin of the time part of the key. */
    static final long KEY_EPOCH = 1_577_836_800_000L;

    private final Path dir;
    private final PreparedStatement insert;

    private H2Store(Path dir) throws SQLException {
        super("h2", DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("history") + ";CACHE_SIZE="
                + SqliteStore.CACHE_KIB, "sa", ""));
        this.dir = dir;
        start(List.of(
                "CREATE TABLE series" + SERIES_COLUMNS,
                "CREATE UNIQUE INDEX series_key ON series(entity, attribute, unit, source)",
                "CREATE INDEX series_place ON series(type, lon, lat)",
                "CREATE TABLE reading(k BIGINT PRIMARY KEY, series INTEGER NOT NULL, observed BIGINT NOT NULL,"
                        + " received_delay INTEGER, num DOUBLE PRECISION, txt VARCHAR, lon DOUBLE PRECISION,"
                        + " lat DOUBLE PRECISION)"));
        insert = connection.prepareStatement("INSERT INTO reading(series, observed, received_delay, num, txt, lon, lat, k)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /** Opens (creating if need be) the store in {@code dir}. */
    static H2Store open(Path dir) throws SQLException {
        return new H2Store(dir);
    }

    @Override
    protected void insert(List<Reading> batch, SeriesRegistry.Series[] series) throws SQLException {
        for (int i = 0; i < series.length; i++) {
            Reading reading = batch.get(i);
            bindReading(insert, reading, series[i]);
            insert.setLong(8, key(series[i].id(), reading.observedAt().toEpochMilli()));
            insert.addBatch();
        }
        insert.executeBatch();
    }

    /** The row's key: the series in the high bits, milliseconds since 2020 in the low 40 (enough until 2054). */
    static long key(int series, long observed) {
        return ((long) series << 40) + (observed - KEY_EPOCH);
    }

    @Override
    protected String sql(Query.Kind kind) {
        // The same range as a range of the row map's own key, for the series at hand.
        return super.sql(kind).replace("r.observed >= ? AND r.observed < ?",
                "r.k >= s.id * " + (1L << 40) + " + ? - " + KEY_EPOCH + " AND r.k < s.id * " + (1L << 40) + " + ? - "
                        + KEY_EPOCH);
    }

    /** A checkpoint writes what is pending; H2 compacts only as it closes ({@link #compactAndClose()}). */
    @Override
    public void checkpoint() throws SQLException {
        execute("CHECKPOINT SYNC");
    }

    @Override
    public void compactAndClose() throws SQLException {
        insert.close();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN COMPACT");
        }
        connection.close();
    }

    @Override
    public long diskBytes() throws IOException {
        return folderBytes(dir);
    }

    @Override
    public String integrity() throws SQLException {
        // H2 has no integrity check statement; reading the whole primary key and the row map is the test.
        long viaKey = Long.parseLong(text("SELECT count(*) FROM reading WHERE series >= 0"));
        long rows = Long.parseLong(text("SELECT count(*) FROM reading"));
        return viaKey == rows ? "ok" : "the key has " + viaKey + " rows, the table " + rows;
    }

    @Override
    public void close() throws SQLException {
        insert.close();
        super.close();
    }
}
