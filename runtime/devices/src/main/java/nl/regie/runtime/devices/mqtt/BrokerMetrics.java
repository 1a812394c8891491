package nl.regie.runtime.devices.mqtt;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The embedded MQTT broker's dropped messages on {@code /metrics}: {@code regie_mqtt_broker_dropped_total{reason}}.
 * The broker runs in the launcher, outside the framework; the launcher offers its counts (reason to count, since it
 * started) as a {@code Supplier<Map<String, Long>>} with {@value #DROPS_SERVICE}{@code =embedded}, a type of the JDK so
 * that neither side needs the other's classes. Without that service (an external broker, or the runtime in a test)
 * this component is not satisfied and the family is not on the page. The reasons are a fixed set of the launcher's;
 * whatever it offers, at most {@link MetricWriter#MAX_LABEL_VALUES} reasons are written, the rest summed under
 * {@code other}.
 */
@Component(service = MetricSource.class, property = MetricSource.ORDER + ":Integer=31")
public final class BrokerMetrics implements MetricSource {

    /** The service property the launcher marks the embedded broker's drop counts with. */
    public static final String DROPS_SERVICE = "regie.mqtt.broker.drops";

    private final Supplier<Map<String, Long>> drops;

    @Activate
    public BrokerMetrics(@Reference(service = Supplier.class, target = "(" + DROPS_SERVICE + "=embedded)")
            Supplier<Map<String, Long>> drops) {
        this.drops = drops;
    }

    @Override
    public void collect(MetricWriter out) {
        Map<String, Long> byReason = new TreeMap<>();
        drops.get().forEach((reason, count) -> {
            String label = byReason.containsKey(reason) || byReason.size() < MetricWriter.MAX_LABEL_VALUES - 1
                    ? reason : "other";
            byReason.merge(label, count, Long::sum);
        });
        MetricWriter.Family dropped = out.counter("regie_mqtt_broker_dropped_total",
                "Messages the embedded MQTT broker dropped instead of delivering, by reason (queue_full: a client's"
                        + " queue was full, a subscriber slower than its publishers or away).");
        byReason.forEach((reason, count) -> dropped.sample(count, "reason", reason));
    }
}
