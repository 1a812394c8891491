package nl.regie.benchmarks.swap.driver;

import java.util.Map;
import java.util.function.LongConsumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Posts event number n through EventAdmin (asynchronous {@code postEvent}) when the benchmark's paced thread
 * calls {@link #accept(long)}: the standard alternative's publisher, reached through a JDK-typed service.
 */
@Component(service = LongConsumer.class, property = "regie.swap.publisher=eventadmin")
public class EventPublisher implements LongConsumer {

    private static final String TOPIC = "WasteContainer/swap-bench/fillingLevel";

    private final EventAdmin eventAdmin;

    /** Binds EventAdmin. */
    @Activate
    public EventPublisher(@Reference EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    @Override
    public void accept(long sequence) {
        eventAdmin.postEvent(new Event(TOPIC, Map.of("seq", sequence)));
    }
}
