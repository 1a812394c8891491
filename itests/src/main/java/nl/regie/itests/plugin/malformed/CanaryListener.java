package nl.regie.itests.plugin.malformed;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.scope.PluginScope;

import org.osgi.service.component.annotations.Component;

/**
 * A well-formed listener in the same bundle as {@link MalformedTopicsListener}: its subscription shows the
 * runtime has seen the bundle's services, so the absence of the other one means something.
 */
@Component(property = MalformedTopicsListener.ROLE_PROPERTY + "=canary")
@ReadingTopics(CanaryListener.TOPIC_FILTER)
@PluginScope(reads = CanaryListener.TOPIC_FILTER)
public class CanaryListener implements ReadingListener {

    /** The canary's filter. */
    public static final String TOPIC_FILTER = "WasteContainer/+/temperature";

    @Override
    public void onReading(Reading reading) {
        // receiving is all it has to do
    }
}
