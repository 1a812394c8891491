package nl.regie.runtime.core.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;

/**
 * The city state's data: the latest value of every attribute of every entity, fed one reading at a time.
 *
 * <p>Plain Java so it can be tested without a framework. Writes come from one bus subscriber thread; reads
 * come from any thread and see immutable snapshots.
 *
 * <p>Which reading stands, by observed time: a reading older than the attribute's current value does not replace
 * it when it comes from <em>another</em> source, so a late, out-of-order reading never rolls the picture back.
 * A source's own reading always replaces that source's earlier one, whatever its time: the bus delivers one
 * source's readings of an entity in the order it published them, so its latest word is its current one. Without
 * that, a source whose clock jumped back (a device whose clock was reset, a plugin that dated one reading by the
 * wall clock and the next by the simulated one) would be frozen at its earlier, later-dated value for good. Such
 * a step back is reported to {@link ClockSteps}, so it is visible.
 *
 * <p>Stale marks: when a plugin is uninstalled, {@link #markPublisherRemoved} marks every attribute whose current value
 * it published (except the {@value #ALERT_TYPE} entities, whose resolution the alert service publishes): nothing will
 * update those values. A mark goes when a reading of that attribute is applied, or the attribute is deleted.
 */
final class EntityStore {

    /** Told when a source replaces its own value of an attribute with an older-dated one. */
    @FunctionalInterface
    interface ClockSteps {
        ClockSteps NONE = (previous, reading) -> { };

        void steppedBack(AttributeState previous, Reading reading);
    }

    private static final Comparator<EntityState> BY_ID = Comparator.comparing(EntityState::id);
    /** The alert service owns these entities' lifecycle: an uninstalled plugin's alerts are resolved, not stale. */
    static final String ALERT_TYPE = "Alert";

    /** The stale attributes by entity, each set immutable and replaced whole. */
    private final Map<EntityId, Set<String>> stale = new ConcurrentHashMap<>();

    /** Entities by type, then by id; the snapshot per entity is replaced whole on each change. */
    private final Map<String, Map<EntityId, EntityState>> byType = new ConcurrentHashMap<>();
    private final ClockSteps clockSteps;

    EntityStore() {
        this(ClockSteps.NONE);
    }

    EntityStore(ClockSteps clockSteps) {
        this.clockSteps = clockSteps;
    }

    /**
     * Readings applied together, as {@link #apply} applies them one by one, with one new {@link EntityState} per
     * entity at {@link #commit} instead of one per reading: how a journal is replayed at start-up, where most of the
     * cost of a replay was the garbage of intermediate states. Not thread-safe; readers see nothing until the commit.
     */
    final class Batch {
        private final Map<EntityId, Working> working = new HashMap<>();

        /** Applies a reading to the batch by the rules of {@link EntityStore#apply}. */
        void apply(Reading reading) {
            Working entity = working.computeIfAbsent(reading.entity(), id -> new Working(entity(id).orElse(null)));
            AttributeState previous = entity.attributes.get(reading.attribute());
            if (previous != null && previous.observedAt().isAfter(reading.observedAt())
                    && !previous.source().equals(reading.source())) {
                return;
            }
            entity.attributes.put(reading.attribute(),
                    new AttributeState(reading.value(), reading.unit(), reading.observedAt(), reading.source()));
            entity.applied.add(reading.attribute());
            if (reading.location() != null) {
                entity.location = reading.location();
            }
            if (entity.updatedAt == null || reading.receivedAt().isAfter(entity.updatedAt)) {
                entity.updatedAt = reading.receivedAt();
            }
        }

        /** Puts every entity the batch changed into the store; a value applied clears its attribute's stale mark. */
        void commit() {
            working.forEach((id, entity) -> {
                restore(new EntityState(id, entity.location, entity.attributes, entity.updatedAt));
                Set<String> marks = stale.get(id);
                if (marks != null) {
                    Set<String> left = new HashSet<>(marks);
                    left.removeAll(entity.applied);
                    setStale(id, left);
                }
            });
            working.clear();
        }
    }

    private static final class Working {
        final Map<String, AttributeState> attributes;
        final Set<String> applied = new HashSet<>();
        Location location;
        Instant updatedAt;

        Working(EntityState current) {
            attributes = current == null ? new HashMap<>() : new HashMap<>(current.attributes());
            location = current == null ? null : current.location();
            updatedAt = current == null ? null : current.updatedAt();
        }
    }

    /** A batch of readings to apply together. */
    Batch batch() {
        return new Batch();
    }

    /** Applies a reading; returns whether it changed the state. */
    boolean apply(Reading reading) {
        Map<EntityId, EntityState> entities = byType.computeIfAbsent(reading.entityType(), t -> new ConcurrentHashMap<>());
        EntityState current = entities.get(reading.entity());
        if (current != null) {
            AttributeState previous = current.attributes().get(reading.attribute());
            if (previous != null && previous.observedAt().isAfter(reading.observedAt())) {
                if (!previous.source().equals(reading.source())) {
                    return false;
                }
                clockSteps.steppedBack(previous, reading);
            }
        }
        Map<String, AttributeState> attributes = current == null ? new HashMap<>() : new HashMap<>(current.attributes());
        attributes.put(reading.attribute(),
                new AttributeState(reading.value(), reading.unit(), reading.observedAt(), reading.source()));
        Location location = reading.location() != null ? reading.location() : current == null ? null : current.location();
        Instant updatedAt = current == null || reading.receivedAt().isAfter(current.updatedAt())
                ? reading.receivedAt() : current.updatedAt();
        entities.put(reading.entity(), new EntityState(reading.entity(), location, attributes, updatedAt));
        Set<String> marks = stale.get(reading.entity());
        if (marks != null && marks.contains(reading.attribute())) {
            Set<String> left = new HashSet<>(marks);
            left.remove(reading.attribute());
            setStale(reading.entity(), left);
        }
        return true;
    }

    /**
     * Marks stale every attribute whose current value {@code source} published (not of {@value #ALERT_TYPE}
     * entities): the plugin was uninstalled. Returns how many attributes were newly marked.
     */
    int markPublisherRemoved(String source) {
        int marked = 0;
        for (Map.Entry<String, Map<EntityId, EntityState>> type : byType.entrySet()) {
            if (ALERT_TYPE.equals(type.getKey())) {
                continue;
            }
            for (EntityState entity : type.getValue().values()) {
                Set<String> marks = null;
                for (Map.Entry<String, AttributeState> a : entity.attributes().entrySet()) {
                    if (source.equals(a.getValue().source()) && !stale(entity.id()).contains(a.getKey())) {
                        if (marks == null) {
                            marks = new HashSet<>(stale(entity.id()));
                        }
                        marks.add(a.getKey());
                        marked++;
                    }
                }
                if (marks != null) {
                    setStale(entity.id(), marks);
                }
            }
        }
        return marked;
    }

    /** The stale attributes of an entity (their publisher was removed); empty for none. */
    Set<String> stale(EntityId id) {
        return stale.getOrDefault(id, Set.of());
    }

    /** Puts an entity's stale marks back as a snapshot held them (recovery only). */
    void restoreStale(EntityId id, Set<String> attributes) {
        setStale(id, attributes);
    }

    private void setStale(EntityId id, Set<String> attributes) {
        if (attributes.isEmpty()) {
            stale.remove(id);
        } else {
            stale.put(id, Set.copyOf(attributes));
        }
    }

    /**
     * Drops what {@code source} published of an entity: one attribute, or (with a null attribute) every attribute
     * whose current value it published; the entity goes once it has no attribute left. What another source published
     * stays.
     *
     * @return the attributes dropped, in name order; empty when there was nothing of the source's to drop
     */
    List<String> delete(EntityId id, String attribute, String source) {
        Map<EntityId, EntityState> entities = byType.get(id.type());
        EntityState current = entities == null ? null : entities.get(id);
        if (current == null) {
            return List.of();
        }
        Map<String, AttributeState> attributes = new HashMap<>(current.attributes());
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<String, AttributeState> a : current.attributes().entrySet()) {
            if ((attribute == null || attribute.equals(a.getKey())) && source.equals(a.getValue().source())) {
                attributes.remove(a.getKey());
                dropped.add(a.getKey());
            }
        }
        if (dropped.isEmpty()) {
            return List.of();
        }
        Set<String> marks = new HashSet<>(stale(id));
        marks.removeAll(dropped);
        setStale(id, marks);
        if (attributes.isEmpty()) {
            entities.remove(id);
        } else {
            entities.put(id, new EntityState(id, current.location(), attributes, current.updatedAt()));
        }
        dropped.sort(Comparator.naturalOrder());
        return dropped;
    }

    /** Puts an entity back as a snapshot held it, replacing whatever the store had for it (recovery only). */
    void restore(EntityState entity) {
        byType.computeIfAbsent(entity.id().type(), t -> new ConcurrentHashMap<>()).put(entity.id(), entity);
    }

    /** Forgets every entity (recovery only: a snapshot turned out damaged halfway). */
    void clear() {
        byType.clear();
        stale.clear();
    }

    /** Every entity, in no particular order: the capture of a snapshot, cheap because each entity is immutable. */
    List<EntityState> unordered() {
        List<EntityState> result = new ArrayList<>(size());
        for (Map<EntityId, EntityState> entities : byType.values()) {
            result.addAll(entities.values());
        }
        return result;
    }

    Optional<EntityState> entity(EntityId id) {
        Map<EntityId, EntityState> entities = byType.get(id.type());
        return entities == null ? Optional.empty() : Optional.ofNullable(entities.get(id));
    }

    List<EntityState> byType(String entityType) {
        Map<EntityId, EntityState> entities = byType.get(entityType);
        if (entities == null) {
            return List.of();
        }
        List<EntityState> result = new ArrayList<>(entities.values());
        result.sort(BY_ID);
        return result;
    }

    List<EntityState> all() {
        return select(null, e -> true);
    }

    List<EntityState> near(Location center, double metres, String entityType) {
        if (!Double.isFinite(metres) || metres < 0) {
            throw new IllegalArgumentException("radius must be a finite number of metres >= 0, was " + metres);
        }
        Objects.requireNonNull(center, "center is required");
        List<EntityState> result = select(entityType,
                e -> e.location() != null && e.location().distanceMetres(center) <= metres);
        result.sort(Comparator.comparingDouble((EntityState e) -> e.location().distanceMetres(center)).thenComparing(BY_ID));
        return result;
    }

    List<EntityState> within(BoundingBox box, String entityType) {
        Objects.requireNonNull(box, "bounding box is required");
        return select(entityType, e -> e.location() != null && box.contains(e.location()));
    }

    int size() {
        int size = 0;
        for (Map<EntityId, EntityState> entities : byType.values()) {
            size += entities.size();
        }
        return size;
    }

    private List<EntityState> select(String entityType, Predicate<EntityState> filter) {
        List<EntityState> result = new ArrayList<>();
        for (Map.Entry<String, Map<EntityId, EntityState>> type : byType.entrySet()) {
            if (entityType == null || entityType.equals(type.getKey())) {
                for (EntityState e : type.getValue().values()) {
                    if (filter.test(e)) {
                        result.add(e);
                    }
                }
            }
        }
        result.sort(BY_ID);
        return result;
    }
}
