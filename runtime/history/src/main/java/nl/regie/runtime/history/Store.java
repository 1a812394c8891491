package nl.regie.runtime.history;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import nl.regie.api.model.EntityId;
import nl.regie.runtime.spi.history.HistoryLimitException;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.Series;

/**
 * A history store, as {@link HistoryComponent} uses it: what the writer thread calls ({@link HistoryWriter.Sink}),
 * and the queries any thread may run. Two implement it with the same semantics (raw readings, one-minute rollups of
 * closed hours, retention per type, the same buckets, aggregates and limits): {@link HistoryStore} (DuckDB in the state
 * folder, the default) and {@link PostgresStore} (a PostgreSQL server, TimescaleDB where present).
 */
interface Store extends HistoryWriter.Sink {

    /**
     * Answers a query: raw readings, or buckets aligned to multiples of the bucket length since the epoch.
     *
     * @throws HistoryLimitException if the answer, or the work to find it, passes the query's limit
     * @throws SQLException          if the store cannot answer
     */
    List<Series> query(HistoryQuery query) throws SQLException;

    /**
     * The store's own answer to {@link nl.regie.runtime.spi.history.History#latest} (each matching series' last raw
     * reading in the range), or empty when it has none: the history then reads them through {@link #query}, as the
     * SPI's default does.
     *
     * @throws HistoryLimitException if more series than the query's {@code maxPoints} have a reading in the range
     * @throws SQLException          if the store cannot answer
     */
    default Optional<List<Series>> latest(HistoryQuery query) throws SQLException {
        return Optional.empty();
    }

    /** Whether the store has series of this entity. */
    boolean knows(EntityId entity);

    /** How many series the store knows. */
    int seriesCount();

    /** What and where the store is, for the log and the status: {@code DuckDB in /path}, {@code PostgreSQL ...}. */
    String description();

    /** Why the store cannot be used now (a server it cannot reach), or null when it can. */
    default String problem() {
        return null;
    }
}
