package nl.regie.runtime.spi.bus;

import java.util.Collection;
import java.util.Map;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Deletion;
import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.monitor.BusMonitor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The bus as the runtime's own components see it: unlike a plugin's {@link nl.regie.api.bus.ReadingBus} view,
 * the caller names who publishes and who subscribes. Registered by the runtime's BusComponent; private to the
 * runtime bundle.
 */
@ProviderType
public interface RuntimeBus extends BusMonitor {

    /**
     * Subscribes a listener on behalf of a bundle. Every filter is validated before anything is subscribed.
     *
     * @param owner        the bundle the subscription belongs to
     * @param topicFilters one or more filters such as {@code WasteContainer/+/fillingLevel} or {@code #}
     * @param listener     called on the subscription's own thread, one reading at a time
     * @return the subscription; closing it stops and ends its delivery thread
     * @throws IllegalArgumentException if there is no filter or a filter is malformed (the message names it)
     * @throws IllegalStateException    if the bus is closed
     */
    Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener);

    /**
     * Subscribes like {@link #subscribe(Owner, Collection, ReadingListener)}, with a queue of its own size rather
     * than the bus's default: for the runtime's own subscribers that must ride out bursts, such as the city state
     * when a reconnected broker delivers its backlog.
     *
     * @param queueCapacity readings the subscription can have waiting, at least 1
     * @throws IllegalArgumentException also if the capacity is below 1
     */
    Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener, int queueCapacity);

    /**
     * Subscribes like {@link #subscribe(Owner, Collection, ReadingListener)}, durably: the subscription has the
     * durable key (the owner's symbolic name, {@code durableName}). While a {@link BusHolds hold} is open for that
     * symbolic name, closing it parks it, and a durable subscribe with the same key takes it over, with its queue:
     * see {@link BusHolds}. The subscription returned belongs to this listener only: closing it after another
     * listener has taken the subscription over has no effect.
     *
     * @param durableName what the subscription is known by within its bundle, such as the listener's component name
     * @throws IllegalArgumentException also if the durable name is blank
     */
    Subscription subscribeDurable(Owner owner, String durableName, Collection<String> topicFilters,
            ReadingListener listener);

    /**
     * Subscribes a plugin like {@link #subscribe(Owner, Collection, ReadingListener)}: every reading passes through
     * the plugin's read view, on the subscription's own delivery thread, before the listener sees it.
     *
     * @param view what the plugin may see of each reading (null: everything, for the runtime's own subscribers)
     */
    Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener, ReadView view);

    /**
     * Subscribes a plugin durably like {@link #subscribeDurable(Owner, String, Collection, ReadingListener)}, through
     * its read view (see {@link #subscribe(Owner, Collection, ReadingListener, ReadView)}). A listener that takes the
     * subscription over brings its own view.
     */
    Subscription subscribeDurable(Owner owner, String durableName, Collection<String> topicFilters,
            ReadingListener listener, ReadView view);

    /**
     * Hands a reading to every matching subscriber's queue. Never blocks and never fails because of a subscriber.
     *
     * @param publisher who publishes: a bundle symbolic name, or a runtime part such as the MQTT bridge
     * @param reading   the reading
     * @throws NullPointerException if the publisher or the reading is null
     */
    void publish(String publisher, Reading reading);

    /**
     * Hands a deletion to every subscriber with a filter that matches it (for a whole entity: a filter that matches
     * some attribute of it), in order with the readings before it in the same subscriber's queue; like
     * {@link #publish}, never blocks. The bus checks no ownership: the caller names the publisher, and the city state
     * drops only what {@link Deletion#source()} published. A plugin's {@link nl.regie.api.bus.ReadingBus#delete}
     * checks its scope and ownership before it comes here.
     *
     * @throws NullPointerException if the publisher or the deletion is null
     */
    void delete(String publisher, Deletion deletion);

    /** The number of readings published so far, per publisher. */
    Map<String, Long> publishedBy();
}
