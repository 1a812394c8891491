package nl.regie.mobility;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Reading;

/** A bus that records what is published and delivers nothing. */
final class RecordingBus implements ReadingBus {

    final List<Reading> published = new ArrayList<>();

    @Override
    public void publish(Reading reading) {
        published.add(reading);
    }

    @Override
    public Subscription subscribe(Collection<String> topicFilters, ReadingListener listener) {
        throw new UnsupportedOperationException("the mobility plugin subscribes through the whiteboard");
    }

    /** Every reading published on a topic, oldest first. */
    List<Reading> on(String topic) {
        return published.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    /** The value of the last reading published on a topic, as a plain object. */
    Object last(String topic) {
        List<Reading> readings = on(topic);
        if (readings.isEmpty()) {
            throw new AssertionError("nothing published on " + topic + "; published: "
                    + published.stream().map(Reading::topic).distinct().toList());
        }
        return readings.get(readings.size() - 1).value().asObject();
    }
}
