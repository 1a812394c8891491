package nl.regie.runtime.core.bus;

import java.time.Duration;
import java.util.Objects;

/**
 * The tunables of the bus.
 *
 * @param queueCapacity            readings each subscriber can have waiting; beyond it new readings are dropped
 * @param deliveryTimeout          how long one call to a listener may take before it counts as failed and timed out
 * @param failuresBeforeQuarantine consecutive failures (throws or timeouts) after which a subscriber is quarantined
 */
public record BusSettings(int queueCapacity, Duration deliveryTimeout, int failuresBeforeQuarantine) {

    /** Default {@link #queueCapacity()}. */
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
    /** Default {@link #deliveryTimeout()} in milliseconds. */
    public static final long DEFAULT_DELIVERY_TIMEOUT_MILLIS = 5_000;
    /** Default {@link #failuresBeforeQuarantine()}. */
    public static final int DEFAULT_FAILURES_BEFORE_QUARANTINE = 10;

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the value that is out of range
     */
    public BusSettings {
        Objects.requireNonNull(deliveryTimeout, "deliveryTimeout is required");
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
        }
        if (deliveryTimeout.isNegative() || deliveryTimeout.isZero()) {
            throw new IllegalArgumentException("deliveryTimeout must be positive, was " + deliveryTimeout);
        }
        if (failuresBeforeQuarantine < 1) {
            throw new IllegalArgumentException(
                    "failuresBeforeQuarantine must be at least 1, was " + failuresBeforeQuarantine);
        }
    }

    /** The defaults: 10,000 readings per queue, a 5 s delivery timeout, quarantine after 10 failures in a row. */
    public static BusSettings defaults() {
        return new BusSettings(DEFAULT_QUEUE_CAPACITY, Duration.ofMillis(DEFAULT_DELIVERY_TIMEOUT_MILLIS),
                DEFAULT_FAILURES_BEFORE_QUARANTINE);
    }
}
