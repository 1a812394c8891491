package nl.regie.runtime.spi.monitor;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Introspection of the reading bus: its subscribers per plugin with their counters, and bus-wide totals.
 */
@ProviderType
public interface BusMonitor {

    /** Every open subscription, ordered by bundle symbolic name then subscription id. */
    List<SubscriberInfo> subscribers();

    /** The number of readings published since the runtime started. */
    long published();
}
