package nl.regie.testkit;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Deletion;
import nl.regie.api.model.Reading;
import nl.regie.runtime.core.bus.PluginBus;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.monitor.SubscriberInfo;

/**
 * The runtime's bus as the kit hands it to the runtime's parts and the plugin: the real one, with every listener
 * counted while it runs, so that {@link RegieTestKit#settle} can tell when every delivery has ended (a queue can be
 * empty while its last reading is still being delivered).
 */
final class CountingBus implements PluginBus {

    private final PluginBus bus;
    private final AtomicInteger inFlight = new AtomicInteger();

    CountingBus(PluginBus bus) {
        this.bus = bus;
    }

    /** Deliveries running now. */
    int inFlight() {
        return inFlight.get();
    }

    private ReadingListener counted(ReadingListener listener) {
        return new ReadingListener() {
            @Override
            public void onReading(Reading reading) throws Exception {
                inFlight.incrementAndGet();
                try {
                    listener.onReading(reading);
                } finally {
                    inFlight.decrementAndGet();
                }
            }

            @Override
            public void onDelete(Deletion deletion) throws Exception {
                inFlight.incrementAndGet();
                try {
                    listener.onDelete(deletion);
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        };
    }

    @Override
    public Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener) {
        return bus.subscribe(owner, topicFilters, counted(listener));
    }

    @Override
    public Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener,
            int queueCapacity) {
        return bus.subscribe(owner, topicFilters, counted(listener), queueCapacity);
    }

    @Override
    public Subscription subscribeDurable(Owner owner, String durableName, Collection<String> topicFilters,
            ReadingListener listener) {
        return bus.subscribeDurable(owner, durableName, topicFilters, counted(listener));
    }

    @Override
    public Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener,
            ReadView view) {
        return bus.subscribe(owner, topicFilters, counted(listener), view);
    }

    @Override
    public Subscription subscribeDurable(Owner owner, String durableName, Collection<String> topicFilters,
            ReadingListener listener, ReadView view) {
        return bus.subscribeDurable(owner, durableName, topicFilters, counted(listener), view);
    }

    @Override
    public void publish(String publisher, Reading reading) {
        bus.publish(publisher, reading);
    }

    @Override
    public void delete(String publisher, Deletion deletion) {
        bus.delete(publisher, deletion);
    }

    @Override
    public String publishUnlessCrowded(String publisher, Reading reading, int sharePercent) {
        return bus.publishUnlessCrowded(publisher, reading, sharePercent);
    }

    @Override
    public Map<String, Long> publishedBy() {
        return bus.publishedBy();
    }

    @Override
    public List<SubscriberInfo> subscribers() {
        return bus.subscribers();
    }

    @Override
    public long published() {
        return bus.published();
    }
}
