package nl.regie.benchmarks.history;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import nl.regie.api.model.Reading;

/**
 * SQLite (xerial sqlite-jdbc: the SQLite C library in the jar, loaded through JNI), the embedded row store every
 * platform ships.
 *
 * <p>Layout: the readings clustered by series and time, {@code PRIMARY KEY (series, observed) WITHOUT ROWID}, so a
 * series' range is one walk along adjacent leaf pages and no second index exists to keep up. The
 * {@code rowid} variant ({@code sqlite-rowid}) appends rows in arrival order and keeps an index on
 * {@code (series, observed)} beside them instead: cheaper pages for the writer, a lookup per row for the reader.
 * Settings: WAL journal with {@code synchronous=NORMAL} (a commit is one append to the WAL, no fsync; a process crash
 * loses nothing committed, a power cut at most the last commits, never the file), a 256 MiB page cache as every
 * candidate gets, reads through a memory map of up to 1 GiB (no copy from the OS cache into SQLite's), temporary data
 * in memory; duplicates of a (series, time) are ignored ({@code INSERT OR IGNORE}):
 * a device that resends is not stored twice.
 */
final class SqliteStore extends JdbcStore {

    static final long CACHE_KIB = 256 * 1024;

    private final Path dir;
    private final PreparedStatement insert;

    private SqliteStore(String name, Path dir, boolean clustered) throws SQLException {
        super(name, DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db")));
        this.dir = dir;
        execute("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-" + CACHE_KIB,
                "PRAGMA temp_store=MEMORY", "PRAGMA mmap_size=" + (1L << 30));
        start(List.of(
                "CREATE TABLE series" + SERIES_COLUMNS,
                "CREATE UNIQUE INDEX series_key ON series(entity, attribute, unit, source)",
                "CREATE INDEX series_place ON series(type, lon, lat)",
                clustered
                        ? "CREATE TABLE reading(series INTEGER NOT NULL, observed INTEGER NOT NULL, received_delay INTEGER,"
                                + " num REAL, txt TEXT, lon REAL, lat REAL, PRIMARY KEY (series, observed)) WITHOUT ROWID"
                        : "CREATE TABLE reading(series INTEGER NOT NULL, observed INTEGER NOT NULL, received_delay INTEGER,"
                                + " num REAL, txt TEXT, lon REAL, lat REAL)",
                clustered ? "SELECT 1" : "CREATE INDEX reading_series ON reading(series, observed)"));
        insert = connection.prepareStatement("INSERT OR IGNORE INTO reading(series, observed, received_delay, num, txt,"
                + " lon, lat) VALUES (?, ?, ?, ?, ?, ?, ?)");
    }

    /** Opens (creating if need be) the store in {@code dir}. */
    static SqliteStore open(Path dir) throws SQLException {
        return new SqliteStore("sqlite", dir, true);
    }

    /** The variant with rows in arrival order and an index beside them. */
    static SqliteStore openRowid(Path dir) throws SQLException {
        return new SqliteStore("sqlite-rowid", dir, false);
    }

    @Override
    protected void insert(List<Reading> batch, SeriesRegistry.Series[] series) throws SQLException {
        for (int i = 0; i < series.length; i++) {
            bindReading(insert, batch.get(i), series[i]);
            insert.addBatch();
        }
        insert.executeBatch();
    }

    @Override
    public void checkpoint() throws SQLException {
        // Outside a transaction: the checkpoint must not be inside the one the driver opens for the next statement.
        connection.setAutoCommit(true);
        try {
            execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } finally {
            connection.setAutoCommit(false);
        }
    }

    @Override
    public long diskBytes() throws IOException {
        return folderBytes(dir);
    }

    @Override
    public String integrity() throws SQLException {
        return text("PRAGMA quick_check");
    }

    @Override
    public void close() throws SQLException {
        insert.close();
        super.close();
    }
}
