package nl.regie.itests.plugin.deleting;

import nl.regie.api.bus.NotOwnerException;
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
 * A plugin that publishes two routes when it starts and, when a bin reports, deletes one route and one attribute of
 * the other, and tries to delete what is not its own: a route someone else published (publishing the exception's
 * name as {@code refusal}) and a bin's level outside its scope ({@code outside}).
 */
@Component
@ReadingTopics(RouteKeeper.READS)
@PluginScope(reads = RouteKeeper.READS, publishes = "WasteCollectionRoute/#")
public class RouteKeeper implements ReadingListener {

    /** The symbolic name the test installs it under. */
    public static final String NAME = "nl.regie.itests.deleting";
    static final String READS = "WasteContainer/+/fillingLevel";
    /** Its routes, and one it does not own. */
    public static final EntityId FIRST = EntityId.of("WasteCollectionRoute", "it-1");
    public static final EntityId SECOND = EntityId.of("WasteCollectionRoute", "it-2");
    public static final EntityId OTHERS = EntityId.of("WasteCollectionRoute", "it-3");

    private final ReadingBus bus;

    /** Publishes its two routes. */
    @Activate
    public RouteKeeper(@Reference ReadingBus bus) {
        this.bus = bus;
        for (EntityId route : new EntityId[] {FIRST, SECOND}) {
            bus.publish(Reading.of(route, "stops", Value.of(4), "count", NAME));
            bus.publish(Reading.of(route, "length", Value.of(1200), "m", NAME));
        }
    }

    @Override
    public void onReading(Reading reading) {
        bus.delete(FIRST);
        bus.delete(SECOND, "length");
        try {
            bus.delete(OTHERS);
            bus.publish(Reading.of(SECOND, "refusal", Value.of("none"), "", NAME));
        } catch (NotOwnerException e) {
            bus.publish(Reading.of(SECOND, "refusal", Value.of(e.getClass().getSimpleName()), "", NAME));
        }
        try {
            bus.delete(reading.entity(), "fillingLevel");
            bus.publish(Reading.of(SECOND, "outside", Value.of("none"), "", NAME));
        } catch (SecurityException e) {
            bus.publish(Reading.of(SECOND, "outside", Value.of(e.getClass().getSimpleName()), "", NAME));
        }
    }
}
