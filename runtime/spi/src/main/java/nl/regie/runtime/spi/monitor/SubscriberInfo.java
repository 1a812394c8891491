package nl.regie.runtime.spi.monitor;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A snapshot of one bus subscriber and its counters.
 *
 * @param id                 a runtime-unique id of the subscription
 * @param bundleSymbolicName the symbolic name of the bundle that owns the subscription
 * @param bundleVersion      that bundle's version
 * @param bundleId           that bundle's id
 * @param topicFilters       the topic filters
 * @param state              whether it is receiving, or parked while its plugin is updated
 * @param delivered          readings delivered without error
 * @param dropped            readings dropped because the queue was full (also while parked), the subscriber was
 *                           quarantined, or it was parked and never taken over
 * @param failed             deliveries that threw or timed out
 * @param timedOut           of the failed deliveries, those that took longer than the delivery timeout
 * @param queueDepth         readings waiting in the queue now
 * @param queueCapacity      the queue's bound
 * @param lastFailure        the last failure's message, or empty
 */
@ProviderType
public record SubscriberInfo(long id, String bundleSymbolicName, String bundleVersion, long bundleId,
        List<String> topicFilters, State state, long delivered, long dropped, long failed, long timedOut,
        int queueDepth, int queueCapacity, String lastFailure) {

    /** Copies the filter list. */
    public SubscriberInfo {
        topicFilters = List.copyOf(topicFilters);
    }

    /** Whether a subscriber receives readings. */
    @ProviderType
    public enum State {
        /** Receiving. */
        ACTIVE,
        /** Failed repeatedly; its readings are dropped and counted until it is resubscribed. */
        QUARANTINED,
        /** Closed; kept briefly for introspection. */
        CLOSED,
        /**
         * Its listener went away while its plugin is being updated: its queue keeps taking readings, which are
         * delivered, in order, to the listener of the plugin's next version once that takes the subscription over.
         */
        PARKED
    }
}
