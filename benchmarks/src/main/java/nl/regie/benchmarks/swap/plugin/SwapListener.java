package nl.regie.benchmarks.swap.plugin;

import java.util.function.ObjLongConsumer;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.PluginScope;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The plugin the swap benchmark updates again and again: a whiteboard listener written as a vendor writes one
 * (so its subscription is durable). It hands each reading's sequence number, with its own bundle version, to the
 * benchmark's recorder: a service of a JDK type the benchmark registers from outside, so the recorder outlives
 * every version and shares no class with the plugin. Packaged into a bundle at run time, never loaded from the
 * class path.
 */
@Component(service = ReadingListener.class)
@ReadingTopics(SwapListener.TOPIC_FILTER)
@PluginScope(reads = SwapListener.TOPIC_FILTER)
public class SwapListener implements ReadingListener {

    /** What the plugin subscribes to: the benchmark's one entity. */
    public static final String TOPIC_FILTER = "WasteContainer/swap-bench/fillingLevel";

    private final ObjLongConsumer<String> recorder;
    private final String version;

    /** Binds the benchmark's recorder. */
    @Activate
    public SwapListener(@Reference(service = ObjLongConsumer.class, target = "(regie.swap.recorder=bus)")
            ObjLongConsumer<String> recorder) {
        this.recorder = recorder;
        this.version = FrameworkUtil.getBundle(SwapListener.class).getVersion().toString();
    }

    @Override
    public void onReading(Reading reading) {
        recorder.accept(version, (long) ((Value.Number) reading.value()).value());
    }
}
