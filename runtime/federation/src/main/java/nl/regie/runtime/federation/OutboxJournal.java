package nl.regie.runtime.federation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nl.regie.runtime.statefiles.Decoder;
import nl.regie.runtime.statefiles.Encoder;
import nl.regie.runtime.statefiles.StateFiles;

/**
 * The outbox kept across a crash: every message is recorded as it is queued and again when the broker has acknowledged
 * it (or it is given up), in the house's journal format ({@link StateFiles}: a CRC32C per record, written at once so
 * a {@code kill -9} loses nothing, forced to the disk every second). The journal is compacted as it grows: once it
 * holds 4 MiB, or a quarter of the last snapshot, the messages still waiting are captured, a new journal begins, and
 * the snapshot is written on the journal's own thread, so the files stay in proportion to what waits, not to what was
 * ever sent. Under this journal's lock a compaction only copies the list of what waits and creates the new file; its
 * forces to the disk and the snapshot happen on that thread, so an offer never waits for them. At the next start
 * {@link #recover} gives back what waited, in the order it was queued.
 *
 * <p>Records, content version 1: a journal record is a kind byte, {@code 1} queued (number, message) or {@code 2}
 * done (number); a snapshot record is one waiting message (number, message). A message is its topic, payload, user
 * properties and rule.
 *
 * <p>Thread-safe: the bus's delivery thread queues, Paho's callback thread marks messages done.
 */
public final class OutboxJournal implements AutoCloseable {

    private static final int SCHEMA = 1;
    private static final int QUEUED = 1;
    private static final int DONE = 2;
    /** More user properties than the wire ever carries: a record with more is damaged. */
    private static final int MAX_PROPERTIES = 64;

    /** Guarded by this: the messages queued and not yet done, by number, in the order they were queued. */
    private final Map<Long, Outgoing> waiting = new LinkedHashMap<>();
    private final Encoder encoder = new Encoder();
    private final StateFiles files;
    private long next = 1;
    private boolean recovered;

    private OutboxJournal(Path folder, StateFiles.Log log, long minJournalBytes) throws IOException {
        this.files = StateFiles.open(folder, "the federation outbox", SCHEMA, new Owner(), log, minJournalBytes);
    }

    /** Opens the journal in {@code folder} (created if missing); call {@link #recover} next. */
    public static OutboxJournal open(Path folder, StateFiles.Log log) throws IOException {
        return new OutboxJournal(folder, log, StateFiles.MIN_JOURNAL_BYTES);
    }

    /** As {@link #open(Path, StateFiles.Log)}, compacting from {@code minJournalBytes} (tests). */
    static OutboxJournal open(Path folder, StateFiles.Log log, long minJournalBytes) throws IOException {
        return new OutboxJournal(folder, log, minJournalBytes);
    }

    /**
     * Reads what the folder holds and begins a new generation.
     *
     * @return the messages that were waiting, numbered, in the order they were queued; they stay in the journal until
     *         {@link #done}
     */
    public List<Outgoing> recover() throws IOException {
        files.recover();
        synchronized (this) {
            recovered = true;
            return new ArrayList<>(waiting.values());
        }
    }

    /** Records a message as queued and returns it numbered. */
    public synchronized Outgoing queued(Outgoing message) {
        Outgoing numbered = message.numbered(next++);
        waiting.put(numbered.seq(), numbered);
        if (recovered) {
            encoder.reset().writeByte(QUEUED).writeLong(numbered.seq());
            write(encoder, numbered);
            files.append(encoder);
        }
        return numbered;
    }

    /** Records a message as done: the broker acknowledged it, or it was given up (dropped and counted). */
    public synchronized void done(Outgoing message) {
        if (message.seq() == Outgoing.NOT_JOURNALED || waiting.remove(message.seq()) == null) {
            return;
        }
        if (recovered) {
            files.append(encoder.reset().writeByte(DONE).writeLong(message.seq()));
        }
    }

    /** Messages queued and not yet done. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /** Tests: compacts now, as when the journal has grown. */
    synchronized void compactNow() {
        files.snapshotNow();
    }

    /** Tests: told each step of a compaction ({@link StateFiles#onStep}). */
    void onStep(java.util.function.Consumer<String> listener) {
        files.onStep(listener);
    }

    /** The generation of the newest snapshot written whole, or -1 if none yet. */
    long lastSnapshot() {
        return files.lastSnapshot();
    }

    /** Writes a last snapshot of what still waits and closes the files. */
    @Override
    public synchronized void close() {
        files.close();
    }

    private static void write(Encoder out, Outgoing message) {
        out.writeString(message.topic()).writeBytes(message.payload()).writeInt(message.properties().size());
        for (Map.Entry<String, String> property : message.properties().entrySet()) {
            out.writeString(property.getKey()).writeString(property.getValue());
        }
        out.writeString(message.rule());
    }

    private static Outgoing read(Decoder in, long seq) {
        String topic = in.readString();
        byte[] payload = in.readBytes();
        int count = in.readInt();
        if (count < 0 || count > MAX_PROPERTIES) {
            throw new IllegalArgumentException("message " + seq + " claims " + count + " user properties");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            properties.put(in.readString(), in.readString());
        }
        return new Outgoing(topic, payload, Map.copyOf(properties), in.readString(), seq);
    }

    /** What the store asks of its owner; called under the journal's lock or before anyone else uses it. */
    private final class Owner implements StateFiles.Owner {

        @Override
        public void clear() {
            synchronized (OutboxJournal.this) {
                waiting.clear();
            }
        }

        @Override
        public void snapshotRecord(Decoder record) {
            long seq = record.readLong();
            Outgoing message = read(record, seq);
            synchronized (OutboxJournal.this) {
                waiting.put(seq, message);
                next = Math.max(next, seq + 1);
            }
        }

        @Override
        public void journalRecord(Decoder record) {
            int kind = record.readByte();
            long seq = record.readLong();
            synchronized (OutboxJournal.this) {
                next = Math.max(next, seq + 1);
                if (kind == QUEUED) {
                    waiting.put(seq, read(record, seq));
                } else if (kind == DONE) {
                    waiting.remove(seq);
                } else {
                    throw new IllegalArgumentException("unknown record kind " + kind);
                }
            }
        }

        @Override
        public StateFiles.Snapshot capture() {
            List<Outgoing> now = new ArrayList<>(waiting.values());
            return out -> {
                Encoder record = new Encoder();
                for (Outgoing message : now) {
                    record.reset().writeLong(message.seq());
                    write(record, message);
                    out.write(record);
                }
            };
        }
    }
}
