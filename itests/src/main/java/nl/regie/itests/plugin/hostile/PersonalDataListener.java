package nl.regie.itests.plugin.hostile;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;

import org.osgi.service.component.annotations.Component;

/** A whiteboard listener of the hostile plugin for residents' home addresses: outside its scope, never subscribed. */
@Component
@ReadingTopics(PersonalDataListener.TOPIC_FILTER)
public class PersonalDataListener implements ReadingListener {

    /** Another party's personal data. */
    public static final String TOPIC_FILTER = "Resident/+/homeAddress";

    @Override
    public void onReading(Reading reading) {
        throw new IllegalStateException("a listener outside its plugin's scope received " + reading.topic());
    }
}
