package nl.regie.itests.plugin.malformed;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;

import org.osgi.service.component.annotations.Component;

/** A listener whose topic filter is malformed ('#' is allowed only as the last level): the bus must ignore it. */
@Component(property = MalformedTopicsListener.ROLE_PROPERTY + "=malformed")
@ReadingTopics(MalformedTopicsListener.TOPIC_FILTER)
public class MalformedTopicsListener implements ReadingListener {

    /** The malformed filter. */
    public static final String TOPIC_FILTER = "WasteContainer/#/fillingLevel";

    /** Service property marking the test plugins' services. */
    public static final String ROLE_PROPERTY = "regie.itests.role";

    @Override
    public void onReading(Reading reading) {
        throw new AssertionError("a listener with a malformed filter must never be called");
    }
}
