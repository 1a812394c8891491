package nl.regie.benchmarks.stream.driver;

import java.time.Instant;
import java.util.function.LongConsumer;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.PluginScope;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Publishes entity change number n on the bus when the stream benchmark's paced thread calls {@link #accept(long)}:
 * attribute {@code sequence} of one of 100 {@code StreamBench} entities around the Dam, with the sequence number as
 * its value, so each stream client can tell what it missed. The benchmark reaches the bus through this JDK-typed
 * service, from a bundle that imports the api and declares its scope as any plugin does.
 */
@Component(service = LongConsumer.class, property = "regie.stream.bench=paced")
@PluginScope(reads = ProbeListener.TOPIC_FILTER, publishes = {"StreamBench/+/sequence", "BusProbe/+/sequence"})
public class StreamDriver implements LongConsumer {

    /** Entities the changes are spread over. */
    static final int ENTITIES = 100;

    private final ReadingBus bus;
    private final String source;
    private final EntityId[] entities = new EntityId[ENTITIES];
    private final Location[] locations = new Location[ENTITIES];

    /** Gets this bundle's view of the bus. */
    @Activate
    public StreamDriver(@Reference ReadingBus bus) {
        this.bus = bus;
        this.source = FrameworkUtil.getBundle(StreamDriver.class).getSymbolicName();
        for (int i = 0; i < ENTITIES; i++) {
            entities[i] = EntityId.of("StreamBench", "e" + i);
            locations[i] = Location.of(4.8932 + (i % 10) * 0.001, 52.3731 + (i / 10) * 0.001);
        }
    }

    @Override
    public void accept(long sequence) {
        int i = (int) (sequence % ENTITIES);
        Instant now = Instant.now();
        bus.publish(new Reading(entities[i], "sequence", new Value.Number(sequence), "", now, now, source, locations[i]));
    }
}
