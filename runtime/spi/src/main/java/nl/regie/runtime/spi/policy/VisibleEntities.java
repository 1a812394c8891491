package nl.regie.runtime.spi.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.spi.bus.ReadView;

/**
 * Entities of the city state as one HTTP reader may see them, the one rule every HTTP API applies: entity types the
 * reader's token may read, and of those what its {@link ReadView} lets through, each attribute passed as a
 * {@link Reading} (its source is its owner). An attribute the view withholds is left out, a transformed one (location
 * coarsened) replaces it, and an aggregated one becomes part of a zone entity; an entity with nothing left is not
 * there for this reader.
 */
public final class VisibleEntities {

    private VisibleEntities() {
    }

    /**
     * The entities as the reader may see them, in order; zone entities after the entities they come from.
     *
     * @param view       the reader's view, used by this thread only
     * @param mayReadType whether the reader's token reads an entity type
     */
    public static List<EntityState> of(List<EntityState> entities, ReadView view, Predicate<String> mayReadType) {
        Map<EntityId, Builder> visible = new LinkedHashMap<>();
        for (EntityState entity : entities) {
            if (!mayReadType.test(entity.id().type())) {
                continue;
            }
            for (Map.Entry<String, AttributeState> a : entity.attributes().entrySet()) {
                AttributeState state = a.getValue();
                Reading seen = view.apply(new Reading(entity.id(), a.getKey(), state.value(), state.unit(),
                        state.observedAt(), state.observedAt(), state.source(), entity.location()));
                if (seen != null) {
                    visible.computeIfAbsent(seen.entity(), Builder::new).add(seen);
                }
            }
        }
        List<EntityState> result = new ArrayList<>(visible.size());
        visible.values().forEach(b -> result.add(b.build()));
        return result;
    }

    /** An entity being put together from the readings the view let through. */
    private static final class Builder {
        private final EntityId id;
        private final Map<String, AttributeState> attributes = new LinkedHashMap<>();
        private Location location;
        private Instant updatedAt = Instant.EPOCH;

        Builder(EntityId id) {
            this.id = id;
        }

        void add(Reading reading) {
            // A zone's count arrives once per entity in the zone; the last one holds the sum over all of them.
            attributes.put(reading.attribute(), new AttributeState(reading.value(), reading.unit(),
                    reading.observedAt(), reading.source()));
            if (reading.location() != null) {
                location = reading.location();
            }
            if (reading.observedAt().isAfter(updatedAt)) {
                updatedAt = reading.observedAt();
            }
        }

        EntityState build() {
            return new EntityState(id, location, attributes, updatedAt);
        }
    }
}
