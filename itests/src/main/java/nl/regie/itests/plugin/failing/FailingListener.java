package nl.regie.itests.plugin.failing;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.scope.PluginScope;

import org.osgi.service.component.annotations.Component;

/** A plugin whose listener throws on every reading, so the bus quarantines its subscription. */
@Component
@ReadingTopics(FailingListener.TOPIC_FILTER)
@PluginScope(reads = FailingListener.TOPIC_FILTER)
public class FailingListener implements ReadingListener {

    /** The filter it subscribes to. */
    public static final String TOPIC_FILTER = "WasteContainer/+/temperature";

    /** The message of what it throws. */
    public static final String FAILURE = "itests: this listener fails on purpose";

    @Override
    public void onReading(Reading reading) {
        throw new IllegalStateException(FAILURE);
    }
}
