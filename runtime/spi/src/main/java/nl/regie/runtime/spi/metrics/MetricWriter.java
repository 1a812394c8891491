package nl.regie.runtime.spi.metrics;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a {@link MetricSource} writes its metric families, in the terms of the Prometheus text format: a family has a
 * name ({@code regie_...}), a type and a help text, and samples with label pairs. A family named twice is the same
 * family (its samples are grouped on the page); naming it again with another type is an error.
 */
@ProviderType
public interface MetricWriter {

    /**
     * The most distinct values a label taken from data may have in one family (device types, alert categories): the
     * rest are summed under {@code other}, so that data cannot grow the page without bound.
     */
    int MAX_LABEL_VALUES = 100;

    /** A family that only goes up (from zero when the runtime starts). */
    Family counter(String name, String help);

    /** A family that goes up and down. */
    Family gauge(String name, String help);

    /**
     * Writes one histogram of a histogram family: its cumulative buckets ({@code name_bucket} with {@code le}), its sum
     * and count. A writer that knows no histograms writes the count and sum as counters; the page's writer overrides
     * this.
     *
     * @param labels label names and values, alternating, without {@code le}
     */
    default void histogram(String name, String help, LatencyHistogram.Snapshot histogram, String... labels) {
        counter(name + "_count", help).sample(histogram.count(), labels);
        counter(name + "_sum", help).sample(histogram.sumSeconds(), labels);
    }

    /** One family. */
    @ProviderType
    interface Family {

        /**
         * Adds a sample.
         *
         * @param labels label names and values, alternating: {@code "plugin", "nl.regie.waste"}
         * @throws IllegalArgumentException if a label name is not valid, a label repeats, or a name has no value
         */
        Family sample(double value, String... labels);

        /** Adds a sample with a whole value, written without a fraction. */
        Family sample(long value, String... labels);
    }
}
