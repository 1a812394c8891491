package nl.regie.benchmarks.history;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;

import nl.regie.api.model.Reading;

/**
 * One candidate history store, open on its files (or its server): what the benchmark asks of each, the same
 * for all. A store writes readings in batches, one transaction each, from one writer thread, and answers the
 * benchmark's queries ({@link Query}) with the SQL its engine does best with.
 */
interface HistoryStore extends AutoCloseable {

    /** The candidate's name, as on the command line. */
    String name();

    /** Writes one batch in one transaction; when it returns, the batch is committed. */
    void write(List<Reading> batch) throws SQLException;

    /** Runs one query and returns its rows, in the order the query defines. */
    List<Row> query(Query query) throws SQLException;

    /** How many readings the store holds (each store counts them its own way; this is a check, not a figure). */
    long count() throws SQLException;

    /** The store's own checkpoint, where it has one: what the writer has committed moves into the main file. */
    void checkpoint() throws SQLException;

    /**
     * Closes the store after its own compaction, where it has one (H2: {@code SHUTDOWN COMPACT}; PostgreSQL:
     * {@code VACUUM}); the others checkpoint as they close. {@link Candidates#diskBytes} then tells what stays.
     */
    default void compactAndClose() throws SQLException {
        checkpoint();
        close();
    }

    /** Bytes the store takes on disk now: its files, or for a server the tables and their indexes. */
    long diskBytes() throws SQLException, IOException;

    /** A short check of the store's integrity after a crash: "ok", or what is wrong. */
    String integrity() throws SQLException;

    @Override
    void close() throws SQLException;
}
