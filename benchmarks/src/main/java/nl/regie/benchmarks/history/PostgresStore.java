package nl.regie.benchmarks.history;

import java.io.IOException;
import java.io.StringReader;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * PostgreSQL (Debian's 15, a server: the scale-out reference, not an embedded candidate), through pgjdbc on
 * loopback. TimescaleDB would add time partitioning and compression; it is not installable here.
 *
 * <p>Layout: rows in a heap in arrival order with the primary key {@code (series, observed)} as a B-tree beside them;
 * rows go in by {@code COPY}, PostgreSQL's bulk path, one transaction per batch. The cluster runs with a 256 MiB
 * {@code shared_buffers} as every candidate's cache and {@code synchronous_commit=off}, the same durability class as
 * the embedded stores' settings (never corrupt; an OS crash loses at most the last fraction of a second).
 */
final class PostgresStore extends JdbcStore {

    private final CopyManager copy;
    private final StringBuilder rows = new StringBuilder(1 << 20);

    private PostgresStore(String url) throws SQLException {
        super("postgres", DriverManager.getConnection(url));
        start(List.of(
                "CREATE TABLE series" + SERIES_COLUMNS,
                "CREATE UNIQUE INDEX series_key ON series(entity, attribute, unit, source)",
                "CREATE INDEX series_place ON series(type, lon, lat)",
                "CREATE TABLE reading(series INTEGER NOT NULL, observed BIGINT NOT NULL, received_delay INTEGER,"
                        + " num DOUBLE PRECISION, txt TEXT, lon DOUBLE PRECISION, lat DOUBLE PRECISION,"
                        + " PRIMARY KEY (series, observed))"));
        copy = connection.unwrap(PGConnection.class).getCopyAPI();
    }

    /** Opens (creating the tables if need be) the store in the database at {@code url}. */
    static PostgresStore open(String url) throws SQLException {
        return new PostgresStore(url);
    }

    @Override
    protected void insert(List<Reading> batch, SeriesRegistry.Series[] series) throws SQLException {
        rows.setLength(0);
        for (int i = 0; i < series.length; i++) {
            Reading reading = batch.get(i);
            long observed = reading.observedAt().toEpochMilli();
            rows.append(series[i].id()).append('\t').append(observed).append('\t')
                    .append(reading.receivedAt().toEpochMilli() - observed).append('\t');
            Double number = SeriesRegistry.number(reading.value());
            rows.append(number == null ? "\\N" : Double.toString(number)).append('\t');
            String text = SeriesRegistry.text(reading.value());
            if (text == null) {
                rows.append("\\N");
            } else {
                escape(text);
            }
            Location own = SeriesRegistry.ownLocation(reading, series[i]);
            if (own == null) {
                rows.append("\t\\N\t\\N\n");
            } else {
                rows.append('\t').append(own.longitude()).append('\t').append(own.latitude()).append('\n');
            }
        }
        try {
            copy.copyIn("COPY reading(series, observed, received_delay, num, txt, lon, lat) FROM STDIN",
                    new StringReader(rows.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY failed: " + e.getMessage(), e);
        }
    }

    private void escape(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> rows.append("\\\\");
                case '\t' -> rows.append("\\t");
                case '\n' -> rows.append("\\n");
                case '\r' -> rows.append("\\r");
                default -> rows.append(c);
            }
        }
    }

    @Override
    public void checkpoint() throws SQLException {
        connection.setAutoCommit(true);
        try {
            execute("CHECKPOINT");
        } finally {
            connection.setAutoCommit(false);
        }
    }

    /** {@code VACUUM ANALYZE}, as autovacuum would do soon after a bulk load. */
    @Override
    public void compactAndClose() throws SQLException {
        connection.setAutoCommit(true);
        execute("VACUUM ANALYZE reading", "VACUUM ANALYZE series", "CHECKPOINT");
        close();
    }

    @Override
    public long diskBytes() throws SQLException {
        return Long.parseLong(text("SELECT pg_total_relation_size('reading') + pg_total_relation_size('series')"));
    }

    @Override
    public String integrity() throws SQLException {
        text("SELECT sum(series), sum(observed) FROM reading");
        return "ok";
    }
}
