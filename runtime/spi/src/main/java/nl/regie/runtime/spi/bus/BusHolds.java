package nl.regie.runtime.spi.bus;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Holds a plugin's readings while it is swapped for another version. Registered by the runtime's BusComponent;
 * private to the runtime bundle (the plugin lifecycle uses it).
 *
 * <p>A <em>durable</em> subscription is one the runtime's ListenerWhiteboard makes for a listener service with a
 * {@code component.name} property (through {@link RuntimeBus#subscribeDurable}): its durable key is the owning
 * bundle's symbolic name and that component name. One subscription per key is durable at a time.
 *
 * <p>While a hold is open for a symbolic name, closing such a subscription (its listener service went away because
 * the bundle stopped) <em>parks</em> it instead: it keeps its place on the bus and its queue keeps taking readings
 * (bounded by its queue capacity; a reading past the bound is dropped and counted as dropped while held, and the
 * first such drop is logged with the plugin's name), but nothing is delivered and its delivery thread sleeps. The
 * close returns once a delivery to the old listener that was in progress has ended (after half a second it is
 * interrupted, after another half second a warning names it), and the old listener is not referenced any more.
 * {@link nl.regie.runtime.spi.monitor.SubscriberInfo} shows it as {@code PARKED}; the delivery timeout does not apply to it.
 *
 * <p>A durable subscribe with the same key while it is parked <em>takes it over</em>: delivery resumes, on the same
 * thread and from the same queue, to the new listener: first what was queued, then new readings, in publish order.
 * Each reading is delivered to the old listener or the new one, never both, and none is skipped, except this: the
 * new listener's filters apply from the take-over on, to routing and to what is still queued, so a queued reading
 * the new filters do not match is not delivered (a listener only ever gets readings matching its filters) and is
 * counted as dropped in the subscription's counters. The subscription gets the new owner (version, bundle id) and
 * keeps its id; its consecutive-failure count starts again. The symbolic name is part of the key, so no other
 * bundle can take a subscription over. A closed subscription handle of the old listener closes nothing.
 *
 * <p>Without an open hold, closing a durable subscription closes it, as any other.
 */
@ProviderType
public interface BusHolds {

    /**
     * Starts holding the durable subscriptions of the bundles with this symbolic name.
     *
     * @throws IllegalStateException    if a hold for that name is already open, or the bus is closed
     * @throws IllegalArgumentException if the name is blank
     */
    Hold hold(String symbolicName);

    /** An open hold. Closing it ends the hold. */
    @ProviderType
    interface Hold extends AutoCloseable {

        /** The symbolic name held. */
        String symbolicName();

        /** The durable keys (component names) parked now, waiting for a listener to take them over. */
        java.util.Set<String> parked();

        /** Readings taken into parked queues since the hold began (what was queued before parking is not counted). */
        long held();

        /** Readings dropped because a parked queue was full, since the hold began. */
        long droppedWhileHeld();

        /**
         * Readings dropped when the hold ended, because they were queued in a parked subscription that no listener
         * took over (0 while the hold is open).
         */
        long droppedAtEnd();

        /**
         * The longest time a subscription of this hold was parked (from its listener going away to a new one
         * taking it over, or to now while it is still parked, or to the end of the hold if none took it over):
         * the delivery gap of the swap.
         */
        java.time.Duration longestGap();

        /**
         * Ends the hold. Parked subscriptions that no listener took over are closed: their queued readings are
         * dropped, counted ({@link #droppedAtEnd()}), and logged at WARN with the plugin's name. Idempotent; does
         * nothing once the bus has closed.
         */
        @Override
        void close();
    }
}
