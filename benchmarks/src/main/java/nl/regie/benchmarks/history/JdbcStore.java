package nl.regie.benchmarks.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;

/**
 * What the JDBC candidates share: one connection (the writer's, also used for the queries, one after the other),
 * the series registry, one transaction per batch, and the running of the four queries. Each store says how it
 * inserts the rows of a batch and gives its own SQL for each query.
 */
abstract class JdbcStore implements HistoryStore {

    /** The schema every store has, give or take its types, keys and indexes. */
    static final String SERIES_COLUMNS = "(id INTEGER PRIMARY KEY, entity VARCHAR NOT NULL, type VARCHAR NOT NULL,"
            + " attribute VARCHAR NOT NULL, unit VARCHAR NOT NULL, source VARCHAR NOT NULL, kind CHAR(1) NOT NULL,"
            + " lon DOUBLE PRECISION, lat DOUBLE PRECISION)";

    /** Standard SQL for the queries; a store whose dialect differs overrides {@link #sql}. */
    static final Map<Query.Kind, String> STANDARD_SQL = new EnumMap<>(Map.of(
            Query.Kind.DAY, "SELECT r.observed / ? AS b, count(*), avg(r.num), min(r.num), max(r.num)"
                    + " FROM series s JOIN reading r ON r.series = s.id"
                    + " WHERE s.entity = ? AND s.attribute = ? AND r.observed >= ? AND r.observed < ?"
                    + " GROUP BY b ORDER BY b",
            Query.Kind.RAW_HOUR, "SELECT r.observed, r.num FROM series s JOIN reading r ON r.series = s.id"
                    + " WHERE s.entity = ? AND s.attribute = ? AND r.observed >= ? AND r.observed < ?"
                    + " ORDER BY r.observed",
            Query.Kind.AREA_BUCKETS, "SELECT s.attribute, r.observed / ? AS b, count(*), avg(r.num), min(r.num),"
                    + " max(r.num) FROM series s JOIN reading r ON r.series = s.id"
                    + " WHERE s.type = ? AND s.kind = 'n' AND s.lon BETWEEN ? AND ? AND s.lat BETWEEN ? AND ?"
                    + " AND r.observed >= ? AND r.observed < ? GROUP BY s.attribute, b ORDER BY s.attribute, b",
            Query.Kind.AREA_ENTITIES, "SELECT s.entity, s.attribute, count(*), avg(r.num), min(r.num), max(r.num)"
                    + " FROM series s JOIN reading r ON r.series = s.id"
                    + " WHERE s.kind = 'n' AND s.lon BETWEEN ? AND ? AND s.lat BETWEEN ? AND ?"
                    + " AND r.observed >= ? AND r.observed < ? GROUP BY s.id, s.entity, s.attribute"
                    + " ORDER BY s.entity, s.attribute"));

    protected final Connection connection;
    protected final SeriesRegistry registry = new SeriesRegistry();
    private final String name;
    private final Map<Query.Kind, PreparedStatement> queries = new EnumMap<>(Query.Kind.class);

    protected JdbcStore(String name, Connection connection) {
        this.name = name;
        this.connection = connection;
    }

    /** Creates the schema if the store is new, loads the series; call once, from the subclass's opener. */
    protected final void start(List<String> schema) throws SQLException {
        boolean fresh;
        try (ResultSet tables = connection.getMetaData().getTables(null, null, "%", null)) {
            fresh = true;
            while (tables.next()) {
                if (tables.getString("TABLE_NAME").equalsIgnoreCase("reading")) {
                    fresh = false;
                }
            }
        }
        if (fresh) {
            try (Statement statement = connection.createStatement()) {
                for (String ddl : schema) {
                    statement.execute(ddl);
                }
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
        registry.load(connection);
        connection.setAutoCommit(false);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void write(List<Reading> batch) throws SQLException {
        int known = registry.size();
        SeriesRegistry.Series[] series = new SeriesRegistry.Series[batch.size()];
        List<Reading> added = new ArrayList<>();
        try {
            for (int i = 0; i < series.length; i++) {
                series[i] = registry.of(batch.get(i), added);
            }
            if (!added.isEmpty()) {
                insertSeries(added, known + 1);
            }
            insert(batch, series);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            registry.forgetAbove(known);
            connection.rollback();
            throw e;
        }
        afterCommit();
    }

    /** What the store does after a batch is committed: housekeeping of its layout, in a transaction of its own. */
    protected void afterCommit() throws SQLException {
    }

    /** Inserts new series, numbered from {@code firstId}, in the open transaction. */
    protected void insertSeries(List<Reading> added, int firstId) throws SQLException {
        SeriesRegistry.insert(connection, added, firstId);
    }

    /** Inserts the reading rows of one batch, in the open transaction; {@code series[i]} is {@code batch[i]}'s. */
    protected abstract void insert(List<Reading> batch, SeriesRegistry.Series[] series) throws SQLException;

    /**
     * Sets the first seven parameters of an insert into {@code reading} as the schema orders its columns: series,
     * observed (epoch ms), the receive delay (ms), the number (or NULL), the text, and the reading's own location where
     * it differs from its series' (else NULL, NULL).
     */
    protected static void bindReading(PreparedStatement insert, Reading reading, SeriesRegistry.Series series)
            throws SQLException {
        long observed = reading.observedAt().toEpochMilli();
        insert.setInt(1, series.id());
        insert.setLong(2, observed);
        insert.setInt(3, (int) (reading.receivedAt().toEpochMilli() - observed));
        Double number = SeriesRegistry.number(reading.value());
        if (number == null) {
            insert.setNull(4, Types.DOUBLE);
        } else {
            insert.setDouble(4, number);
        }
        insert.setString(5, SeriesRegistry.text(reading.value()));
        Location own = SeriesRegistry.ownLocation(reading, series);
        if (own == null) {
            insert.setNull(6, Types.DOUBLE);
            insert.setNull(7, Types.DOUBLE);
        } else {
            insert.setDouble(6, own.longitude());
            insert.setDouble(7, own.latitude());
        }
    }

    /** This store's SQL for a query, with the parameters in the order {@link #bind} sets them. */
    protected String sql(Query.Kind kind) {
        return STANDARD_SQL.get(kind);
    }

    @Override
    public final List<Row> query(Query query) throws SQLException {
        PreparedStatement statement = queries.get(query.kind());
        if (statement == null) {
            statement = connection.prepareStatement(sql(query.kind()));
            queries.put(query.kind(), statement);
        }
        bind(statement, query);
        List<Row> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rows.add(switch (query.kind()) {
                    case DAY -> new Row("", result.getLong(1) * query.bucketMillis(), result.getLong(2),
                            result.getDouble(3), result.getDouble(4), result.getDouble(5));
                    case RAW_HOUR -> new Row("", result.getLong(1), 1, result.getDouble(2), result.getDouble(2),
                            result.getDouble(2));
                    case AREA_BUCKETS -> new Row(result.getString(1), result.getLong(2) * query.bucketMillis(),
                            result.getLong(3), result.getDouble(4), result.getDouble(5), result.getDouble(6));
                    case AREA_ENTITIES -> new Row(result.getString(1) + " " + result.getString(2), 0,
                            result.getLong(3), result.getDouble(4), result.getDouble(5), result.getDouble(6));
                });
            }
        }
        connection.commit();
        return rows;
    }

    private static void bind(PreparedStatement statement, Query query) throws SQLException {
        int i = 1;
        switch (query.kind()) {
            case DAY, RAW_HOUR -> {
                if (query.kind() == Query.Kind.DAY) {
                    statement.setLong(i++, query.bucketMillis());
                }
                statement.setString(i++, query.entity());
                statement.setString(i++, query.attribute());
            }
            case AREA_BUCKETS, AREA_ENTITIES -> {
                if (query.kind() == Query.Kind.AREA_BUCKETS) {
                    statement.setLong(i++, query.bucketMillis());
                    statement.setString(i++, query.type());
                }
                statement.setDouble(i++, query.west());
                statement.setDouble(i++, query.east());
                statement.setDouble(i++, query.south());
                statement.setDouble(i++, query.north());
            }
        }
        statement.setLong(i++, query.from());
        statement.setLong(i, query.to());
    }

    @Override
    public long count() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM reading")) {
            result.next();
            long count = result.getLong(1);
            connection.commit();
            return count;
        }
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement statement : queries.values()) {
            statement.close();
        }
        connection.close();
    }

    /** The total size of the regular files under {@code dir}. */
    static long folderBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    /** Runs statements on the store's connection, committing after them. */
    protected void execute(String... sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String s : sql) {
                statement.execute(s);
            }
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }

    /** The first column of the first row of {@code sql}, as text. */
    protected String text(String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            String value = result.next() ? result.getString(1) : null;
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
            return value;
        }
    }
}
