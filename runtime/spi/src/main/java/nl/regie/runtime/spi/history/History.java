package nl.regie.runtime.spi.history;

import java.time.Duration;
import java.util.ArrayList;
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

    /**
     * The city as it was at the end of a query's range: for each series the query matches, its last raw reading
     * observed within the range ({@code from} inclusive, {@code to} exclusive; to include a time T, ask up to just
     * after it), as a series of that one point. Series without a reading in the range are left out; text series are
     * kept. The query's bucket and aggregate are ignored; its {@code maxPoints} bounds the number of series.
     *
     * <p>This default reads every raw reading in the range through {@link #query} (at most {@link #MAX_POINTS}) and
     * keeps the last of each series; a store overrides it to find the last readings itself.
     *
     * @throws HistoryLimitException if the range holds more readings than the default can read, or more series than
     *         {@code maxPoints}
     * @throws IllegalStateException if the store cannot answer
     */
    default List<Series> latest(HistoryQuery query) {
        HistoryQuery raw = new HistoryQuery(query.entity(), query.type(), query.bbox(), query.attributes(), query.from(),
                query.to(), null, query.aggregate(), MAX_POINTS);
        List<Series> latest = new ArrayList<>();
        for (Series series : query(raw)) {
            if (series.points().isEmpty()) {
                continue;
            }
            if (latest.size() == query.maxPoints()) {
                throw new HistoryLimitException(query.maxPoints());
            }
            Point last = series.points().get(series.points().size() - 1);
            latest.add(new Series(series.entity(), series.attribute(), series.unit(), series.source(),
                    series.location(), List.of(last)));
        }
        return latest;
    }

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
