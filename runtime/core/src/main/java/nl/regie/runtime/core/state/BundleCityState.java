package nl.regie.runtime.core.state;

import java.util.List;
import java.util.Optional;

import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.core.scope.ScopeGuard;
import nl.regie.runtime.core.scope.Scopes;
import nl.regie.runtime.spi.state.FullCityState;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * {@link CityState} as one bundle sees it: for a plugin, only the entities and attributes its declared scope reads
 * and the data-sharing policy lets it see (see {@link ScopedEntities}); the runtime's own bundle (its servlets)
 * sees the whole state. Spatial queries select by the true location, then filter.
 */
@Component(scope = ServiceScope.BUNDLE, service = CityState.class)
public final class BundleCityState implements CityState {

    private final FullCityState state;
    /** Null for the runtime's own bundle. */
    private final ScopedEntities scoped;
    /** The symbolic name of the bundle that gets the service: the source of what it publishes. */
    private final String source;

    /** The city state of the bundle that gets the service. */
    @Activate
    public BundleCityState(@Reference FullCityState state, @Reference Scopes scopes, ComponentContext context) {
        this(state, scopes.forBundle(context.getUsingBundle()));
    }

    /** The city state as a plugin with a given guard sees it, outside a framework (the test kit, tests). */
    public static BundleCityState of(FullCityState state, ScopeGuard guard) {
        return new BundleCityState(state, guard);
    }

    BundleCityState(FullCityState state, ScopeGuard guard) {
        this.state = state;
        this.scoped = guard.isUnrestricted() ? null : new ScopedEntities(guard);
        this.source = guard.symbolicName();
    }

    @Override
    public Optional<EntityState> entity(EntityId id) {
        Optional<EntityState> entity = state.entity(id);
        return scoped == null ? entity : scoped.filter(entity);
    }

    @Override
    public List<EntityState> all() {
        return filter(state.all());
    }

    @Override
    public List<EntityState> byType(String entityType) {
        return filter(state.byType(entityType));
    }

    @Override
    public List<EntityState> near(Location center, double metres, String entityType) {
        return filter(state.near(center, metres, entityType));
    }

    @Override
    public List<EntityState> within(BoundingBox box, String entityType) {
        return filter(state.within(box, entityType));
    }

    @Override
    public int size() {
        return scoped == null ? state.size() : all().size();
    }

    /** {@inheritDoc} The plugin's own values whatever its scope reads: it published them. */
    @Override
    public List<Reading> own(String topicFilter) {
        return OwnValues.of(state.all(), source, topicFilter);
    }

    private List<EntityState> filter(List<EntityState> entities) {
        return scoped == null ? entities : scoped.filter(entities);
    }
}
