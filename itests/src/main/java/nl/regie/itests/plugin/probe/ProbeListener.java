package nl.regie.itests.plugin.probe;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.scope.PluginScope;

import org.osgi.service.component.annotations.Component;

/**
 * The probe plugin: a whiteboard listener written the way a vendor writes one. Besides the bus's own
 * counters, it offers what it really received as a {@code Supplier<List<String>>} service (a JDK type, so
 * the test can read it without sharing a class with the plugin): the test sees the plugin's code ran,
 * not only that the runtime counted a delivery.
 */
@Component(service = {ReadingListener.class, Supplier.class}, property = ProbeListener.ROLE_PROPERTY + "=probe")
@ReadingTopics(ProbeListener.TOPIC_FILTER)
@PluginScope(reads = ProbeListener.TOPIC_FILTER)
public class ProbeListener implements ReadingListener, Supplier<List<String>> {

    /** The filter the probe subscribes to. */
    public static final String TOPIC_FILTER = "WasteContainer/+/fillingLevel";

    /** Service property marking the test plugins' services. */
    public static final String ROLE_PROPERTY = "regie.itests.role";

    private final List<String> received = new CopyOnWriteArrayList<>();

    @Override
    public void onReading(Reading reading) {
        received.add(reading.topic());
    }

    /** The topics of the readings received so far, in order. */
    @Override
    public List<String> get() {
        return List.copyOf(received);
    }
}
