package nl.regie.api.bus;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A live subscription on the {@link ReadingBus}. Closing it stops delivery and releases its queue and
 * thread; readings still queued are discarded. Closing twice has no effect.
 */
@ProviderType
public interface Subscription extends AutoCloseable {

    /** The topic filters this subscription was made with. */
    List<String> topicFilters();

    /** Stops delivery. Does not throw. */
    @Override
    void close();
}
