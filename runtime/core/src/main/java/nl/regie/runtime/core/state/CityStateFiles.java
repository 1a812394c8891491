package nl.regie.runtime.core.state;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * <p>{@link #applied} is called on the one thread that applies readings, under {@link #lock()}, as is every
 * capture.
 */
final class CityStateFiles implements StateFiles.Owner {

    /** The version of the records below; raise it when they change, and keep reading the older one. */
    static final int SCHEMA = 1;

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
        EntityId entity = Records.readEntityId(in);
        return new Reading(entity, in.readString(), Records.readValue(in), in.readString(), in.readInstant(),
                in.readInstant(), in.readString(), Records.readNullableLocation(in));
    }

    @Override
    public void applyJournalRecord(Object reading) {
        if (replay == null) {
            replay = store.batch();
        }
        replay.apply((Reading) reading);
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
    }

    @Override
    public StateFiles.Snapshot capture() {
        List<EntityState> entities = store.unordered();
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
                out.write(e);
            }
        };
    }
}
