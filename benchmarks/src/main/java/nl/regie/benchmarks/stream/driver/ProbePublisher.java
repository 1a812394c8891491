package nl.regie.benchmarks.stream.driver;

import java.time.Instant;
import java.util.function.LongConsumer;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Publishes probe reading number n ({@code BusProbe/p{n % 100}/sequence}, value n) for the benchmark's bus rate:
 * the benchmark calls it as fast as the bus takes them, and {@link ProbeListener} counts what arrives.
 */
@Component(service = LongConsumer.class, property = "regie.stream.bench=probe")
public class ProbePublisher implements LongConsumer {

    private final ReadingBus bus;
    private final String source;
    private final EntityId[] entities = new EntityId[100];

    /** Gets this bundle's view of the bus. */
    @Activate
    public ProbePublisher(@Reference ReadingBus bus) {
        this.bus = bus;
        this.source = FrameworkUtil.getBundle(ProbePublisher.class).getSymbolicName();
        for (int i = 0; i < entities.length; i++) {
            entities[i] = EntityId.of("BusProbe", "p" + i);
        }
    }

    @Override
    public void accept(long sequence) {
        Instant now = Instant.now();
        bus.publish(new Reading(entities[(int) (sequence % entities.length)], "sequence", new Value.Number(sequence), "",
                now, now, source, null));
    }
}
