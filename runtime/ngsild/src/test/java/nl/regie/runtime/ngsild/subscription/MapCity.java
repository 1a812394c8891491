package nl.regie.runtime.ngsild.subscription;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;

/** A city state in a map, for the unit tests of one class: takes readings as the real one does, nothing more. */
final class MapCity implements CityState {

    private final Map<EntityId, EntityState> entities = new LinkedHashMap<>();

    synchronized void apply(Reading r) {
        EntityState old = entities.get(r.entity());
        Map<String, AttributeState> attributes = new LinkedHashMap<>(old == null ? Map.of() : old.attributes());
        attributes.put(r.attribute(), new AttributeState(r.value(), r.unit(), r.observedAt(), r.source()));
        Location where = r.location() != null ? r.location() : old == null ? null : old.location();
        entities.put(r.entity(), new EntityState(r.entity(), where, attributes, r.observedAt()));
    }

    @Override
    public synchronized Optional<EntityState> entity(EntityId id) {
        return Optional.ofNullable(entities.get(id));
    }

    @Override
    public synchronized List<EntityState> all() {
        return new ArrayList<>(entities.values());
    }

    @Override
    public synchronized List<EntityState> byType(String entityType) {
        return entities.values().stream().filter(e -> e.id().type().equals(entityType)).toList();
    }

    @Override
    public List<EntityState> near(Location center, double metres, String entityType) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<EntityState> within(BoundingBox box, String entityType) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized int size() {
        return entities.size();
    }

    @Override
    public List<Reading> own(String topicFilter) {
        throw new UnsupportedOperationException();
    }
}
