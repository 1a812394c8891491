package nl.regie.runtime.core.bus;

import java.util.Map;

import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.bus.RuntimeBus;
import nl.regie.runtime.spi.metrics.LatencyHistogram;

/**
 * The bus as the plugins' views publish on it: a plugin's reading yields to the runtime's own subscriptions (the city
 * state, the live stream: those without a read view), whose queues it may fill only up to a share, so that a plugin's
 * flood can never crowd out the devices' readings there. Implemented by {@link BusEngine} and {@link BusComponent};
 * private to the core bundle.
 */
public interface PluginBus extends RuntimeBus {

    /**
     * Publishes a plugin's reading unless one of the runtime's own subscriptions it would go to already has
     * {@code sharePercent} of its queue waiting; then nothing is published to anyone.
     *
     * @param sharePercent 1 to 100; 100 publishes as {@link #publish} does
     * @return null when it was published; else the crowded subscription, as messages name it
     */
    String publishUnlessCrowded(String publisher, Reading reading, int sharePercent);

    /**
     * Per subscribing bundle, the time from a publish to the listener's call, sampled (one reading in each queue at a
     * time); empty where nothing is measured.
     */
    default Map<String, LatencyHistogram.Snapshot> deliveryLatency() {
        return Map.of();
    }
}
