package nl.regie.runtime.history;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.history.HistoryLimitException;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.Point;
import nl.regie.runtime.spi.history.Series;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The history in PostgreSQL, for a city that outgrows one machine: the same semantics as the DuckDB store
 * ({@link HistoryStore}) on a server, in the schema {@code regie_history} of the configured database. Tables:
 * {@code series}, {@code reading} (every raw reading, written by {@code COPY}, one transaction per batch),
 * {@code rollup_1m} (one-minute count, sum, min, max and last of each closed hour, as DuckDB's) and {@code moved} (how
 * far the rollups reach). With TimescaleDB ({@code CREATE EXTENSION IF NOT EXISTS timescaledb} succeeds when the
 * tables are made) {@code reading} and {@code rollup_1m} are hypertables (chunks of a day and a week); otherwise plain
 * tables with a BRIN index on time and a B-tree on (series, time). {@link #description()} says which.
 *
 * <p>Unlike DuckDB's hot table, raw readings stay where they are written: each closed hour is rolled up from
 * {@code reading} in place, and a reading that arrives after its hour was rolled up (late) adds its own rollup row
 * in the same transaction as its raw row, so it lands in its bucket.
 *
 * <p>A server that cannot be reached (down, refusing the login, a password file missing) never fails the store's
 * opening: {@link #problem()} says why, every write throws {@link StoreUnavailableException} (the writer keeps the
 * batch and tries again) and tries to connect again first. One runtime writes a database: the writer's connection
 * holds an advisory lock, and a second runtime pointed at the same database is told so and waits for it.
 *
 * <p>Threads: one writer thread calls {@link #write}, {@link #maintain} and {@link #close}; any thread may call
 * {@link #query}, which runs on a connection of its own, one query at a time.
 */
final class PostgresStore implements Store {

    /** The schema the tables live in. */
    static final String SCHEMA = "regie_history";
    /** The advisory lock the writer's connection holds: one runtime per database ("regie" in ASCII). */
    static final long LOCK = 0x7265676965L;
    /** Seconds a connection attempt may take, unless the URL says otherwise. */
    static final int CONNECT_TIMEOUT_SECONDS = 5;
    /** Seconds a statement may wait for the server's answer before the connection counts as lost. */
    static final int SOCKET_TIMEOUT_SECONDS = 120;
    /** How often the size on disk is asked for. */
    static final long SIZE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final String LAST = "(array_agg(num ORDER BY observed DESC))[1]";

    /**
     * Where the store is.
     *
     * @param url          {@code jdbc:postgresql://host:port/database}, without a password
     * @param user         the role to log in as; empty for the driver's default (or the URL's {@code user})
     * @param passwordFile a file holding the role's password (one line), read at each connection; null for none
     */
    record Settings(String url, String user, Path passwordFile) {
    }

    private final Settings settings;
    private final Clock clock;
    private final Consumer<String> info;
    private final Consumer<String> warn;
    private final Object readerLock = new Object();
    private volatile SeriesIndex index = new SeriesIndex();
    private volatile boolean loaded;
    private volatile String problem;
    private volatile String layout = "not connected yet";
    private volatile long movedUntil = Long.MIN_VALUE;
    private volatile long bytes;
    private long sizedAt = System.nanoTime() - SIZE_EVERY_NANOS;
    private long newest = Long.MIN_VALUE;
    private long nextConnectNanos = System.nanoTime();
    private Connection writer;
    private CopyManager copy;
    private Connection reader;
    private boolean timescale;
    private final StringBuilder rows = new StringBuilder(1 << 16);

    private PostgresStore(Settings settings, Clock clock, Consumer<String> info, Consumer<String> warn) {
        this.settings = settings;
        this.clock = clock;
        this.info = info;
        this.warn = warn;
    }

    /**
     * Opens the store and connects if it can; it never fails for the server: when it cannot connect, {@code warn}
     * says why, {@link #problem()} keeps it, and the first write tries again.
     */
    static PostgresStore open(Settings settings, Clock clock, Consumer<String> info, Consumer<String> warn) {
        PostgresStore store = new PostgresStore(settings, clock, info, warn);
        try {
            store.connect();
        } catch (StoreUnavailableException e) {
            warn.accept(e.getMessage() + "; readings wait in the history's queue and the store is tried again");
        }
        return store;
    }

    /** The driver's connection properties: the user, the password from its file, time limits, a name. */
    private Properties properties() throws StoreUnavailableException {
        String url = settings.url() == null ? "" : settings.url().strip();
        if (!url.startsWith("jdbc:postgresql:")) {
            throw unavailable("the history's url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database),"
                    + " was '" + url + "'", null);
        }
        if (url.toLowerCase(java.util.Locale.ROOT).matches(".*[?&]password=.*")) {
            throw unavailable("the history's url must not hold a password: put it in the file passwordFile names", null);
        }
        Properties properties = new Properties();
        if (settings.user() != null && !settings.user().isBlank()) {
            properties.setProperty("user", settings.user().strip());
        }
        if (settings.passwordFile() != null) {
            try {
                String password = Files.readString(settings.passwordFile(), StandardCharsets.UTF_8).strip();
                if (password.isEmpty()) {
                    throw unavailable("the history's passwordFile " + settings.passwordFile() + " is empty", null);
                }
                properties.setProperty("password", password);
            } catch (IOException e) {
                throw unavailable("the history's passwordFile " + settings.passwordFile() + " cannot be read ("
                        + e + ")", e);
            }
        }
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(2 * CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "regie-history");
        return properties;
    }

    private Connection newConnection() throws StoreUnavailableException {
        Properties properties = properties();
        try {
            Connection connection = new org.postgresql.Driver().connect(settings.url().strip(), properties);
            if (connection == null) {
                throw unavailable("the PostgreSQL driver does not take the url '" + settings.url() + "'", null);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET search_path TO " + SCHEMA + ", public");
                // A query's plan for its own values: a generic plan of a prepared type query guesses one matching
                // series and loops over the hour's aggregate once per series (minutes instead of milliseconds).
                statement.execute("SET plan_cache_mode = force_custom_plan");
            } catch (SQLException e) {
                closeQuietly(connection);
                throw e;
            }
            return connection;
        } catch (SQLException e) {
            throw unavailable("cannot connect to the history's PostgreSQL at " + where() + ": " + firstLine(e), e);
        } catch (NoClassDefFoundError e) {
            throw unavailable("the PostgreSQL driver (bundle org.postgresql.jdbc) is not installed", null);
        }
    }

    /** Connects the writer: takes the lock, makes the schema if need be, loads the series. On the writer thread. */
    private void connect() throws StoreUnavailableException {
        try {
            connectWriter();
        } catch (StoreUnavailableException e) {
            problem = e.getMessage();
            throw e;
        }
    }

    private void connectWriter() throws StoreUnavailableException {
        Connection connection = newConnection();
        try {
            try (Statement statement = connection.createStatement()) {
                try (ResultSet lock = statement.executeQuery("SELECT pg_try_advisory_lock(" + LOCK + ")")) {
                    lock.next();
                    if (!lock.getBoolean(1)) {
                        throw unavailable("another Regie runtime writes the history in " + where()
                                + " (it holds the advisory lock " + LOCK + "); one runtime per database", null);
                    }
                }
                String made = schema(statement);
                movedUntil = movedUntil(statement);
                SeriesIndex fresh = new SeriesIndex();
                fresh.load(connection);
                index = fresh;
                loaded = true;
                String version;
                try (ResultSet v = statement.executeQuery("SHOW server_version")) {
                    v.next();
                    version = v.getString(1);
                }
                layout = "PostgreSQL " + version + " at " + where() + ", " + made;
            }
            connection.setAutoCommit(false);
            copy = connection.unwrap(PGConnection.class).getCopyAPI();
        } catch (SQLException e) {
            closeQuietly(connection);
            if (e instanceof StoreUnavailableException u) {
                throw u;
            }
            throw unavailable("the history's PostgreSQL at " + where() + " refused its tables: " + firstLine(e), e);
        }
        writer = connection;
        String was = problem;
        problem = null;
        info.accept("History kept in " + layout + " (" + index.size() + " series)"
                + (was == null ? "" : "; connected again after: " + was));
    }

    /** Makes the schema, its tables and indexes if need be; returns which layout the tables have. */
    private String schema(Statement statement) throws SQLException {
        statement.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
        boolean fresh;
        try (ResultSet exists = statement.executeQuery("SELECT to_regclass('" + SCHEMA + ".reading') IS NULL")) {
            exists.next();
            fresh = exists.getBoolean(1);
        }
        String extension = null;
        if (fresh) {
            try {
                statement.execute("CREATE EXTENSION IF NOT EXISTS timescaledb");
            } catch (SQLException e) {
                // Not installed on the server, not preloaded, or not ours to create: plain tables.
            }
        }
        try (ResultSet ext = statement.executeQuery("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'")) {
            extension = ext.next() ? ext.getString(1) : null;
        }
        statement.execute("CREATE TABLE IF NOT EXISTS series(id INTEGER PRIMARY KEY, entity TEXT NOT NULL,"
                + " type TEXT NOT NULL, attribute TEXT NOT NULL, unit TEXT NOT NULL, source TEXT NOT NULL,"
                + " kind CHAR(1) NOT NULL, lon DOUBLE PRECISION, lat DOUBLE PRECISION)");
        statement.execute("CREATE INDEX IF NOT EXISTS series_type ON series(type)");
        statement.execute("CREATE INDEX IF NOT EXISTS series_entity ON series(entity)");
        statement.execute("CREATE TABLE IF NOT EXISTS reading(series INTEGER NOT NULL, observed BIGINT NOT NULL,"
                + " received_delay INTEGER, num DOUBLE PRECISION, txt TEXT, lon DOUBLE PRECISION, lat DOUBLE PRECISION)");
        statement.execute("CREATE TABLE IF NOT EXISTS rollup_1m(series INTEGER NOT NULL, bucket BIGINT NOT NULL,"
                + " n INTEGER NOT NULL, sum DOUBLE PRECISION, min DOUBLE PRECISION, max DOUBLE PRECISION,"
                + " last DOUBLE PRECISION, last_at BIGINT)");
        statement.execute("CREATE TABLE IF NOT EXISTS moved(until BIGINT NOT NULL)");
        if (fresh && extension != null) {
            statement.execute("SELECT create_hypertable('" + SCHEMA + ".reading', 'observed',"
                    + " chunk_time_interval => " + HistoryStore.DAY + "::bigint, if_not_exists => true)");
            statement.execute("SELECT create_hypertable('" + SCHEMA + ".rollup_1m', 'bucket',"
                    + " chunk_time_interval => " + 7 * HistoryStore.DAY + "::bigint, if_not_exists => true)");
        }
        timescale = extension != null && hypertable(statement);
        if (!timescale) {
            statement.execute("CREATE INDEX IF NOT EXISTS reading_time ON reading USING brin(observed)");
            statement.execute("CREATE INDEX IF NOT EXISTS rollup_time ON rollup_1m USING brin(bucket)");
        }
        statement.execute("CREATE INDEX IF NOT EXISTS reading_series_time ON reading(series, observed)");
        statement.execute("CREATE INDEX IF NOT EXISTS rollup_series_bucket ON rollup_1m(series, bucket)");
        return timescale ? "TimescaleDB " + extension + " hypertables"
                : "plain tables (BRIN on time, B-tree on series and time)"
                        + (extension == null ? "; TimescaleDB is not available" : "; made before TimescaleDB was there");
    }

    private static boolean hypertable(Statement statement) throws SQLException {
        try (ResultSet h = statement.executeQuery("SELECT count(*) FROM timescaledb_information.hypertables"
                + " WHERE hypertable_schema = '" + SCHEMA + "' AND hypertable_name = 'reading'")) {
            h.next();
            return h.getLong(1) > 0;
        }
    }

    private static long movedUntil(Statement statement) throws SQLException {
        try (ResultSet moved = statement.executeQuery("SELECT max(until) FROM moved")) {
            moved.next();
            long until = moved.getLong(1);
            return moved.wasNull() ? Long.MIN_VALUE : until;
        }
    }

    private String where() {
        String url = settings.url() == null ? "" : settings.url().strip();
        int query = url.indexOf('?');
        return (query < 0 ? url : url.substring(0, query)).replaceFirst("^jdbc:postgresql:(//)?", "");
    }

    private static StoreUnavailableException unavailable(String message, Throwable cause) {
        return new StoreUnavailableException(message, cause);
    }

    /** The writer's connection, connected again first if it was lost. On the writer thread. */
    private Connection writer() throws StoreUnavailableException {
        if (writer == null) {
            connect();
        }
        return writer;
    }

    /**
     * What to make of a failed statement: when the connection is gone (SQL state class 08, the server shutting down,
     * or a closed connection), it is dropped and the failure becomes {@link StoreUnavailableException}.
     */
    private SQLException lost(SQLException e) {
        String state = e.getSQLState();
        boolean gone = state != null && (state.startsWith("08") || state.startsWith("57P"));
        try {
            gone |= writer != null && writer.isClosed();
        } catch (SQLException ignored) {
            gone = true;
        }
        if (!gone) {
            return e;
        }
        closeQuietly(writer);
        writer = null;
        copy = null;
        problem = "lost the connection to the history's PostgreSQL at " + where() + ": " + firstLine(e);
        return unavailable("lost the connection to the history's PostgreSQL at " + where() + ": " + firstLine(e), e);
    }

    /** Writes a batch in one transaction; when it returns, the batch is committed. On the writer thread. */
    @Override
    public void write(List<Reading> batch) throws SQLException {
        Connection connection = writer();
        List<SeriesIndex.Info> added = new ArrayList<>();
        SeriesIndex series = index;
        List<Reading> late = new ArrayList<>();
        List<SeriesIndex.Info> lateSeries = new ArrayList<>();
        rows.setLength(0);
        try {
            long moved = movedUntil;
            for (Reading reading : batch) {
                SeriesIndex.Info info = series.of(reading, added);
                row(reading, info);
                if (reading.observedAt().toEpochMilli() < moved && number(reading.value()) != null) {
                    late.add(reading);
                    lateSeries.add(info);
                }
            }
            if (!added.isEmpty()) {
                insertSeries(connection, added);
            }
            copy.copyIn("COPY reading(series, observed, received_delay, num, txt, lon, lat) FROM STDIN",
                    new StringReader(rows.toString()));
            if (!late.isEmpty()) {
                insertLate(connection, late, lateSeries);
            }
            connection.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            series.forget(added);
            rollbackQuietly(connection);
            if (e instanceof SQLException sql) {
                throw lost(sql);
            }
            if (e instanceof IOException io) {
                throw lost(new SQLException("COPY failed: " + io.getMessage(), "08006", io));
            }
            throw (RuntimeException) e;
        } finally {
            if (rows.capacity() > 1 << 24) {
                rows.setLength(0);
                rows.trimToSize();
            }
        }
        for (Reading reading : batch) {
            newest = Math.max(newest, reading.observedAt().toEpochMilli());
        }
    }

    private void row(Reading reading, SeriesIndex.Info series) {
        long observed = reading.observedAt().toEpochMilli();
        long delay = Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE,
                reading.receivedAt().toEpochMilli() - observed));
        rows.append(series.id()).append('\t').append(observed).append('\t').append(delay).append('\t');
        Double number = number(reading.value());
        rows.append(number == null ? "\\N" : Double.toString(number)).append('\t');
        if (reading.value() instanceof Value.Text t) {
            escape(t.value());
        } else {
            rows.append("\\N");
        }
        Location own = reading.location();
        if (own == null || own.equals(series.location())) {
            rows.append("\t\\N\t\\N\n");
        } else {
            rows.append('\t').append(own.longitude()).append('\t').append(own.latitude()).append('\n');
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
                case '\0' -> rows.append("\\\\0");
                default -> rows.append(c);
            }
        }
    }

    /** A reading's number: the number, a boolean as 0 or 1, null for text (as DuckDB's store keeps them). */
    private static Double number(Value value) {
        if (value instanceof Value.Number n) {
            return n.value();
        }
        if (value instanceof Value.Bool b) {
            return b.value() ? 1.0 : 0.0;
        }
        return null;
    }

    private static void insertSeries(Connection connection, List<SeriesIndex.Info> added) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO series(id, entity, type, attribute,"
                + " unit, source, kind, lon, lat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (SeriesIndex.Info info : added) {
                insert.setInt(1, info.id());
                insert.setString(2, info.key().entity().toString());
                insert.setString(3, info.key().entity().type());
                insert.setString(4, info.key().attribute());
                insert.setString(5, info.key().unit());
                insert.setString(6, info.key().source());
                insert.setString(7, String.valueOf(info.kind()));
                if (info.location() == null) {
                    insert.setNull(8, Types.DOUBLE);
                    insert.setNull(9, Types.DOUBLE);
                } else {
                    insert.setDouble(8, info.location().longitude());
                    insert.setDouble(9, info.location().latitude());
                }
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** A late reading (its hour already rolled up) adds a rollup row of its own: its minute counts it. */
    private static void insertLate(Connection connection, List<Reading> late, List<SeriesIndex.Info> series)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rollup_1m(series, bucket, n, sum,"
                + " min, max, last, last_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < late.size(); i++) {
                long observed = late.get(i).observedAt().toEpochMilli();
                double value = number(late.get(i).value());
                insert.setInt(1, series.get(i).id());
                insert.setLong(2, Math.floorDiv(observed, HistoryStore.MINUTE) * HistoryStore.MINUTE);
                for (int p = 3; p <= 6; p++) {
                    insert.setDouble(p, value);
                }
                insert.setLong(7, observed);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Rolls up closed hours, then applies {@code retention} (if not null) as of {@code now}. On the writer thread. */
    @Override
    public void maintain(Instant now, RetentionPolicy retention) throws SQLException {
        if (writer == null) {
            // Not connected, and nothing to write: try again every few seconds, not at each turn of the writer.
            if (System.nanoTime() < nextConnectNanos) {
                return;
            }
            nextConnectNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HistoryWriter.RETRY_MAX_MILLIS);
        }
        Connection connection = writer();
        try {
            moveClosedHours(connection);
            if (retention != null) {
                retain(connection, now, retention);
            }
            if (System.nanoTime() - sizedAt >= SIZE_EVERY_NANOS) {
                sizedAt = System.nanoTime();
                bytes = size(connection);
            }
        } catch (SQLException e) {
            rollbackQuietly(connection);
            throw lost(e);
        }
    }

    /**
     * Rolls up every closed hour (its end {@link HistoryStore#LATENESS} before the newest reading, and before the
     * store's clock) into {@code rollup_1m}, in one transaction, as the DuckDB store moves them.
     */
    private void moveClosedHours(Connection connection) throws SQLException {
        if (newest == Long.MIN_VALUE) {
            return;
        }
        long closed = Math.floorDiv(Math.min(newest, clock.millis()) - HistoryStore.LATENESS, HistoryStore.HOUR)
                * HistoryStore.HOUR;
        if (closed <= movedUntil) {
            return;
        }
        try (PreparedStatement rollup = connection.prepareStatement("INSERT INTO rollup_1m SELECT series,"
                + " observed / 60000 * 60000, count(num), sum(num), min(num), max(num), " + LAST + ", max(observed)"
                + " FROM reading WHERE observed >= ? AND observed < ? AND num IS NOT NULL GROUP BY 1, 2");
                Statement statement = connection.createStatement()) {
            rollup.setLong(1, movedUntil);
            rollup.setLong(2, closed);
            rollup.executeUpdate();
            statement.execute("DELETE FROM moved");
            statement.execute("INSERT INTO moved VALUES (" + closed + ")");
        }
        connection.commit();
        movedUntil = closed;
    }

    /**
     * Deletes what the policy no longer keeps, as of {@code now}: per type, raw readings observed before
     * {@code now - raw} (only those rolled up) and rollups before {@code now - rollups}.
     */
    private void retain(Connection connection, Instant now, RetentionPolicy policy) throws SQLException {
        try (PreparedStatement raw = connection.prepareStatement("DELETE FROM reading WHERE observed < ?"
                + " AND series IN (SELECT id FROM series WHERE type = ?)");
                PreparedStatement rollups = connection.prepareStatement("DELETE FROM rollup_1m WHERE bucket < ?"
                        + " AND series IN (SELECT id FROM series WHERE type = ?)")) {
            for (String type : index.types()) {
                RetentionPolicy.Periods periods = policy.of(type);
                raw.setLong(1, Math.min(now.minus(periods.raw()).toEpochMilli(), movedUntil));
                raw.setString(2, type);
                raw.executeUpdate();
                rollups.setLong(1, now.minus(periods.rollups()).toEpochMilli());
                rollups.setString(2, type);
                rollups.executeUpdate();
            }
        }
        connection.commit();
    }

    private long size(Connection connection) throws SQLException {
        String sql = timescale
                ? "SELECT hypertable_size('" + SCHEMA + ".reading') + hypertable_size('" + SCHEMA + ".rollup_1m')"
                        + " + pg_total_relation_size('" + SCHEMA + ".series')"
                : "SELECT pg_total_relation_size('" + SCHEMA + ".reading') + pg_total_relation_size('" + SCHEMA
                        + ".rollup_1m') + pg_total_relation_size('" + SCHEMA + ".series')";
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            long size = result.getLong(1);
            connection.commit();
            return size;
        }
    }

    @Override
    public boolean knows(EntityId entity) {
        return index.knows(entity);
    }

    @Override
    public int seriesCount() {
        return index.size();
    }

    @Override
    public String description() {
        return layout.startsWith("PostgreSQL") ? layout : "PostgreSQL at " + where() + ", " + layout;
    }

    @Override
    public String problem() {
        String now = problem;
        return now == null ? null : "history is not kept: " + now + "; trying again";
    }

    /** The tables' size on the server (asked every 10 s by the writer); 0 before the first answer. */
    @Override
    public long bytes() {
        return bytes;
    }

    /** How far the rollups reach: readings observed before it are rolled up. */
    long movedUntil() {
        return movedUntil;
    }

    /**
     * Answers a query as the DuckDB store does (see {@link HistoryStore#query}): raw readings, or buckets aligned to
     * multiples of the bucket length since the epoch (the range widened to whole buckets); a bucket of whole minutes
     * reads the rollups of closed hours and the raw readings after them, a shorter one the raw readings.
     *
     * @throws HistoryLimitException if the answer, or the work to find it, passes the query's limit
     * @throws SQLException          if the server cannot answer, or was never reached (the message says why)
     */
    @Override
    public List<Series> query(HistoryQuery query) throws SQLException {
        if (!loaded) {
            String why = problem;
            throw new SQLException(why != null ? why : "the history's PostgreSQL has not been reached yet");
        }
        boolean bucketed = query.bucket() != null;
        SeriesIndex series = index;
        List<SeriesIndex.Info> matching = series.matching(query, bucketed);
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
            if ((to - from) / Math.min(bucket, HistoryStore.MINUTE) * matching.size() > HistoryStore.MAX_MINUTE_ROWS) {
                throw new HistoryLimitException(query.maxPoints());
            }
        }
        // The series go into each scan itself: listed by number when few (one entity's), else as a semi-join on
        // series with the query's filter. Never a join after the aggregation: with a misestimate PostgreSQL may
        // nest-loop over the aggregated hour once per series.
        List<Object> parameters = new ArrayList<>();
        String selected;
        if (matching.size() > HistoryStore.MAX_LISTED_SERIES) {
            StringBuilder filter = new StringBuilder();
            StoreSql.seriesFilter(query, filter, parameters);
            selected = " AND series IN (SELECT s.id FROM series s WHERE true" + filter + ")";
        } else {
            selected = " AND series IN (" + String.join(", ", matching.stream().map(m -> Integer.toString(m.id()))
                    .toList()) + ")";
        }
        String sql;
        List<Object> all = new ArrayList<>();
        if (!bucketed) {
            sql = "SELECT series, observed, num, txt FROM reading WHERE observed >= ? AND observed < ?" + selected
                    + " LIMIT ?";
            all.add(from);
            all.add(to);
            all.addAll(parameters);
        } else if (bucket % HistoryStore.MINUTE == 0) {
            long moved = movedUntil;
            sql = "WITH m AS (SELECT series, bucket, n, sum, min, max, last, last_at FROM rollup_1m"
                    + " WHERE bucket >= ? AND bucket < ? AND bucket < ?" + selected
                    + " UNION ALL SELECT series, observed / 60000 * 60000, count(num), sum(num), min(num), max(num), "
                    + LAST + ", max(observed) FROM reading WHERE observed >= ? AND observed < ? AND num IS NOT NULL"
                    + selected + " GROUP BY 1, 2)"
                    + " SELECT series, bucket / ? * ? AS b, sum(n), sum(sum), min(min), max(max),"
                    + " (array_agg(last ORDER BY last_at DESC))[1] FROM m GROUP BY 1, 2 LIMIT ?";
            all.addAll(List.of(from, to, moved));
            all.addAll(parameters);
            all.addAll(List.of(Math.max(from, moved), to));
            all.addAll(parameters);
            all.addAll(List.of(bucket, bucket));
        } else {
            sql = "SELECT series, observed / ? * ? AS b, count(num), sum(num), min(num), max(num),"
                    + " (array_agg(num ORDER BY observed DESC))[1] FROM reading"
                    + " WHERE observed >= ? AND observed < ? AND num IS NOT NULL" + selected + " GROUP BY 1, 2 LIMIT ?";
            all.addAll(List.of(bucket, bucket, from, to));
            all.addAll(parameters);
        }
        all.add(query.maxPoints() + 1);
        Map<Integer, List<Point>> points;
        synchronized (readerLock) {
            boolean fresh = reader == null;
            try {
                points = run(reader(), sql, all, query, bucketed, series);
            } catch (SQLException e) {
                closeQuietly(reader);
                reader = null;
                String state = e.getSQLState();
                if (fresh || state == null || !(state.startsWith("08") || state.startsWith("57P"))) {
                    throw e;
                }
                // The server went away since the last query (a restart): once more, on a new connection.
                points = run(reader(), sql, all, query, bucketed, series);
            }
        }
        List<Series> answer = new ArrayList<>(points.size());
        for (Map.Entry<Integer, List<Point>> e : points.entrySet()) {
            SeriesIndex.Info info = series.byId(e.getKey());
            List<Point> sorted = e.getValue();
            sorted.sort(Comparator.comparing(Point::time));
            answer.add(new Series(info.key().entity(), info.key().attribute(), info.key().unit(), info.key().source(),
                    info.location(), sorted));
        }
        answer.sort(Comparator.comparing((Series s) -> s.entity()).thenComparing(Series::attribute)
                .thenComparing(Series::source));
        return answer;
    }

    /** Runs a query's SQL and gathers its points per series number; refuses more than the query's limit. */
    private static Map<Integer, List<Point>> run(Connection connection, String sql, List<Object> parameters,
            HistoryQuery query, boolean bucketed, SeriesIndex index) throws SQLException {
        Map<Integer, List<Point>> points = new LinkedHashMap<>();
        int rows = 0;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    if (++rows > query.maxPoints()) {
                        throw new HistoryLimitException(query.maxPoints());
                    }
                    Instant time = Instant.ofEpochMilli(result.getLong(2));
                    Value value = bucketed ? StoreSql.bucketValue(result, query)
                            : rawValue(result, index.byId(result.getInt(1)).kind());
                    if (value != null) {
                        points.computeIfAbsent(result.getInt(1), s -> new ArrayList<>()).add(new Point(time, value));
                    }
                }
            }
        }
        return points;
    }

    /** The queries' connection, made again after a failed query. Under the reader lock. */
    private Connection reader() throws SQLException {
        if (reader == null) {
            reader = newConnection();
            reader.setReadOnly(true);
        }
        return reader;
    }

    private static Value rawValue(ResultSet result, char kind) throws SQLException {
        if (kind == 't') {
            String text = result.getString(4);
            return text == null ? null : Value.of(text);
        }
        double number = result.getDouble(3);
        if (result.wasNull()) {
            return null;
        }
        return kind == 'b' ? Value.of(number != 0) : Value.of(number);
    }

    /** Closes both connections (the advisory lock goes with the writer's). On the writer thread, after its last write. */
    @Override
    public void close() {
        closeQuietly(writer);
        writer = null;
        synchronized (readerLock) {
            closeQuietly(reader);
            reader = null;
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            if (connection != null && !connection.isClosed()) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // The connection is gone; the failure that brought us here is the one reported.
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Closing a broken connection: nothing more to do.
            }
        }
    }

    private static String firstLine(SQLException e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }
}
