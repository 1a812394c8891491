package nl.regie.runtime.core.bus;

import java.util.List;

import nl.regie.api.bus.Subscription;

/**
 * What a durable subscribe returns: one listener's handle on a {@link Subscriber} that a later listener may take
 * over. Closing it closes (or parks) the subscription only while no other listener has taken it over since.
 */
final class Lease implements Subscription {

    private final Subscriber subscriber;
    private final long generation;

    Lease(Subscriber subscriber, long generation) {
        this.subscriber = subscriber;
        this.generation = generation;
    }

    /** The subscription's id, as in {@link nl.regie.runtime.spi.monitor.SubscriberInfo#id()}. */
    long id() {
        return subscriber.id();
    }

    @Override
    public List<String> topicFilters() {
        return subscriber.topicFilters();
    }

    @Override
    public void close() {
        subscriber.close(generation);
    }
}
