package nl.regie.runtime.pub.cap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import nl.regie.api.model.Location;
import nl.regie.runtime.statefiles.Decoder;
import nl.regie.runtime.statefiles.Encoder;
import nl.regie.runtime.statefiles.StateFiles;

/**
 * The CAP messages a {@link CapFeed} issued, on disk (in {@code <state dir>/public-alerts}) as the runtime's snapshots
 * and journals: a record per message issued (every field, so the message reads back as it was sent) and one per ended
 * alert forgotten. A restart on the same folder puts the messages back, so nothing is issued again and each message's
 * URL keeps answering the same document.
 */
public final class CapFiles implements StateFiles.Owner, CapFeed.Journal {

    /** The version of the records below. */
    static final int SCHEMA = 1;
    private static final int ISSUED = 1;
    private static final int FORGOTTEN = 2;

    private final CapFeed feed;
    private final Encoder encoder = new Encoder();
    private StateFiles files;

    private CapFiles(CapFeed feed) {
        this.feed = feed;
    }

    /**
     * Loads what the folder holds into the feed, then journals what the feed issues and forgets from now on.
     *
     * @throws IOException if the folder cannot be read or written
     */
    public static CapFiles open(CapFeed feed, Path folder, StateFiles.Log log) throws IOException {
        CapFiles kept = new CapFiles(feed);
        synchronized (feed) {
            kept.files = StateFiles.open(folder, "the public alerts", SCHEMA, kept, log);
            kept.files.recover();
            feed.journal(kept);
        }
        return kept;
    }

    /** Writes a last snapshot and closes the files; the feed goes on in memory. */
    public void close() {
        synchronized (feed) { // the feed's lock is the owner's lock: the last snapshot captures it
            feed.journal(CapFeed.Journal.NONE);
            files.close();
        }
    }

    @Override
    public void issued(CapFeed.Issued issued) {
        files.append(write(encoder.reset().writeByte(ISSUED), issued));
    }

    @Override
    public void forgotten(String alertKey) {
        files.append(encoder.reset().writeByte(FORGOTTEN).writeString(alertKey));
    }

    @Override
    public void clear() {
        feed.clear();
    }

    @Override
    public void snapshotRecord(Decoder record) {
        journalRecord(record);
    }

    @Override
    public void journalRecord(Decoder record) {
        int kind = record.readByte();
        switch (kind) {
            case ISSUED -> feed.restore(read(record));
            case FORGOTTEN -> feed.restoreForgotten(record.readString());
            default -> throw new IllegalArgumentException("a public alerts record of unknown kind " + kind);
        }
    }

    @Override
    public StateFiles.Snapshot capture() {
        List<CapFeed.Issued> all = feed.all();
        return out -> {
            Encoder e = new Encoder();
            for (CapFeed.Issued issued : all) {
                out.write(write(e.reset().writeByte(ISSUED), issued));
            }
        };
    }

    static Encoder write(Encoder out, CapFeed.Issued issued) {
        CapMessage m = issued.message();
        out.writeInstant(issued.issuedAt()).writeString(m.identifier()).writeString(m.sender()).writeInstant(m.sent())
                .writeString(m.msgType()).writeInt(m.references().size());
        m.references().forEach(out::writeString);
        out.writeString(m.alertKey()).writeString(m.category()).writeString(m.event()).writeString(m.urgency())
                .writeString(m.severity()).writeString(m.certainty()).writeString(m.headline())
                .writeString(m.description()).writeString(m.instruction()).writeInstant(m.effective())
                .writeNullableInstant(m.expires()).writeString(m.area().description())
                .writeDouble(m.area().center().longitude()).writeDouble(m.area().center().latitude())
                .writeDouble(m.area().radiusMetres());
        return out;
    }

    static CapFeed.Issued read(Decoder in) {
        var issuedAt = in.readInstant();
        String identifier = in.readString();
        String sender = in.readString();
        var sent = in.readInstant();
        String msgType = in.readString();
        int count = in.readInt();
        if (count < 0 || count > CapFeed.MAX_REFERENCES) {
            throw new IllegalArgumentException("a CAP message with " + count + " references (at most "
                    + CapFeed.MAX_REFERENCES + ")");
        }
        List<String> references = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            references.add(in.readString());
        }
        CapMessage message = new CapMessage(identifier, sender, sent, msgType, references, in.readString(),
                in.readString(), in.readString(), in.readString(), in.readString(), in.readString(), in.readString(),
                in.readString(), in.readString(), in.readInstant(), in.readNullableInstant(),
                new CapMessage.Area(in.readString(), new Location(in.readDouble(), in.readDouble()), in.readDouble()));
        return new CapFeed.Issued(message, issuedAt);
    }
}
