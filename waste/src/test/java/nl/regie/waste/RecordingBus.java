package nl.regie.waste;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

/** A bus that records what is published. */
final class RecordingBus implements ReadingBus {

    final List<Reading> published = new ArrayList<>();

    @Override
    public synchronized void publish(Reading reading) {
        published.add(reading);
    }

    @Override
    public Subscription subscribe(Collection<String> topicFilters, ReadingListener listener) {
        throw new UnsupportedOperationException("the waste plugin subscribes through the whiteboard");
    }

    /** The readings published on a topic, oldest first. */
    synchronized List<Reading> on(String topic) {
        return published.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    /** The values published on a topic, oldest first. */
    synchronized List<Object> values(String topic) {
        return on(topic).stream().map(r -> r.value().asObject()).toList();
    }

    /** The last value published on a topic. */
    synchronized Optional<Value> last(String topic) {
        List<Reading> readings = on(topic);
        return readings.isEmpty() ? Optional.empty() : Optional.of(readings.get(readings.size() - 1).value());
    }

    synchronized void clear() {
        published.clear();
    }
}
