package nl.regie.api.bus;

import java.util.Collection;
import java.util.List;

import nl.regie.api.model.Reading;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The data bus every plugin shares. Obtain it as an OSGi service; each bundle gets its own view
 * (a bundle-scoped service), so the runtime knows which plugin published or subscribed.
 *
 * <p>Delivery is asynchronous: {@link #publish(Reading)} never blocks on subscribers. Each subscriber has
 * its own bounded queue and receives the readings of one entity in the order they were published. A
 * subscriber that is slow, blocks or throws is timed out, counted and eventually quarantined; it never
 * slows the publisher or other subscribers. When a subscriber's queue is full, the new reading is dropped
 * for that subscriber and counted (the runtime shows the counts at {@code GET /api/plugins}).
 *
 * <p>Topics have the form {@code {EntityType}/{localId}/{attribute}}; filters use MQTT wildcards:
 * {@code +} matches one level, {@code #} (last level only) matches any number of levels, including none.
 */
@ProviderType
public interface ReadingBus {

    /**
     * Publishes a reading to every subscriber whose filter matches its topic.
     *
     * @param reading the reading; never null
     * @throws NullPointerException if the reading is null
     * @throws SecurityException    if the topic is outside the plugin's declared scope, or the source is not the plugin
     * @throws nl.regie.api.scope.LimitExceededException if the plugin is past its publish rate, the runtime's own
     *                              subscriptions have all of the plugin's share queued, or the reading is about a new
     *                              entity past the plugin's entity limit; nothing was published
     */
    void publish(Reading reading);

    /**
     * Subscribes a listener to the readings matching any of the topic filters.
     *
     * @param topicFilters one or more MQTT-style topic filters such as {@code WasteContainer/+/fillingLevel}
     * @param listener     the listener; called on a thread of its own, never concurrently with itself
     * @return the subscription; close it to stop delivery
     * @throws IllegalArgumentException if a filter is malformed; the message names the filter and the problem
     * @throws SecurityException        if a filter is not covered by the plugin's declared scope
     * @throws nl.regie.api.scope.LimitExceededException if the plugin already has as many subscriptions open as its
     *                                  limit allows
     */
    Subscription subscribe(Collection<String> topicFilters, ReadingListener listener);

    /**
     * Subscribes a listener to the readings matching one topic filter.
     *
     * @see #subscribe(Collection, ReadingListener)
     */
    default Subscription subscribe(String topicFilter, ReadingListener listener) {
        return subscribe(List.of(topicFilter), listener);
    }
}
