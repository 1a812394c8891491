package nl.regie.mobility;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Watches crowd and traffic counters: people counts per zone, traffic intensity and speed per road segment.
 *
 * <p>Subscribes through the bus whiteboard and keeps the latest value per topic; the domain logic that
 * acts on it comes with the domain plugins' own issue.
 */
@Component
@ReadingTopics({"CrowdFlowObserved/+/peopleCount", "TrafficFlowObserved/+/intensity", "TrafficFlowObserved/+/averageVehicleSpeed"})
public class FlowWatcher implements ReadingListener {

    private final Map<String, Value> latest = new ConcurrentHashMap<>();

    /** Logs that the plugin is watching. */
    @Activate
    public FlowWatcher(@Reference(service = LoggerFactory.class) Logger log) {
        log.info("Mobility plugin watching CrowdFlowObserved and TrafficFlowObserved");
    }

    @Override
    public void onReading(Reading reading) {
        latest.put(reading.topic(), reading.value());
    }

    /** The latest value seen on a topic such as {@code {Type}/{localId}/{attribute}}. */
    public Optional<Value> latest(String topic) {
        return Optional.ofNullable(latest.get(topic));
    }
}
