package nl.regie.benchmarks.soak.plugin;

import java.util.concurrent.atomic.AtomicLong;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.scope.PluginScope;

import org.osgi.service.component.annotations.Component;

/**
 * The plugin the soak updates every few minutes: a whiteboard listener on every bin's filling level, written as a
 * vendor writes one, that only counts. Packaged into a bundle at run time (a new version for every update), never
 * loaded from the class path; what the soak watches is whether its old versions leave threads, memory or files
 * behind.
 */
@Component(service = ReadingListener.class)
@ReadingTopics(SoakListener.TOPIC_FILTER)
@PluginScope(reads = SoakListener.TOPIC_FILTER)
public class SoakListener implements ReadingListener {

    /** What the plugin subscribes to. */
    public static final String TOPIC_FILTER = "WasteContainer/+/fillingLevel";

    private final AtomicLong received = new AtomicLong();

    @Override
    public void onReading(Reading reading) {
        received.incrementAndGet();
    }
}
