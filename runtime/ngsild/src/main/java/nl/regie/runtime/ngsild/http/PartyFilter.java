package nl.regie.runtime.ngsild.http;

import java.util.List;
import java.util.Optional;

import nl.regie.api.model.EntityId;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.ngsild.write.Writer;
import nl.regie.runtime.spi.access.HttpCaller;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.VisibleEntities;
import nl.regie.runtime.spi.state.FullCityState;

/**
 * What one NGSI-LD caller sees of the city state: exactly what {@code /api/entities} shows it, by the same rule
 * ({@link VisibleEntities}: its token's {@code read:} types, its party's view of the policy); the operator sees
 * everything as it is. One per request, used by its thread.
 */
public final class PartyFilter {

    private final HttpCaller caller;
    private final ReadView view;

    private PartyFilter(HttpCaller caller, ReadView view) {
        this.caller = caller;
        this.view = view;
    }

    /** The filter of this caller. */
    public static PartyFilter of(HttpCaller caller, AccessPolicy policy) {
        return new PartyFilter(caller, caller.operator() ? null : policy.readView(caller.party(), caller.name()));
    }

    /** The entities as the caller sees them. */
    public List<EntityState> visible(List<EntityState> entities) {
        return view == null ? entities : VisibleEntities.of(entities, view, caller::mayRead);
    }

    /** The entity as the caller sees it; a zone entity is made from the entities of its type. */
    public Optional<EntityState> entity(FullCityState city, EntityId id) {
        Optional<EntityState> entity = city.entity(id);
        if (view == null) {
            return entity;
        }
        List<EntityState> from = entity.isPresent() ? List.of(entity.get()) : city.byType(id.type());
        return visible(from).stream().filter(e -> e.id().equals(id)).findFirst();
    }

    /** Whether the caller sees something of this entity. */
    public boolean sees(EntityState entity) {
        return view == null || visible(List.of(entity)).stream().anyMatch(e -> e.id().equals(entity.id()));
    }

    /** The caller as a writer; the operator writes as the policy's default party. */
    public Writer writer() {
        return new Writer(caller.name(), caller.operator() ? AccessPolicy.DEFAULT_PARTY : caller.party(),
                caller.operator(), caller::mayPublish, this::sees);
    }
}
