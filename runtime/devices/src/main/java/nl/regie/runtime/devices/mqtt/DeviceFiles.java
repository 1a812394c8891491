package nl.regie.runtime.devices.mqtt;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.statefiles.Decoder;
import nl.regie.runtime.statefiles.Encoder;
import nl.regie.runtime.statefiles.StateFiles;

/**
 * The devices the bridge knows, on disk in {@code <state dir>/devices}: one record per device with its presence, what
 * its birth announced, its counters and its last rejection ({@link DeviceStatus.Saved}). A change of presence is
 * journaled at once; the rest (last seen, counters) by {@link #flush}, every second, for each device that changed.
 * Reading a record puts the device back as it was, without announcing anything on the bus.
 */
final class DeviceFiles implements StateFiles.Owner {

    /** The version of the records below. */
    static final int SCHEMA = 1;

    private final KnownDevices devices;
    private final EntityTypes entityTypes;
    private final Clock clock;
    private final Encoder encoder = new Encoder();
    /** Guarded by this: the version of each device last journaled. */
    private final Map<String, Long> written = new HashMap<>();
    private StateFiles files;
    private long dropped;

    DeviceFiles(KnownDevices devices, EntityTypes entityTypes, Clock clock) {
        this.devices = devices;
        this.entityTypes = entityTypes;
        this.clock = clock;
    }

    /** Loads the folder into the known devices. */
    synchronized StateFiles.Recovery open(Path folder, StateFiles.Log log) throws IOException {
        files = StateFiles.open(folder, "the devices", SCHEMA, this, log);
        return files.recover();
    }

    /** Devices the folder held that found no room among the devices the bridge keeps track of. */
    synchronized long dropped() {
        return dropped;
    }

    /** Journals a device now (its presence changed). */
    synchronized void changed(DeviceStatus device) {
        write(device);
    }

    /** Journals every device that changed since it was last written. */
    synchronized void flush() {
        for (DeviceStatus device : devices.all()) {
            Long last = written.get(device.id());
            if (last == null || last != device.version()) {
                write(device);
            }
        }
    }

    /** Journals what changed, writes a last snapshot and closes the files. */
    synchronized void close() {
        flush();
        files.close();
    }

    private void write(DeviceStatus device) {
        long version = device.version();
        files.append(write(encoder.reset(), device.saved()));
        written.put(device.id(), version);
    }

    @Override
    public void clear() {
        // Devices read from a damaged snapshot stay as read; the older snapshot read next overwrites each device it
        // holds, and the journals after it bring each up to date.
        written.clear();
    }

    @Override
    public void snapshotRecord(Decoder in) {
        journalRecord(in);
    }

    @Override
    public void journalRecord(Decoder in) {
        DeviceStatus.Saved saved = read(in);
        DeviceStatus device = devices.restore(saved.id());
        if (device == null) {
            dropped++;
            return;
        }
        device.restore(saved, clock.instant());
        written.put(device.id(), device.version());
        if (saved.type() != null) {
            entityTypes.learn(saved.type());
        }
        saved.birthEntities().forEach(e -> entityTypes.learn(e.type()));
    }

    @Override
    public StateFiles.Snapshot capture() {
        List<DeviceStatus.Saved> all = new ArrayList<>();
        for (DeviceStatus device : devices.all()) {
            all.add(device.saved());
            written.put(device.id(), device.version());
        }
        return out -> {
            Encoder e = new Encoder();
            for (DeviceStatus.Saved saved : all) {
                out.write(write(e.reset(), saved));
            }
        };
    }

    static Encoder write(Encoder out, DeviceStatus.Saved d) {
        out.writeString(d.id()).writeString(d.presence().name()).writeNullableInstant(d.stateSince())
                .writeNullableInstant(d.lastSeen()).writeNullableString(d.type()).writeInt(d.birthEntities().size());
        for (EntityId entity : d.birthEntities()) {
            out.writeString(entity.type()).writeString(entity.localId());
        }
        out.writeBoolean(d.location() != null);
        if (d.location() != null) {
            out.writeDouble(d.location().longitude()).writeDouble(d.location().latitude());
        }
        DeviceSnapshot.Counts c = d.counts();
        out.writeLong(d.intervalMillis()).writeLong(c.telemetryAccepted()).writeLong(c.telemetryRejected())
                .writeLong(c.readingsPublished()).writeLong(c.stateMessages()).writeLong(c.stateRejected())
                .writeLong(c.commandsSent()).writeLong(c.acksAccepted()).writeLong(c.acksRejected())
                .writeLong(c.acksLate()).writeLong(c.acksDuplicate());
        DeviceSnapshot.Rejection r = d.lastRejection();
        out.writeBoolean(r != null);
        if (r != null) {
            out.writeInstant(r.at()).writeString(r.topic()).writeString(r.reason()).writeString(r.payload())
                    .writeInt(r.payloadBytes());
        }
        return out;
    }

    static DeviceStatus.Saved read(Decoder in) {
        String id = in.readString();
        DeviceStatus.Presence presence = DeviceStatus.Presence.valueOf(in.readString());
        var stateSince = in.readNullableInstant();
        var lastSeen = in.readNullableInstant();
        String type = in.readNullableString();
        int count = in.readInt();
        if (count < 0) {
            throw new IllegalArgumentException("a device with " + count + " entities");
        }
        List<EntityId> entities = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entities.add(EntityId.of(in.readString(), in.readString()));
        }
        Location location = in.readBoolean() ? new Location(in.readDouble(), in.readDouble()) : null;
        long interval = in.readLong();
        DeviceSnapshot.Counts counts = new DeviceSnapshot.Counts(in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong());
        DeviceSnapshot.Rejection rejection = in.readBoolean() ? new DeviceSnapshot.Rejection(in.readInstant(),
                in.readString(), in.readString(), in.readString(), in.readInt()) : null;
        return new DeviceStatus.Saved(id, presence, stateSince, lastSeen, type, entities, location, interval, counts,
                rejection);
    }
}
