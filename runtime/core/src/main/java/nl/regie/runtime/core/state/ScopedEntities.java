package nl.regie.runtime.core.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.core.scope.ScopeGuard;
import nl.regie.runtime.spi.bus.ReadView;

/**
 * Entities as one plugin may see them: only the attributes its declared {@code reads} cover, each passed through
 * the plugin's {@link ReadView} of the data-sharing policy as the reading that set it (so a withheld attribute is
 * left out and a coarsened location is coarsened here too). An entity with no attribute left is not seen at all.
 */
final class ScopedEntities {

    private final ScopeGuard guard;

    ScopedEntities(ScopeGuard guard) {
        this.guard = guard;
    }

    /** The visible part of one entity, through a view made for this query. */
    Optional<EntityState> filter(Optional<EntityState> entity) {
        return entity.flatMap(e -> Optional.ofNullable(filter(e, guard.newReadView())));
    }

    /** The visible parts of entities, in their order, through one view made for this query. */
    List<EntityState> filter(List<EntityState> entities) {
        ReadView view = guard.newReadView();
        List<EntityState> visible = new ArrayList<>();
        for (EntityState entity : entities) {
            EntityState seen = filter(entity, view);
            if (seen != null) {
                visible.add(seen);
            }
        }
        return visible;
    }

    private EntityState filter(EntityState entity, ReadView view) {
        EntityId id = entity.id();
        Map<String, AttributeState> attributes = new TreeMap<>();
        Location location = null;
        for (Map.Entry<String, AttributeState> entry : entity.attributes().entrySet()) {
            if (!guard.mayRead(id.type(), id.localId(), entry.getKey())) {
                continue;
            }
            AttributeState state = entry.getValue();
            Reading reading = view.apply(new Reading(id, entry.getKey(), state.value(), state.unit(),
                    state.observedAt(), state.observedAt(), state.source(), entity.location()));
            if (reading != null && reading.entity().equals(id)) {
                attributes.put(reading.attribute(), new AttributeState(reading.value(), reading.unit(),
                        reading.observedAt(), reading.source()));
                if (location == null) {
                    location = reading.location();
                }
            }
        }
        return attributes.isEmpty() ? null : new EntityState(id, location, attributes, entity.updatedAt());
    }
}
