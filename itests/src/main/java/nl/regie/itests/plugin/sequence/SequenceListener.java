package nl.regie.itests.plugin.sequence;

import java.util.function.LongConsumer;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.PluginScope;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A plugin that passes on the sequence number of every reading it receives to a sink the test registers (a
 * {@link LongConsumer}, a JDK type, so plugin and test share no class): the test sees, across versions of the
 * plugin, exactly which readings its code got and in which order.
 */
@Component(immediate = true)
@ReadingTopics(SequenceListener.TOPIC_FILTER)
@PluginScope(reads = SequenceListener.TOPIC_FILTER)
public class SequenceListener implements ReadingListener {

    /** The readings it takes: numbered ones. */
    public static final String TOPIC_FILTER = "Device/+/sequence";

    /** The value of {@code regie.itests.role} on the test's sink service. */
    public static final String SINK_ROLE = "sequence-sink";

    private final LongConsumer sink;

    @Activate
    public SequenceListener(@Reference(target = "(regie.itests.role=" + SINK_ROLE + ")") LongConsumer sink) {
        this.sink = sink;
    }

    @Override
    public void onReading(Reading reading) {
        if (reading.value() instanceof Value.Number number) {
            sink.accept((long) number.value());
        }
    }
}
