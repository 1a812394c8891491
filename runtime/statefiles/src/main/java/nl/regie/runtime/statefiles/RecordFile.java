package nl.regie.runtime.statefiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * The on-disk format of a snapshot or journal file, all numbers big-endian:
 *
 * <pre>
 * header   magic "RGSF" | format version (int) | kind 'S' or 'J' and 3 zero bytes | schema (int, the owner's)
 *          | generation (long) | CRC32C of the 24 bytes before it (int)                                     28 bytes
 * record   length n, 1 to 64 MiB (int) | CRC32C of the length's 4 bytes and the payload (int) | payload (n bytes)
 * end      (snapshots only) -1 (int) | records before it (long) | CRC32C of these 12 bytes (int)
 * </pre>
 *
 * A journal has no end: it is read up to its last whole record with a good checksum, and a damaged record at its very
 * end is what a crash in the middle of a write leaves (a torn tail), dropped with a warning. A damaged record with more
 * bytes after it is damage of another kind (a flipped bit, an overwritten block), and a snapshot without its end, or
 * with any damage, is refused whole.
 */
final class RecordFile {

    /** The format this code writes and the newest it reads. */
    static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 28;
    static final byte SNAPSHOT = 'S';
    static final byte JOURNAL = 'J';
    static final int MAX_RECORD_BYTES = 64 << 20;
    private static final byte[] MAGIC = "RGSF".getBytes(StandardCharsets.US_ASCII);
    private static final int END_MARK = -1;
    static final int END_BYTES = 16;

    private RecordFile() {
    }

    /** The header of a new file. */
    static ByteBuffer header(byte kind, int schema, long generation) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        header.put(MAGIC).putInt(FORMAT_VERSION).put(kind).put(new byte[3]).putInt(schema).putLong(generation);
        header.putInt(crc(header.array(), 0, HEADER_BYTES - 4));
        return header.flip();
    }

    /** One record framed: length, checksum, payload. */
    static ByteBuffer frame(Encoder payload) {
        int n = payload.size();
        if (n < 1 || n > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("a record must hold 1 to " + MAX_RECORD_BYTES + " bytes, not " + n);
        }
        ByteBuffer frame = ByteBuffer.allocate(8 + n);
        frame.putInt(n);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 0, 4);
        crc.update(payload.array(), 0, n);
        frame.putInt((int) crc.getValue()).put(payload.array(), 0, n);
        return frame.flip();
    }

    /** The end of a snapshot holding {@code records} records. */
    static ByteBuffer end(long records) {
        ByteBuffer end = ByteBuffer.allocate(END_BYTES);
        end.putInt(END_MARK).putLong(records);
        end.putInt(crc(end.array(), 0, 12));
        return end.flip();
    }

    /** What reading a file found. */
    record Scan(long records, long goodBytes, DamagedFileException damage, boolean tornTail) {
    }

    /**
     * Reads a whole file, checking every checksum, and hands each record's payload to {@code records} (may be null to
     * only check). A snapshot with any damage throws; a journal's damage is returned in the {@link Scan}, after every
     * record before it was handed over.
     *
     * @throws DamagedFileException for a damaged snapshot, or a header that is not this store's
     */
    static Scan read(Path file, byte kind, int maxSchema, long generation, Consumer<Decoder> records) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return read(file, bytes, kind, maxSchema, generation, records);
    }

    static Scan read(Path file, byte[] bytes, byte kind, int maxSchema, long generation, Consumer<Decoder> records)
            throws DamagedFileException {
        return read(file, bytes, kind, maxSchema, generation, records, null);
    }

    private static Scan read(Path file, byte[] bytes, byte kind, int maxSchema, long generation,
            Consumer<Decoder> records, IntList offsets) throws DamagedFileException {
        checkHeader(file, bytes, kind, maxSchema, generation);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int at = HEADER_BYTES;
        long count = 0;
        CRC32C crc = new CRC32C();
        StringCache strings = records == null ? null : new StringCache();
        while (true) {
            int left = bytes.length - at;
            if (left == 0) {
                if (kind == SNAPSHOT) {
                    throw new DamagedFileException(file, at, "truncated at offset " + at + ": no end marker after "
                            + count + " records (the write did not finish)");
                }
                return new Scan(count, at, null, false);
            }
            if (left < 8) {
                return damaged(file, kind, at, count, "truncated at offset " + at + ": " + left
                        + " bytes where a record's 8-byte frame begins", true);
            }
            int length = in.getInt(at);
            if (length == END_MARK && kind == SNAPSHOT) {
                return end(file, bytes, at, count);
            }
            if (length < 1 || length > MAX_RECORD_BYTES) {
                boolean zeros = length == 0 && allZero(bytes, at);
                return damaged(file, kind, at, count, "record at offset " + at + ": impossible length " + length
                        + (zeros ? " (the rest of the file is zero bytes)" : ""), zeros);
            }
            if (left - 8 < length) {
                return damaged(file, kind, at, count, "truncated at offset " + at + ": the record there needs "
                        + (8 + length) + " bytes, " + left + " are left", true);
            }
            crc.reset();
            crc.update(bytes, at, 4);
            crc.update(bytes, at + 8, length);
            if ((int) crc.getValue() != in.getInt(at + 4)) {
                boolean last = at + 8 + length == bytes.length;
                return damaged(file, kind, at, count, "record at offset " + at + ": checksum mismatch"
                        + (last ? " in the last record (a write cut short)" : " (the bytes changed after they were written)"),
                        last);
            }
            if (offsets != null) {
                offsets.add(at);
            }
            if (records != null) {
                Decoder payload = new Decoder(bytes, at + 8, length, strings);
                try {
                    records.accept(payload);
                } catch (RuntimeException e) {
                    return damaged(file, kind, at, count, "record at offset " + at + " cannot be read: " + e.getMessage(),
                            false);
                }
            }
            count++;
            at += 8 + length;
        }
    }

    /**
     * Reads a whole snapshot once: checks every frame and checksum and the end marker, then hands each record to
     * {@code records}, on {@code threads} threads at once when more than one (the owner's records must then be
     * independent of each other and its handler thread-safe).
     *
     * @return the number of records
     * @throws DamagedFileException for any damage, or a record the owner cannot read (then some records may have
     *                              been handed over already)
     */
    static long readSnapshot(Path file, int maxSchema, long generation, Consumer<Decoder> records, int threads)
            throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int[] offsets = frames(file, bytes, maxSchema, generation);
        int n = offsets.length;
        if (threads <= 1 || n < 10_000) {
            decode(file, bytes, offsets, 0, n, records);
            return n;
        }
        List<Thread> workers = new ArrayList<>();
        AtomicReference<DamagedFileException> failure = new AtomicReference<>();
        int chunk = (n + threads - 1) / threads;
        for (int t = 0; t < threads; t++) {
            int from = t * chunk;
            int to = Math.min(n, from + chunk);
            Thread worker = new Thread(() -> {
                try {
                    decode(file, bytes, offsets, from, to, records);
                } catch (DamagedFileException e) {
                    failure.compareAndSet(null, e);
                }
            }, "regie-state-load-" + t);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
        try {
            for (Thread worker : workers) {
                worker.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + file, e);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return n;
    }

    /**
     * Reads a whole journal: finds its good records (up to any damage, which the {@link Scan} reports as
     * {@link #read} does), decodes them with {@code decode} on {@code threads} threads at once, then hands the decoded
     * changes to {@code apply} in their order, on this thread. A record that cannot be decoded ends the journal there,
     * as damage.
     */
    static Scan readJournal(Path file, int maxSchema, long generation, Function<Decoder, Object> decode,
            Consumer<Object> apply, int threads) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        IntList found = new IntList();
        Scan scan = read(file, bytes, JOURNAL, maxSchema, generation, null, found);
        int[] offsets = found.toArray();
        Object[] changes = new Object[offsets.length];
        int[] failedAt = {Integer.MAX_VALUE};
        String[] failure = new String[1];
        int workers = threads <= 1 || offsets.length < 10_000 ? 1 : threads;
        int chunk = (offsets.length + workers - 1) / Math.max(1, workers);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < workers; t++) {
            int from = t * chunk;
            int to = Math.min(offsets.length, from + chunk);
            Runnable work = () -> {
                StringCache strings = new StringCache();
                ByteBuffer in = ByteBuffer.wrap(bytes);
                for (int i = from; i < to; i++) {
                    int at = offsets[i];
                    try {
                        changes[i] = decode.apply(new Decoder(bytes, at + 8, in.getInt(at), strings));
                    } catch (RuntimeException e) {
                        synchronized (failedAt) {
                            if (i < failedAt[0]) {
                                failedAt[0] = i;
                                failure[0] = e.getMessage();
                            }
                        }
                        return;
                    }
                }
            };
            if (workers == 1) {
                work.run();
            } else {
                Thread worker = new Thread(work, "regie-state-load-" + t);
                worker.setDaemon(true);
                worker.start();
                started.add(worker);
            }
        }
        try {
            for (Thread worker : started) {
                worker.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + file, e);
        }
        int good = Math.min(failedAt[0], offsets.length);
        for (int i = 0; i < good; i++) {
            apply.accept(changes[i]);
        }
        if (good < offsets.length) {
            int at = offsets[good];
            return new Scan(good, at, new DamagedFileException(file, at, "record at offset " + at + " cannot be read: "
                    + failure[0]), false);
        }
        return scan;
    }

    private static void decode(Path file, byte[] bytes, int[] offsets, int from, int to, Consumer<Decoder> records)
            throws DamagedFileException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        StringCache strings = new StringCache();
        for (int i = from; i < to; i++) {
            int at = offsets[i];
            int length = in.getInt(at);
            try {
                records.accept(new Decoder(bytes, at + 8, length, strings));
            } catch (RuntimeException e) {
                throw new DamagedFileException(file, at, "record at offset " + at + " cannot be read: " + e.getMessage());
            }
        }
    }

    /** The offset of every record of a snapshot, all checked. */
    private static int[] frames(Path file, byte[] bytes, int maxSchema, long generation) throws DamagedFileException {
        IntList offsets = new IntList();
        read(file, bytes, SNAPSHOT, maxSchema, generation, null, offsets);
        return offsets.toArray();
    }

    /** A growable list of ints. */
    private static final class IntList {
        private int[] values = new int[1024];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    private static Scan end(Path file, byte[] bytes, int at, long count) throws DamagedFileException {
        if (bytes.length - at < END_BYTES) {
            throw new DamagedFileException(file, at, "truncated at offset " + at + ": the end marker is cut short");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (crc(bytes, at, 12) != in.getInt(at + 12)) {
            throw new DamagedFileException(file, at, "end marker at offset " + at + ": checksum mismatch");
        }
        long said = in.getLong(at + 4);
        if (said != count) {
            throw new DamagedFileException(file, at, "end marker at offset " + at + " counts " + said + " records, "
                    + count + " were read");
        }
        if (at + END_BYTES != bytes.length) {
            throw new DamagedFileException(file, at + END_BYTES, (bytes.length - at - END_BYTES)
                    + " bytes after the end marker at offset " + at);
        }
        return new Scan(count, bytes.length, null, false);
    }

    private static Scan damaged(Path file, byte kind, int at, long count, String reason, boolean tornTail)
            throws DamagedFileException {
        DamagedFileException damage = new DamagedFileException(file, at, reason);
        if (kind == SNAPSHOT) {
            throw damage;
        }
        return new Scan(count, at, damage, tornTail);
    }

    private static void checkHeader(Path file, byte[] bytes, byte kind, int maxSchema, long generation)
            throws DamagedFileException {
        if (bytes.length == 0) {
            throw new DamagedFileException(file, 0, "the file is empty");
        }
        if (bytes.length < HEADER_BYTES) {
            throw new DamagedFileException(file, 0, "the file is shorter (" + bytes.length + " bytes) than its "
                    + HEADER_BYTES + "-byte header");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new DamagedFileException(file, 0, "not a Regie state file (it does not begin with RGSF)");
            }
        }
        if (crc(bytes, 0, HEADER_BYTES - 4) != in.getInt(HEADER_BYTES - 4)) {
            throw new DamagedFileException(file, 0, "header checksum mismatch at offset 0");
        }
        int format = in.getInt(4);
        if (format > FORMAT_VERSION || format < 1) {
            throw new DamagedFileException(file, 4, "file format version " + format + " at offset 4 is not one this"
                    + " Regie reads (1 to " + FORMAT_VERSION + "): written by a newer Regie? Start that version, or"
                    + " move the file away to start from the previous snapshot");
        }
        if (bytes[8] != kind) {
            throw new DamagedFileException(file, 8, "expected a " + name(kind) + ", the header says "
                    + (bytes[8] == SNAPSHOT || bytes[8] == JOURNAL ? "a " + name(bytes[8]) : "kind " + bytes[8]));
        }
        int schema = in.getInt(12);
        if (schema > maxSchema || schema < 1) {
            throw new DamagedFileException(file, 12, "content version " + schema + " at offset 12 is not one this"
                    + " Regie reads (1 to " + maxSchema + "): written by a newer Regie? Start that version, or move the"
                    + " file away to start from the previous snapshot");
        }
        long written = in.getLong(16);
        if (written != generation) {
            throw new DamagedFileException(file, 16, "the header's generation " + written
                    + " does not match the file name's " + generation);
        }
    }

    private static String name(byte kind) {
        return kind == SNAPSHOT ? "snapshot" : "journal";
    }

    private static boolean allZero(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }
}
