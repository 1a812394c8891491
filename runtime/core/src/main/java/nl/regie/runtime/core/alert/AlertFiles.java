package nl.regie.runtime.core.alert;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.runtime.core.persist.Records;
import nl.regie.runtime.statefiles.Decoder;
import nl.regie.runtime.statefiles.Encoder;
import nl.regie.runtime.statefiles.StateFiles;

/**
 * The alerts on disk, in {@code <state dir>/alerts}: one record per alert as it is kept (active, or resolved with its
 * {@code validTo}); a snapshot holds the resolved ones oldest first, then the active ones, the journal each change as
 * it happens. Reading them back in that order puts every alert where it was, the history in its order.
 */
final class AlertFiles implements StateFiles.Owner {

    /** The version of the records below. */
    static final int SCHEMA = 1;

    private final AlertStore store;
    private final Encoder encoder = new Encoder();
    private StateFiles files;

    AlertFiles(AlertStore store) {
        this.store = store;
    }

    /** Loads the folder into the store, then journals every change the store makes. */
    StateFiles.Recovery open(Path folder, StateFiles.Log log) throws IOException {
        files = StateFiles.open(folder, "the alerts", SCHEMA, this, log);
        StateFiles.Recovery recovery = files.recover();
        store.onChange(change -> files.append(write(encoder.reset(), change.alert())));
        return recovery;
    }

    /** Writes a last snapshot and closes the files. */
    void close() {
        synchronized (store) {
            files.close();
        }
    }

    @Override
    public void clear() {
        store.clear();
    }

    @Override
    public void snapshotRecord(Decoder in) {
        store.restore(read(in));
    }

    @Override
    public void journalRecord(Decoder in) {
        store.restore(read(in));
    }

    @Override
    public StateFiles.Snapshot capture() {
        List<Alert> alerts = store.capture();
        return out -> {
            Encoder e = new Encoder();
            for (Alert alert : alerts) {
                out.write(write(e.reset(), alert));
            }
        };
    }

    static Encoder write(Encoder out, Alert a) {
        Records.writeEntityId(out, a.id());
        out.writeString(a.category()).writeString(a.subCategory()).writeString(a.severity().name())
                .writeString(a.description());
        Records.writeNullableEntityId(out, a.about());
        Records.writeNullableLocation(out, a.location());
        out.writeInstant(a.validFrom()).writeNullableInstant(a.validTo()).writeInstant(a.updatedAt())
                .writeString(a.source());
        return out;
    }

    static Alert read(Decoder in) {
        return new Alert(Records.readEntityId(in), in.readString(), in.readString(),
                AlertSeverity.valueOf(in.readString()), in.readString(), Records.readNullableEntityId(in),
                Records.readNullableLocation(in), in.readInstant(), in.readNullableInstant(), in.readInstant(),
                in.readString());
    }
}
