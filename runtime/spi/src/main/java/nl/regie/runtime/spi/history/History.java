package nl.regie.runtime.spi.history;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import nl.regie.api.model.EntityId;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The history of every reading on the bus: what each attribute of each entity was, over time. Provided by the
 * history bundle ({@code nl.regie.runtime.history}), which keeps it in the state folder; used by HTTP. Answers are
 * unfiltered: the caller applies what the reader may see.
 */
@ProviderType
public interface History {

    /** The most points (raw readings, or buckets) one query may return, across all its series. */
    int MAX_POINTS = 100_000;

    /**
     * The series matching a query, each with its points in time order; series without a point in the range are left
     * out, as are text series when the query aggregates.
     *
     * @throws HistoryLimitException if the answer would hold more than the query's {@link HistoryQuery#maxPoints()}
     * @throws IllegalStateException if the store cannot answer (closed, or failed: the message says why)
     */
    List<Series> query(HistoryQuery query);

    /** Whether the history has ever stored a reading of this entity (within its retention). */
    boolean knows(EntityId entity);

    /** How the history is doing: what it wrote, dropped, and whether it is behind. */
    HistoryStatus status();

    /**
     * How long the history keeps the readings of an entity type, under the retention in force.
     *
     * @return raw readings and one-minute rollups; empty when not known (the default)
     */
    default Optional<Retention> retention(String entityType) {
        return Optional.empty();
    }

    /**
     * How long readings are kept.
     *
     * @param raw     raw readings
     * @param rollups one-minute rollups (count, sum, min, max, last)
     */
    record Retention(Duration raw, Duration rollups) {
    }
}
