package nl.regie.runtime.spi.metrics;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A part of the runtime that measures something: it registers one of these (a whiteboard), and {@code /metrics}
 * asks every registered source to write its families, in the order of their {@value #ORDER} property (lowest first,
 * then by service id). A part that is not installed simply has no families on the page.
 *
 * <p>A source writes what it already counts; it is called on an HTTP thread, so it only reads counters and takes
 * no lock a publisher could be waiting on.
 */
@ConsumerType
@FunctionalInterface
public interface MetricSource {

    /** The service property (an Integer) that places a source's families on the page; 0 without it. */
    String ORDER = "regie.metrics.order";

    /** Writes this part's metric families. */
    void collect(MetricWriter out);
}
