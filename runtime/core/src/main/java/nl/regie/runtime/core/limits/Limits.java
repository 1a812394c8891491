package nl.regie.runtime.core.limits;

import nl.regie.runtime.spi.bus.Owner;

import org.osgi.framework.Bundle;

/**
 * Hands each plugin's views the {@link PluginQuota} they enforce, and takes the thread counts of {@link ThreadCensus}.
 * Implemented by {@link PluginLimits}; private to the core bundle.
 */
public interface Limits {

    /** The quota of a bundle: {@link PluginQuota#UNLIMITED} for the runtime's own bundles. */
    PluginQuota forBundle(Bundle bundle);

    /** The quota of a plugin. */
    PluginQuota forPlugin(Owner plugin);

    /** The limits in force. */
    LimitSettings settings();

    /**
     * Takes the number of live threads counted for a plugin: kept for {@code /metrics}, and when it is over the
     * plugin's limit, counted, logged and audited (the first time per plugin version).
     *
     * @return null if within the limit; else what to tell the operator, naming the plugin, the count and the limit
     */
    String threadsSeen(Owner plugin, int threads);
}
