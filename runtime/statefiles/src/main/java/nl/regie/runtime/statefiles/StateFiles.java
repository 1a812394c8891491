package nl.regie.runtime.statefiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One owner's state in one folder, as snapshots and journals: {@code snapshot-G.bin} holds the whole state at
 * generation G, {@code journal-G.bin} every change after it, in order. A change is appended to the journal as it
 * happens (written at once, so a {@code kill -9} loses nothing; forced to the disk every second); once the journal
 * has grown to a quarter of the size of the last snapshot (at least {@link #MIN_JOURNAL_BYTES}) the owner's state is captured, a
 * new journal begins (under the owner's lock only its creation and header: the forces of the new and the previous
 * journal happen on this store's own thread), and the snapshot is written beside it on that thread: to a temporary file, forced
 * to the disk, and renamed into place, so a snapshot is either whole or absent. The last two good snapshots are kept,
 * with the journals from the older one on.
 *
 * <p>Recovery ({@link #recover}) loads the newest snapshot that reads back whole, with every checksum right, then
 * replays the journals from its generation on. A damaged snapshot is refused with an error naming the file, the
 * offset and what is wrong, kept as {@code .refused}, and the one before it (with its journals) is used instead: the
 * journals hold everything since, so nothing is lost. A torn record at the very end of a journal, what a crash in the
 * middle of a write leaves, is dropped with a warning; a damaged record with more after it is an error, and the rest
 * of that journal is skipped. Then a new generation begins, so a damaged file is never written to again.
 *
 * <p>Thread-safety: {@link #append} and {@link #snapshotNow} must be called under the owner's own lock, the one that
 * makes each change and its record one step, so that a captured state and the journal agree.
 */
public final class StateFiles implements AutoCloseable {

    /**
     * A journal is never rotated before it holds this much; beyond it, once it holds a quarter of the size of the last
     * snapshot, so recovery replays few records beside those it loads from the snapshot.
     */
    public static final long MIN_JOURNAL_BYTES = 4L << 20;

    /** How often what was appended is forced to the disk. */
    static final Duration SYNC_EVERY = Duration.ofSeconds(1);

    private static final Pattern FILE = Pattern.compile("(snapshot|journal)-(\\d{1,18})\\.bin(\\.tmp|\\.refused)?");

    /** What a store's owner does: read records back, forget, and capture its state for a snapshot. */
    public interface Owner {
        /** Forgets everything read so far: a snapshot turned out damaged and another will be read. */
        void clear();

        /** One record of a snapshot. */
        void snapshotRecord(Decoder record);

        /**
         * Whether {@link #snapshotRecord} may be called from several threads at once, each record being independent
         * of the others: a large snapshot is then read on every processor.
         */
        default boolean concurrentSnapshotRecords() {
            return false;
        }

        /** One record of a journal, a change to apply. */
        void journalRecord(Decoder record);

        /**
         * Whether journal records may be decoded on several threads at once ({@link #decodeJournalRecord}) and then
         * applied in order on one ({@link #applyJournalRecord}) instead of {@link #journalRecord}: a long journal is
         * then read on every processor.
         */
        default boolean concurrentJournalDecoding() {
            return false;
        }

        /** Decodes one journal record into the change it holds; on any thread, when concurrent decoding is on. */
        default Object decodeJournalRecord(Decoder record) {
            throw new UnsupportedOperationException("journal records are read by journalRecord");
        }

        /** Applies a change {@link #decodeJournalRecord} made, in the journal's order. */
        default void applyJournalRecord(Object change) {
            throw new UnsupportedOperationException("journal records are read by journalRecord");
        }

        /** Every journal has been read: an owner that gathered their changes applies them now. */
        default void journalsRead() {
        }

        /**
         * What a snapshot must hold now, called under the owner's lock (from {@link #append} or {@link #snapshotNow}):
         * an immutable capture, written later on the store's thread.
         */
        Snapshot capture();
    }

    /** A captured state, written record by record. */
    @FunctionalInterface
    public interface Snapshot {
        void writeTo(SnapshotWriter out) throws IOException;
    }

    /** Where the store reports what it did and what it found. */
    @FunctionalInterface
    public interface Log {
        enum Level { INFO, WARN, ERROR }

        void write(Level level, String message);
    }

    /**
     * What {@link #recover} found.
     *
     * @param snapshot         the generation of the snapshot loaded, or -1 if none
     * @param snapshotRecords  records read from it
     * @param journalRecords   records replayed from the journals
     * @param problems         each damaged or refused file, with what was done instead; empty if all was well
     * @param took             how long reading took
     */
    public record Recovery(long snapshot, long snapshotRecords, long journalRecords, List<String> problems,
            Duration took) {
        public Recovery {
            problems = List.copyOf(problems);
        }

        /** Whether there was anything to load. */
        public boolean empty() {
            return snapshot < 0 && journalRecords == 0;
        }
    }

    private final Path folder;
    private final String what;
    private final int schema;
    private final Owner owner;
    private final Log log;
    private final long minJournalBytes;
    private final ScheduledExecutorService thread;

    /** Guarded by this. */
    private FileChannel journal;
    private Path journalFile;
    private long journalBytes;
    private long rotateAt;
    private long nextGeneration;
    private long lastGood = -1;
    private boolean snapshotInFlight;
    /** Guarded by this: the journal before the current one until {@link #settle} has forced and closed it. */
    private FileChannel unforced;
    /** Tests: told the name of each step of a rotation as it is done, on the thread that does it. */
    private volatile Consumer<String> steps = step -> { };
    private volatile boolean dirty;
    private long lastWriteErrorLogged;
    private boolean closed;

    private StateFiles(Path folder, String what, int schema, Owner owner, Log log, long minJournalBytes) {
        this.folder = folder;
        this.what = what;
        this.schema = schema;
        this.owner = owner;
        this.log = log;
        this.minJournalBytes = minJournalBytes;
        this.rotateAt = minJournalBytes;
        String name = "regie-state-" + folder.getFileName();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the store in {@code folder} (created if missing) without reading it; call {@link #recover} next.
     *
     * @param what   what the folder holds, for messages ("the city state")
     * @param schema the version of the owner's records it writes and the newest it reads, at least 1
     */
    public static StateFiles open(Path folder, String what, int schema, Owner owner, Log log) throws IOException {
        return open(folder, what, schema, owner, log, MIN_JOURNAL_BYTES);
    }

    /** As {@link #open(Path, String, int, Owner, Log)}, rotating journals from {@code minJournalBytes} (tests). */
    public static StateFiles open(Path folder, String what, int schema, Owner owner, Log log, long minJournalBytes)
            throws IOException {
        if (schema < 1) {
            throw new IllegalArgumentException("schema must be at least 1, not " + schema);
        }
        Files.createDirectories(folder);
        return new StateFiles(folder, Objects.requireNonNull(what), schema, Objects.requireNonNull(owner),
                Objects.requireNonNull(log), minJournalBytes);
    }

    /** The folder. */
    public Path folder() {
        return folder;
    }

    // ---------------------------------------------------------------------------------------------- recovery

    /**
     * Loads what the folder holds into the owner, then begins a new generation (its snapshot of the state just
     * loaded is written in the background) and starts forcing appends to the disk every second.
     *
     * @throws IOException if the folder cannot be listed or the new journal cannot be created
     */
    public Recovery recover() throws IOException {
        long start = System.nanoTime();
        List<String> problems = new ArrayList<>();
        TreeSet<Long> snapshots = new TreeSet<>(Comparator.reverseOrder());
        TreeSet<Long> journals = new TreeSet<>();
        long maxGeneration = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                Matcher m = FILE.matcher(file.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long generation = Long.parseLong(m.group(2));
                maxGeneration = Math.max(maxGeneration, generation);
                if (".tmp".equals(m.group(3))) {
                    Files.deleteIfExists(file); // a snapshot whose write was cut short: never renamed into place
                } else if (m.group(3) == null) {
                    (m.group(1).equals("snapshot") ? snapshots : journals).add(generation);
                }
            }
        }
        long base = -1;
        long snapshotRecords = 0;
        for (long generation : snapshots) {
            Path file = snapshotFile(generation);
            try {
                owner.clear();
                int threads = owner.concurrentSnapshotRecords()
                        ? Math.min(4, Runtime.getRuntime().availableProcessors()) : 1;
                snapshotRecords = RecordFile.readSnapshot(file, schema, generation, owner::snapshotRecord, threads);
                base = generation;
                break;
            } catch (DamagedFileException e) {
                owner.clear();
                Path refused = refuse(file);
                String problem = "Refused the snapshot of " + what + " " + e.getMessage() + "; kept as "
                        + refused.getFileName() + ". " + fallback(snapshots, generation);
                log.write(Log.Level.ERROR, problem);
                problems.add(problem);
            } catch (IOException e) {
                owner.clear();
                String problem = "Could not read the snapshot of " + what + " " + file + ": " + e + ". "
                        + fallback(snapshots, generation);
                log.write(Log.Level.ERROR, problem);
                problems.add(problem);
            }
        }
        if (base < 0 && !snapshots.isEmpty()) {
            String problem = "No snapshot of " + what + " in " + folder + " could be used; replaying the journals"
                    + " alone, so " + what + " may be incomplete";
            log.write(Log.Level.ERROR, problem);
            problems.add(problem);
        }
        long journalRecords = 0;
        for (long generation : journals) {
            if (generation >= base) {
                journalRecords += replay(generation, problems);
            }
        }
        owner.journalsRead();
        Recovery recovery = new Recovery(base, snapshotRecords, journalRecords, problems,
                Duration.ofNanos(System.nanoTime() - start));
        synchronized (this) {
            lastGood = base;
            nextGeneration = maxGeneration + 1;
            if (base >= 0) {
                rotateAt = Math.max(minJournalBytes, size(snapshotFile(base)) / 4);
            }
            if (journalRecords == 0 && problems.isEmpty() && base >= 0) {
                // The snapshot holds it all: a new journal after it is enough (never the old one: its tail may be torn).
                openNextJournal();
            } else {
                rotate();
            }
        }
        long every = SYNC_EVERY.toMillis();
        thread.scheduleWithFixedDelay(this::syncQuietly, every, every, TimeUnit.MILLISECONDS);
        return recovery;
    }

    private String fallback(TreeSet<Long> snapshots, long refused) {
        Long older = snapshots.higher(refused); // descending order: the next older generation
        return older != null ? "Using the previous snapshot, " + snapshotFile(older).getFileName()
                + ", and the journals from it on instead" : "There is no older snapshot; replaying the journals alone";
    }

    private long replay(long generation, List<String> problems) {
        Path file = journalFile(generation);
        RecordFile.Scan scan;
        try {
            if (Files.size(file) < RecordFile.HEADER_BYTES) {
                log.write(Log.Level.WARN, "Ignored " + file + ": it is shorter than a journal's header (a crash while it"
                        + " was created); it holds no changes");
                return 0;
            }
            scan = owner.concurrentJournalDecoding()
                    ? RecordFile.readJournal(file, schema, generation, owner::decodeJournalRecord,
                            owner::applyJournalRecord, Math.min(4, Runtime.getRuntime().availableProcessors()))
                    : RecordFile.read(file, RecordFile.JOURNAL, schema, generation, owner::journalRecord);
        } catch (DamagedFileException e) {
            Path refused = refuse(file);
            String problem = "Refused the journal of " + what + " " + e.getMessage() + "; kept as "
                    + refused.getFileName() + "; none of its changes were applied";
            log.write(Log.Level.ERROR, problem);
            problems.add(problem);
            return 0;
        } catch (IOException e) {
            String problem = "Could not read the journal of " + what + " " + file + ": " + e
                    + "; none of its changes were applied";
            log.write(Log.Level.ERROR, problem);
            problems.add(problem);
            return 0;
        }
        if (scan.damage() != null && scan.tornTail()) {
            log.write(Log.Level.WARN, "Dropped a torn record at the end of the journal of " + what + " "
                    + scan.damage().getMessage() + ", what a crash in the middle of a write leaves; the "
                    + scan.records() + " records before it were applied");
        } else if (scan.damage() != null) {
            long skipped = size(file) - scan.goodBytes();
            Path refused = refuse(file);
            String problem = "Damaged journal of " + what + " " + scan.damage().getMessage() + ": the " + scan.records()
                    + " records before it were applied, the " + skipped + " bytes from there on are skipped; kept as "
                    + refused.getFileName();
            log.write(Log.Level.ERROR, problem);
            problems.add(problem);
        }
        return scan.records();
    }

    // ---------------------------------------------------------------------------------------------- writing

    /**
     * Appends one change to the journal, under the owner's lock. Written at once (so it survives the process being
     * killed) and forced to the disk within a second. A write that fails is logged (at most once a minute) and the
     * owner goes on: its state in memory is whole, and the next snapshot holds it.
     */
    public synchronized void append(Encoder record) {
        if (closed || journal == null) {
            return;
        }
        ByteBuffer frame = RecordFile.frame(record);
        int length = frame.remaining();
        try {
            while (frame.hasRemaining()) {
                journal.write(frame);
            }
            journalBytes += length;
            dirty = true;
        } catch (IOException e) {
            long now = System.nanoTime();
            if (lastWriteErrorLogged == 0 || now - lastWriteErrorLogged > TimeUnit.MINUTES.toNanos(1)) {
                lastWriteErrorLogged = now;
                log.write(Log.Level.ERROR, "Could not append to " + journalFile + ": " + e + "; " + what
                        + " goes on in memory, and the next snapshot will hold it (logged at most once a minute)");
            }
            journalBytes += length; // so a snapshot comes, which does not depend on this journal
        }
        if (!snapshotInFlight && journalBytes >= rotateAt) {
            rotate();
        }
    }

    /** Begins a new generation now and writes its snapshot in the background, under the owner's lock. */
    public synchronized void snapshotNow() {
        if (!closed && journal != null && !snapshotInFlight) {
            rotate();
        }
    }

    /** Guarded by this: begins a journal of the next generation, without a snapshot of its own (at a start). */
    private void openNextJournal() throws IOException {
        FileChannel previous = openJournal(nextGeneration++);
        settle(previous, journalFile);
    }

    /**
     * Guarded by this: captures the owner's state and switches to a new journal; the rest (forcing the new journal's
     * header, the folder and the previous journal to the disk, then writing the snapshot) happens on this store's
     * thread, so the owner's lock is held for the capture, a file's creation and a header's write, never for a force.
     */
    private void rotate() {
        long generation = nextGeneration++;
        Snapshot content = owner.capture();
        FileChannel previous;
        try {
            previous = openJournal(generation);
        } catch (IOException e) {
            log.write(Log.Level.ERROR, "Could not begin " + journalFile(generation) + ": " + e + "; " + what
                    + " is kept in memory and in the journal before it");
            rotateAt = journalBytes + minJournalBytes;
            return;
        }
        snapshotInFlight = true;
        unforced = previous;
        Path file = journalFile;
        thread.execute(() -> {
            settle(previous, file);
            step("previous journal forced");
            writeSnapshot(generation, content);
        });
    }

    /**
     * Guarded by this: creates the journal of {@code generation}, writes its header (not forced: {@link #settle} does
     * that) and makes it the one appended to.
     *
     * @return the journal appended to before, to be forced and closed by {@link #settle}; null if none
     */
    private FileChannel openJournal(long generation) throws IOException {
        Path file = journalFile(generation);
        FileChannel next = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        step("journal created");
        try {
            ByteBuffer header = RecordFile.header(RecordFile.JOURNAL, schema, generation);
            while (header.hasRemaining()) {
                next.write(header);
            }
        } catch (IOException e) {
            next.close();
            Files.deleteIfExists(file);
            throw e;
        }
        step("journal header written");
        FileChannel previous = journal;
        journal = next;
        journalFile = file;
        journalBytes = 0;
        step("journal switched");
        return previous;
    }

    /**
     * Forces a new journal's header and the folder's entry for it to the disk, then the journal before it (forced and
     * closed): off the owner's lock, on this store's thread, ahead of any periodic force of the new journal (the same
     * thread; {@link #syncQuietly} forces an unforced previous journal first), so the disk never holds a later
     * journal's records without the earlier journal's.
     */
    private void settle(FileChannel previous, Path file) {
        FileChannel current;
        synchronized (this) {
            current = journalFile != null && journalFile.equals(file) ? journal : null;
        }
        try {
            if (current != null) {
                current.force(true);
            }
        } catch (IOException e) {
            // Closed by a later rotation or the close, which forced it first; or a disk error the next append reports.
        }
        syncFolder();
        step("new journal forced");
        if (previous != null) {
            try {
                previous.force(false);
                previous.close();
            } catch (IOException e) {
                log.write(Log.Level.WARN, "Could not force the previous journal of " + what + " to the disk: " + e);
            }
        }
        synchronized (this) {
            if (unforced == previous) {
                unforced = null;
            }
        }
    }

    private void writeSnapshot(long generation, Snapshot content) {
        Path target = snapshotFile(generation);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        SnapshotWriter out = null;
        try {
            out = new SnapshotWriter(tmp, schema, generation);
            content.writeTo(out);
            long bytes = out.finish();
            out.closeQuietly();
            step("snapshot written to its temporary file");
            move(tmp, target);
            syncFolder();
            step("snapshot renamed into place");
            committed(generation, bytes);
            step("old files removed");
        } catch (IOException | RuntimeException e) {
            if (out != null) {
                out.closeQuietly();
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Reported below; a leftover .tmp is removed at the next start.
            }
            log.write(Log.Level.ERROR, "Could not write the snapshot " + target + ": " + e + "; " + what
                    + " stays in the journals, and another snapshot is tried later");
            synchronized (this) {
                snapshotInFlight = false;
                rotateAt = journalBytes + minJournalBytes;
                notifyAll();
            }
        }
    }

    /** On this store's thread: the snapshot of {@code generation} is whole; removes what recovery no longer needs. */
    private void committed(long generation, long bytes) {
        long previous;
        synchronized (this) {
            previous = lastGood;
            lastGood = generation;
            snapshotInFlight = false;
            notifyAll();
            rotateAt = Math.max(minJournalBytes, bytes / 4);
        }
        // Off the owner's lock: only this thread removes files, and only of generations before the newest snapshot.
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                Matcher m = FILE.matcher(file.getFileName().toString());
                if (!m.matches() || m.group(3) != null) {
                    continue;
                }
                long g = Long.parseLong(m.group(2));
                // The previous good snapshot and the journals from it on are what recovery falls back on should this
                // snapshot turn out damaged; with no previous one, every journal is kept.
                boolean keep = m.group(1).equals("snapshot") ? g == generation || g == previous : g >= previous;
                if (!keep) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            log.write(Log.Level.WARN, "Could not remove old snapshots of " + what + " from " + folder + ": " + e);
        }
    }

    private void syncQuietly() {
        FileChannel channel;
        FileChannel before;
        synchronized (this) {
            if (!dirty || journal == null) {
                return;
            }
            dirty = false;
            channel = journal;
            before = unforced;
        }
        try {
            if (before != null) {
                before.force(false);
            }
            channel.force(false);
        } catch (IOException e) {
            // Closed by a rotation meanwhile, which forced it first; or a disk error the next append reports.
        }
    }

    /**
     * Writes a last snapshot (so the next start reads one file), waits for it, forces the journal to the disk and
     * stops the store's thread. Call under the owner's lock, after the owner's last change.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (snapshotInFlight && System.nanoTime() < deadline) {
                try {
                    wait(1_000); // the snapshot in flight may hold less than the journal since
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (journal != null && !snapshotInFlight && journalBytes > 0) {
                rotate();
            }
            closed = true;
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                log.write(Log.Level.WARN, "The last snapshot of " + what + " did not finish within 30 s; the journal"
                        + " holds the state");
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (journal != null) {
                try {
                    journal.force(false);
                    journal.close();
                } catch (IOException e) {
                    log.write(Log.Level.WARN, "Could not close the journal of " + what + ": " + e);
                }
                journal = null;
            }
        }
    }

    /**
     * Tests: {@code listener} is told each step of a rotation as it is done, on the thread that does it (under the
     * owner's lock for {@code journal created}, {@code journal header written} and {@code journal switched}; on this
     * store's thread for the rest: {@code new journal forced}, {@code previous journal forced}, {@code snapshot
     * written to its temporary file}, {@code snapshot renamed into place}, {@code old files removed}).
     */
    public void onStep(Consumer<String> listener) {
        this.steps = Objects.requireNonNull(listener, "listener");
    }

    private void step(String name) {
        steps.accept(name);
    }

    /** The generation of the newest snapshot written whole, or -1 if none yet. */
    public synchronized long lastSnapshot() {
        return lastGood;
    }

    // ---------------------------------------------------------------------------------------------- files

    Path snapshotFile(long generation) {
        return folder.resolve(String.format("snapshot-%012d.bin", generation));
    }

    Path journalFile(long generation) {
        return folder.resolve(String.format("journal-%012d.bin", generation));
    }

    private Path refuse(Path file) {
        Path refused = file.resolveSibling(file.getFileName() + ".refused");
        try {
            move(file, refused);
        } catch (IOException e) {
            log.write(Log.Level.WARN, "Could not rename " + file + " to " + refused.getFileName() + ": " + e);
            return file;
        }
        return refused;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Forces the folder's entries (a new or renamed file) to the disk, where the platform can. */
    private void syncFolder() {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not possible on every platform (Windows); the rename itself is atomic.
        }
    }
}
