package nl.dijkwacht.flood;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Reading;

/** A bus that records what is published; the plugin subscribes through the whiteboard, never here. */
final class RecordingBus implements ReadingBus {

    final List<Reading> published = new ArrayList<>();

    @Override
    public void publish(Reading reading) {
        published.add(reading);
    }

    @Override
    public Subscription subscribe(Collection<String> topicFilters, ReadingListener listener) {
        throw new UnsupportedOperationException("the flood plugin subscribes through the whiteboard");
    }
}
