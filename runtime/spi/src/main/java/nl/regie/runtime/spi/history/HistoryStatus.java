package nl.regie.runtime.spi.history;

/**
 * How the history is doing, for {@code /health} and {@code /metrics}.
 *
 * @param written    readings written to the store since the start
 * @param dropped    readings lost since the start: its queue was full, or the store refused a batch (disk full)
 * @param queued     readings waiting to be written
 * @param lagMillis  how long the oldest waiting reading has waited, in milliseconds (0 when none waits)
 * @param storeBytes the store's size on disk (0 when it is kept in memory)
 * @param problem    why the history is behind or not keeping readings, or null when it is well
 * @param store      what and where the store is ({@code DuckDB in state/history/history.duckdb}, {@code PostgreSQL 15.8
 *                   at db.example:5432/regie, plain tables ...}); empty when not told
 */
public record HistoryStatus(long written, long dropped, int queued, long lagMillis, long storeBytes, String problem,
        String store) {

    /** Takes a null store as not told. */
    public HistoryStatus {
        store = store == null ? "" : store;
    }

    /** A status that does not say what the store is. */
    public HistoryStatus(long written, long dropped, int queued, long lagMillis, long storeBytes, String problem) {
        this(written, dropped, queued, lagMillis, storeBytes, problem, "");
    }

    /** Whether the history keeps up: nothing wrong. */
    public boolean well() {
        return problem == null;
    }
}
