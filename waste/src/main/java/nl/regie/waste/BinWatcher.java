package nl.regie.waste;

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
 * Watches waste containers: their filling level and temperature.
 *
 * <p>Subscribes through the bus whiteboard and keeps the latest value per topic; the domain logic that
 * acts on it comes with the domain plugins' own issue.
 */
@Component
@ReadingTopics({"WasteContainer/+/fillingLevel", "WasteContainer/+/temperature"})
public class BinWatcher implements ReadingListener {

    private final Map<String, Value> latest = new ConcurrentHashMap<>();

    /** Logs that the plugin is watching. */
    @Activate
    public BinWatcher(@Reference(service = LoggerFactory.class) Logger log) {
        log.info("Waste plugin watching WasteContainer fillingLevel and temperature");
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
