package nl.regie.itests.plugin.faulty;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.scope.PluginScope;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** A plugin whose only component throws while activating: its bundle starts, its component never does. */
@Component(immediate = true)
@ReadingTopics(FaultyListener.TOPIC_FILTER)
@PluginScope(reads = FaultyListener.TOPIC_FILTER)
public class FaultyListener implements ReadingListener {

    /** The filter it would subscribe to: the probe's, so a broken neighbour shares the probe's topic. */
    public static final String TOPIC_FILTER = "WasteContainer/+/fillingLevel";

    /** The message of the exception thrown by activate. */
    public static final String FAILURE = "itests: the faulty plugin fails in activate on purpose";

    @Activate
    void activate() {
        throw new IllegalStateException(FAILURE);
    }

    @Override
    public void onReading(Reading reading) {
        throw new AssertionError("never activated, so never called");
    }
}
