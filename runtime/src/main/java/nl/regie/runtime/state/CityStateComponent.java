package nl.regie.runtime.state;

import java.util.List;
import java.util.Optional;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The city state service, fed from the bus: it subscribes to every topic through the runtime's own view of
 * the bus, like any other subscriber, and keeps the latest value of every attribute.
 */
@Component(immediate = true)
public class CityStateComponent implements CityState {

    private final EntityStore store = new EntityStore();
    private final Subscription subscription;

    /** Subscribes to all readings. */
    @Activate
    public CityStateComponent(@Reference ReadingBus bus) {
        subscription = bus.subscribe("#", store::apply);
    }

    @Deactivate
    void deactivate() {
        subscription.close();
    }

    @Override
    public Optional<EntityState> entity(EntityId id) {
        return store.entity(id);
    }

    @Override
    public List<EntityState> byType(String entityType) {
        return store.byType(entityType);
    }

    @Override
    public List<EntityState> near(Location center, double metres, String entityType) {
        return store.near(center, metres, entityType);
    }

    @Override
    public List<EntityState> within(BoundingBox box, String entityType) {
        return store.within(box, entityType);
    }

    @Override
    public int size() {
        return store.size();
    }

    @Override
    public List<EntityState> all() {
        return store.all();
    }
}
