package nl.regie.itests.plugin.echo;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.PluginScope;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A well-behaved plugin: each bin's filling level comes back as {@code fillingPercent} of the same bin, published
 * under its own name, within the scope it declares.
 */
@Component
@ReadingTopics(EchoPlugin.READS)
@PluginScope(reads = EchoPlugin.READS, publishes = EchoPlugin.PUBLISHES)
public class EchoPlugin implements ReadingListener {

    /** The symbolic name the test installs it under: the source of what it publishes. */
    public static final String NAME = "nl.regie.itests.echo";


    /** What it reads. */
    public static final String READS = "WasteContainer/+/fillingLevel";
    /** What it publishes. */
    public static final String PUBLISHES = "WasteContainer/+/fillingPercent";

    private final ReadingBus bus;

    /** Gets this bundle's view of the bus. */
    @Activate
    public EchoPlugin(@Reference ReadingBus bus) {
        this.bus = bus;
    }

    @Override
    public void onReading(Reading reading) {
        double level = ((Value.Number) reading.value()).value();
        EntityId bin = reading.entity();
        bus.publish(Reading.of(bin, "fillingPercent", Value.of(level * 100), "%", NAME));
    }
}
