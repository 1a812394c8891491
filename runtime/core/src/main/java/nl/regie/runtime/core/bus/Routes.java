package nl.regie.runtime.core.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;

/**
 * An immutable set of subscribers with a cache of which of them each topic goes to.
 *
 * <p>The bus replaces its routes on every subscribe and close, which drops the whole cache at once; a publisher
 * holding the previous routes fills only that old cache, so a stale entry can never hide a new subscriber.
 * Matching a topic against every filter happens once per topic; after that a publish costs one map lookup.
 */
final class Routes {

    /** Caps the cache when topics are unbounded (many short-lived entities); past it, topics are matched each time. */
    private static final int MAX_CACHED_TOPICS = 100_000;

    private final List<Subscriber> subscribers;
    private final ConcurrentHashMap<TopicKey, Subscriber[]> byTopic = new ConcurrentHashMap<>();

    Routes(List<Subscriber> subscribers) {
        this.subscribers = List.copyOf(subscribers);
    }

    List<Subscriber> subscribers() {
        return subscribers;
    }

    Routes with(Subscriber added) {
        List<Subscriber> more = new ArrayList<>(subscribers);
        more.add(added);
        return new Routes(more);
    }

    Routes without(Subscriber removed) {
        List<Subscriber> fewer = new ArrayList<>(subscribers);
        fewer.remove(removed);
        return new Routes(fewer);
    }

    /** The subscribers a reading goes to, each once. */
    Subscriber[] match(Reading reading) {
        TopicKey key = new TopicKey(reading.entity(), reading.attribute());
        Subscriber[] matched = byTopic.get(key);
        if (matched == null) {
            EntityId entity = reading.entity();
            matched = subscribers.stream()
                    .filter(s -> s.matches(entity.type(), entity.localId(), reading.attribute()))
                    .toArray(Subscriber[]::new);
            if (byTopic.size() < MAX_CACHED_TOPICS) {
                byTopic.put(key, matched);
            }
        }
        return matched;
    }

    /** A topic without building its string: the entity's and attribute's hash codes are already cached. */
    private record TopicKey(EntityId entity, String attribute) {
    }
}
