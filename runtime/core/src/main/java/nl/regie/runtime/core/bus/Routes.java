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
 * Topics are many (one per attribute of every entity: 60,000 with 10,000 devices) but the sets of subscribers they go
 * to are few, so topics that go to the same subscribers share one array, which callers only read.
 */
final class Routes {

    /** Caps the cache when topics are unbounded (many short-lived entities); past it, topics are matched each time. */
    private static final int MAX_CACHED_TOPICS = 100_000;

    private final List<Subscriber> subscribers;
    private final ConcurrentHashMap<TopicKey, Subscriber[]> byTopic = new ConcurrentHashMap<>();
    /** Each distinct set of matched subscribers, in subscription order, once: the array the topics share. */
    private final ConcurrentHashMap<List<Subscriber>, Subscriber[]> shared = new ConcurrentHashMap<>();

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
            Subscriber[] found = subscribers.stream()
                    .filter(s -> s.matches(entity.type(), entity.localId(), reading.attribute()))
                    .toArray(Subscriber[]::new);
            if (byTopic.size() < MAX_CACHED_TOPICS) {
                // Subscriber keeps Object's identity equality, so the list compares which subscribers, not filters.
                matched = shared.computeIfAbsent(List.of(found), l -> found);
                byTopic.put(key, matched);
            } else {
                matched = found;
            }
        }
        return matched;
    }

    /** A topic without building its string: the entity's and attribute's hash codes are already cached. */
    private record TopicKey(EntityId entity, String attribute) {
    }
}
