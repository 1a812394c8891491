package nl.regie.api.bus;

import java.util.Collection;
import java.util.List;

import nl.regie.api.model.EntityId;
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
     * Deletes an entity: the city state drops it, subscribers whose filters match any attribute of it get a
     * {@link nl.regie.api.model.Deletion} ({@link ReadingListener#onDelete}) after the readings published before, the
     * live stream says so, and {@code GET /api/entities/{id}} is 404 once it is applied. A plugin deletes only what it
     * published: every attribute the city state holds of the entity must be the plugin's own and within its declared
     * {@code publishes}. Deleting an entity the city state does not hold (yet) is allowed, and passed on in order, so
     * a publish followed at once by a delete leaves nothing.
     *
     * @param entity the entity
     * @throws NullPointerException if the entity is null
     * @throws SecurityException    if the entity is outside the plugin's declared {@code publishes} (an attribute it
     *                              holds, or the entity's type and id for every attribute)
     * @throws NotOwnerException    if the city state holds a value of the entity that another source published;
     *                              nothing was deleted
     */
    void delete(EntityId entity);

    /**
     * Deletes one attribute of an entity, as {@link #delete(EntityId)} does an entity: the plugin must have
     * published its value, on a topic within its declared {@code publishes}. The entity goes once it has no attribute
     * left.
     *
     * @param attribute the attribute, such as {@code full}
     * @throws IllegalArgumentException if the attribute is not a valid attribute name
     * @throws SecurityException        if the topic is outside the plugin's declared {@code publishes}
     * @throws NotOwnerException        if the city state holds a value of the attribute that another source
     *                                  published; nothing was deleted
     */
    void delete(EntityId entity, String attribute);

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
