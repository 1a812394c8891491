package nl.regie.runtime.core.state;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.core.persist.Records;
import nl.regie.runtime.statefiles.Decoder;
import nl.regie.runtime.statefiles.Encoder;
import nl.regie.runtime.statefiles.StateFiles;

/**
 * The city state on disk, in {@code <state dir>/city}: a snapshot holds one record per entity (its id, location,
 * update time and every attribute with value, unit, {@code observedAt} and source), the journal one record per
 * reading that changed the state. Replaying a journal applies each reading to the {@link EntityStore} again, by the
 * same rules (per attribute the newest {@code observedAt} wins between sources, a source's own reading replaces its
 * earlier one), so what comes back is exactly what was there; nothing is published on the bus while it does.
 *
 * <p>Content version 2 adds, read alongside version 1's records: after an entity's snapshot record, its stale
 * attributes (a count, then the names); and two journal records that begin with a negative number where a reading
 * begins with its entity type's length, so they can never be taken for one: {@value #PUBLISHER_REMOVED}, a source
 * (a plugin uninstalled: its values are marked stale, {@link EntityStore#markPublisherRemoved}), and
 * {@value #DELETED}, an entity, an attribute or none, and a source ({@link EntityStore#delete}).
 *
 * <p>{@link #applied} is called on the one thread that applies readings, under {@link #lock()}, as is every
 * capture; {@link #publisherRemoved} and {@link #deleted} under the lock too.
 */
final class CityStateFiles implements StateFiles.Owner {

    /** The version of the records below; raise it when they change, and keep reading the older one. */
    static final int SCHEMA = 2;
    /** The first number of a journal record that marks a removed publisher's values stale. */
    static final int PUBLISHER_REMOVED = -1;
    /** The first number of a journal record that deletes an entity or an attribute. */
    static final int DELETED = -2;

    /** A journal record: a publisher was removed. */
    private record PublisherRemoved(String source) {
    }

    /** A journal record: what a source deleted (a null attribute: the entity). */
    private record Deleted(EntityId entity, String attribute, String source) {
    }

    private final EntityStore store;
    /** The journals' readings, applied together once every journal has been read. */
    private EntityStore.Batch replay;
    private final Encoder encoder = new Encoder();
    private final Object lock = new Object();
    private StateFiles files;

    CityStateFiles(EntityStore store) {
        this.store = store;
    }

    /** Opens the folder and loads it into the store. */
    StateFiles.Recovery open(Path folder, StateFiles.Log log) throws IOException {
        files = StateFiles.open(folder, "the city state", SCHEMA, this, log);
        return files.recover();
    }

    /** What makes a change and its journal record one step. */
    Object lock() {
        return lock;
    }

    /** Records a reading that changed the state; under {@link #lock()}. */
    void applied(Reading reading) {
        Encoder out = encoder.reset();
        Records.writeEntityId(out, reading.entity());
        out.writeString(reading.attribute());
        Records.writeValue(out, reading.value());
        out.writeString(reading.unit()).writeInstant(reading.observedAt()).writeInstant(reading.receivedAt())
                .writeString(reading.source());
        Records.writeNullableLocation(out, reading.location());
        files.append(out);
    }

    /** Records that a publisher's values were marked stale; under {@link #lock()}. */
    void publisherRemoved(String source) {
        files.append(encoder.reset().writeInt(PUBLISHER_REMOVED).writeString(source));
    }

    /** Records a deletion that dropped something; under {@link #lock()}. */
    void deleted(EntityId entity, String attribute, String source) {
        Encoder out = encoder.reset().writeInt(DELETED);
        Records.writeEntityId(out, entity);
        out.writeNullableString(attribute).writeString(source);
        files.append(out);
    }

    /** Writes a last snapshot and closes the files. */
    void close() {
        synchronized (lock) {
            if (files != null) {
                files.close();
            }
        }
    }

    @Override
    public void clear() {
        store.clear();
        replay = null;
    }

    @Override
    public void journalRecord(Decoder in) {
        applyJournalRecord(decodeJournalRecord(in));
    }

    /** Each reading decodes alone (most of a replay's cost); they are applied in order after. */
    @Override
    public boolean concurrentJournalDecoding() {
        return true;
    }

    @Override
    public Object decodeJournalRecord(Decoder in) {
        int first = in.peekInt();
        if (first == PUBLISHER_REMOVED) {
            in.readInt();
            return new PublisherRemoved(in.readString());
        }
        if (first == DELETED) {
            in.readInt();
            return new Deleted(Records.readEntityId(in), in.readNullableString(), in.readString());
        }
        if (first < 0) {
            throw new IllegalArgumentException("a journal record of kind " + first);
        }
        EntityId entity = Records.readEntityId(in);
        return new Reading(entity, in.readString(), Records.readValue(in), in.readString(), in.readInstant(),
                in.readInstant(), in.readString(), Records.readNullableLocation(in));
    }

    @Override
    public void applyJournalRecord(Object record) {
        if (record instanceof Reading reading) {
            if (replay == null) {
                replay = store.batch();
            }
            replay.apply(reading);
            return;
        }
        journalsRead(); // what came before applies first
        if (record instanceof PublisherRemoved removed) {
            store.markPublisherRemoved(removed.source());
        } else if (record instanceof Deleted deleted) {
            store.delete(deleted.entity(), deleted.attribute(), deleted.source());
        }
    }

    @Override
    public void journalsRead() {
        if (replay != null) {
            replay.commit();
            replay = null;
        }
    }

    /** Each entity is its own record, and the store takes them from any thread: a snapshot loads on every core. */
    @Override
    public boolean concurrentSnapshotRecords() {
        return true;
    }

    @Override
    public void snapshotRecord(Decoder in) {
        EntityId id = Records.readEntityId(in);
        Location location = Records.readNullableLocation(in);
        Instant updatedAt = in.readInstant();
        int count = in.readInt();
        if (count < 0) {
            throw new IllegalArgumentException("an entity with " + count + " attributes");
        }
        Map<String, AttributeState> attributes = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            attributes.put(in.readString(), new AttributeState(Records.readValue(in), in.readString(), in.readInstant(),
                    in.readString()));
        }
        store.restore(new EntityState(id, location, attributes, updatedAt));
        if (!in.atEnd()) { // content version 2: the stale attributes
            int marks = in.readInt();
            if (marks < 0 || marks > count) {
                throw new IllegalArgumentException("an entity with " + count + " attributes and " + marks + " stale");
            }
            Set<String> stale = new HashSet<>(marks * 2);
            for (int i = 0; i < marks; i++) {
                stale.add(in.readString());
            }
            store.restoreStale(id, stale);
        }
    }

    @Override
    public StateFiles.Snapshot capture() {
        List<EntityState> entities = store.unordered();
        Map<EntityId, Set<String>> stale = new HashMap<>();
        for (EntityState entity : entities) {
            Set<String> marks = store.stale(entity.id());
            if (!marks.isEmpty()) {
                stale.put(entity.id(), marks);
            }
        }
        return out -> {
            Encoder e = new Encoder();
            for (EntityState entity : entities) {
                e.reset();
                Records.writeEntityId(e, entity.id());
                Records.writeNullableLocation(e, entity.location());
                e.writeInstant(entity.updatedAt()).writeInt(entity.attributes().size());
                for (Map.Entry<String, AttributeState> attribute : entity.attributes().entrySet()) {
                    AttributeState a = attribute.getValue();
                    e.writeString(attribute.getKey());
                    Records.writeValue(e, a.value());
                    e.writeString(a.unit()).writeInstant(a.observedAt()).writeString(a.source());
                }
                Set<String> marks = stale.getOrDefault(entity.id(), Set.of());
                e.writeInt(marks.size());
                for (String name : marks) {
                    e.writeString(name);
                }
                out.write(e);
            }
        };
    }
}
