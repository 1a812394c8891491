package nl.regie.runtime.spi.policy;

import java.time.Instant;

import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.history.Point;
import nl.regie.runtime.spi.history.Series;

/**
 * Whether one reader may see a series of the history, the one rule every HTTP API applies to it ({@code /api/history}
 * and the NGSI-LD temporal API): the reader's {@link ReadView} passes a reading of the series (its last point) as it
 * is, neither withheld nor folded into a zone entity nor changed in value. A coarsened location does not matter:
 * history answers carry no location. The token's {@code read:} types are the caller's to check.
 */
public final class VisibleSeries {

    private VisibleSeries() {
    }

    /** Whether the view lets the series through as it is; a null view (the operator's) sees everything. */
    public static boolean sees(Series series, ReadView view) {
        if (view == null) {
            return true;
        }
        Point last = series.points().isEmpty() ? null : series.points().get(series.points().size() - 1);
        Value sample = last == null ? Value.of(0) : last.value();
        Instant at = last == null ? Instant.EPOCH : last.time();
        Reading seen = view.apply(new Reading(series.entity(), series.attribute(), sample, series.unit(), at, at,
                series.source(), series.location()));
        return seen != null && seen.entity().equals(series.entity()) && seen.attribute().equals(series.attribute())
                && seen.value().equals(sample);
    }
}
