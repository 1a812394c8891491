package nl.regie.benchmarks.swap.driver;

import java.time.Instant;
import java.util.function.LongConsumer;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.PluginScope;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Publishes reading number n on the bus when the benchmark's paced thread calls {@link #accept(long)}: the
 * benchmark reaches the bus through this JDK-typed service, from a bundle that imports the api as any publisher
 * does. The sequence number is the reading's value (exact in a double far beyond any run's length).
 */
@Component(service = LongConsumer.class, property = "regie.swap.publisher=bus")
@PluginScope(publishes = "WasteContainer/swap-bench/fillingLevel")
public class BusPublisher implements LongConsumer {

    private static final EntityId BIN = EntityId.of("WasteContainer", "swap-bench");
    /** The bundle's symbolic name (see SwapBundles): the runtime accepts a reading only under its publisher's name. */
    private static final String SOURCE = "nl.regie.benchmarks.swap.driver";

    private final ReadingBus bus;

    /** Gets this bundle's view of the bus. */
    @Activate
    public BusPublisher(@Reference ReadingBus bus) {
        this.bus = bus;
    }

    @Override
    public void accept(long sequence) {
        Instant now = Instant.now();
        bus.publish(new Reading(BIN, "fillingLevel", new Value.Number(sequence), "/", now, now, SOURCE, null));
    }
}
