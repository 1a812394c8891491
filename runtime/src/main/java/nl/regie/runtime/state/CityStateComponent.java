package nl.regie.runtime.state;

import java.util.List;
import java.util.Optional;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.bus.BusEngineService;
import nl.regie.runtime.bus.Owner;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The city state service, fed from the bus: it subscribes to every topic, as the runtime bundle and with a
 * larger queue than a plugin gets, and keeps the latest value of every attribute. Registered as
 * {@link FullCityState}; every bundle's {@link CityState} is a {@link BundleCityState} over it.
 */
@Component(immediate = true, service = FullCityState.class)
public class CityStateComponent implements FullCityState {

    private final EntityStore store = new EntityStore();
    private final Subscription subscription;

    /**
     * Readings the city state can have waiting: ten times a plugin's default, so that the picture rides out a
     * burst such as a reconnected broker delivering its backlog (about 1.6 MB of queue when full).
     */
    static final int QUEUE_CAPACITY = 100_000;

    /** Subscribes to all readings, as the runtime bundle. */
    @Activate
    public CityStateComponent(@Reference BusEngineService bus, BundleContext context) {
        this(bus, Owner.of(context.getBundle()));
    }

    /** Subscribes to all readings on behalf of {@code owner}; outside a framework, as in the ingest benchmark. */
    public CityStateComponent(BusEngineService bus, Owner owner) {
        subscription = bus.subscribe(owner, List.of("#"), store::apply, QUEUE_CAPACITY);
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
