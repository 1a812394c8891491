package nl.regie.runtime.spi.history;

import java.time.Instant;
import java.util.Objects;

import nl.regie.api.model.Value;

/**
 * One point of a {@link Series}: a reading as observed, or a bucket's aggregate.
 *
 * @param time  when it was observed; for a bucket, the bucket's start
 * @param value the reading's value, or the bucket's aggregate (a number)
 */
public record Point(Instant time, Value value) {

    /** Checks that both are present. */
    public Point {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(value, "value");
    }
}
