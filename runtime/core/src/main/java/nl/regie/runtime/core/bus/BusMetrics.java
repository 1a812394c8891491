package nl.regie.runtime.core.bus;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;
import nl.regie.runtime.spi.monitor.SubscriberInfo;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The bus's metrics: readings published per publisher, and per subscription its deliveries, drops, failures, time-outs,
 * queue and state, and per subscribing bundle a histogram of the time from publish to the listener's call. Labels are
 * bounded: a publisher is a plugin or part of the runtime, and the devices' readings ({@code mqtt:{d}}) are one
 * publisher, {@value #DEVICES} (by device type in the bridge's {@code regie_ingest_readings_published_total}, per
 * device in {@code /api/devices}); beyond {@value MetricWriter#MAX_LABEL_VALUES} publishers the rest are summed under
 * {@code other}.
 */
@Component(service = MetricSource.class, property = MetricSource.ORDER + ":Integer=10")
public final class BusMetrics implements MetricSource {

    /** The publisher label of every device's readings. */
    static final String DEVICES = "mqtt";

    private final PluginBus bus;

    @Activate
    public BusMetrics(@Reference PluginBus bus) {
        this.bus = bus;
    }

    @Override
    public void collect(MetricWriter out) {
        MetricWriter.Family published = out.counter("regie_bus_published_total", "Readings published on the bus.");
        Map<String, Long> byPublisher = new TreeMap<>();
        new TreeMap<>(bus.publishedBy()).forEach((publisher, count) -> {
            String label = publisher.startsWith(DEVICES + ":") ? DEVICES : publisher;
            if (!byPublisher.containsKey(label) && byPublisher.size() >= MetricWriter.MAX_LABEL_VALUES) {
                label = "other";
            }
            byPublisher.merge(label, count, Long::sum);
        });
        byPublisher.forEach((publisher, count) -> published.sample(count, "publisher", publisher));
        bus.deliveryLatency().forEach((plugin, histogram) -> out.histogram("regie_bus_delivery_latency_seconds",
                "From a publish to the call of a subscriber's listener, by subscribing bundle; sampled: one reading in"
                        + " each subscription's queue at a time.", histogram, "plugin", plugin));
        List<SubscriberInfo> subscribers = bus.subscribers();
        out.gauge("regie_bus_subscribers", "Open bus subscriptions.").sample(subscribers.size());
        for (SubscriberInfo s : subscribers) {
            String[] labels = {"plugin", s.bundleSymbolicName(), "subscription", Long.toString(s.id())};
            out.counter("regie_bus_subscriber_delivered_total", "Readings delivered to a subscriber without error.")
                    .sample(s.delivered(), labels);
            out.counter("regie_bus_subscriber_dropped_total",
                    "Readings dropped for a subscriber: queue full, quarantined, or parked and never taken over.")
                    .sample(s.dropped(), labels);
            out.counter("regie_bus_subscriber_failed_total", "Deliveries to a subscriber that threw or timed out.")
                    .sample(s.failed(), labels);
            out.counter("regie_bus_subscriber_timed_out_total", "Deliveries to a subscriber that timed out.")
                    .sample(s.timedOut(), labels);
            out.gauge("regie_bus_subscriber_queue_depth", "Readings waiting in a subscriber's queue.")
                    .sample(s.queueDepth(), labels);
            out.gauge("regie_bus_subscriber_queue_capacity", "The bound of a subscriber's queue.")
                    .sample(s.queueCapacity(), labels);
            out.gauge("regie_bus_subscriber_state", "A subscriber's state: 1 for the state it is in.")
                    .sample(1, "plugin", s.bundleSymbolicName(), "subscription", Long.toString(s.id()),
                            "state", s.state().name());
        }
    }
}
