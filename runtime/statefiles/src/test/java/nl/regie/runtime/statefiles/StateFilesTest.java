package nl.regie.runtime.statefiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot and journal files under every kind of damage a crash or a disk can leave: each case loads what is
 * good, says what it refused (naming the file and the offset), and never comes back silently empty.
 */
class StateFilesTest {

    @TempDir
    Path dir;

    /** A key-value map as the owner: a journal record puts one entry, a snapshot record is one entry. */
    static class MapOwner implements StateFiles.Owner {
        final Map<String, String> map = new TreeMap<>();

        void put(StateFiles files, String key, String value) {
            synchronized (this) {
                map.put(key, value);
                files.append(new Encoder().writeString(key).writeString(value));
            }
        }

        @Override
        public void clear() {
            map.clear();
        }

        @Override
        public void snapshotRecord(Decoder record) {
            map.put(record.readString(), record.readString());
        }

        @Override
        public void journalRecord(Decoder record) {
            map.put(record.readString(), record.readString());
        }

        @Override
        public StateFiles.Snapshot capture() {
            Map<String, String> copy = new TreeMap<>(map);
            return out -> {
                Encoder e = new Encoder();
                for (Map.Entry<String, String> entry : copy.entrySet()) {
                    out.write(e.reset().writeString(entry.getKey()).writeString(entry.getValue()));
                }
            };
        }
    }

    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    private final StateFiles.Log log = (level, message) -> {
        if (level == StateFiles.Log.Level.ERROR) {
            errors.add(message);
        } else if (level == StateFiles.Log.Level.WARN) {
            warnings.add(message);
        }
    };

    private StateFiles open(MapOwner owner) throws IOException {
        return StateFiles.open(dir, "the test map", 1, owner, log, 200);
    }

    /** Opens, recovers, and returns the owner with what it loaded; the store stays open. */
    private MapOwner reopen() throws IOException {
        MapOwner owner = new MapOwner();
        StateFiles files = open(owner);
        files.recover();
        opened.add(files);
        return owner;
    }

    private final List<StateFiles> opened = new ArrayList<>();

    /**
     * Writes a snapshot holding a=1..., then journal records after it, and "kills" the store: the last snapshot is
     * left as it was written, no close.
     */
    private MapOwner crashAfter(int journalRecords) throws IOException {
        MapOwner owner = new MapOwner();
        StateFiles files = StateFiles.open(dir, "the test map", 1, owner, log, 1L << 30);
        files.recover();
        awaitSnapshot(files, 1);
        owner.put(files, "a", "1");
        owner.put(files, "b", "2");
        synchronized (owner) {
            files.snapshotNow();
        }
        awaitSnapshot(files, 2);
        for (int i = 0; i < journalRecords; i++) {
            owner.put(files, "k" + i, "v" + i);
        }
        return owner; // not closed: as after kill -9
    }

    private static void awaitSnapshot(StateFiles files, long generation) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (files.lastSnapshot() < generation) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no snapshot " + generation + " within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    private Path newest(String kind) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches(kind + "-\\d+\\.bin")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
    }

    @Test
    void anEmptyFolderRecoversEmptyWithoutProblems() throws IOException {
        MapOwner owner = new MapOwner();
        try (StateFiles files = open(owner)) {
            StateFiles.Recovery recovery = files.recover();
            assertTrue(recovery.empty());
            assertEquals(List.of(), recovery.problems());
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void whatWasAppendedSurvivesAProcessThatNeverClosed() throws IOException {
        MapOwner before = crashAfter(50);
        MapOwner after = reopen();
        assertEquals(before.map, after.map);
        assertEquals(52, after.map.size());
        assertEquals(List.of(), errors);
        assertEquals(List.of(), warnings);
    }

    @Test
    void journalsRotateIntoSnapshotsAndOnlyTheLastTwoAreKept() throws IOException {
        MapOwner owner = new MapOwner();
        StateFiles files = open(owner);
        files.recover();
        for (int i = 0; i < 400; i++) {
            owner.put(files, "key" + (i % 30), "value" + i);
        }
        files.close();
        try (Stream<Path> list = Files.list(dir)) {
            long snapshots = list.filter(f -> f.getFileName().toString().startsWith("snapshot-")).count();
            assertEquals(2, snapshots, "the last two snapshots are kept");
        }
        assertEquals(owner.map, reopen().map);
        assertEquals(List.of(), errors);
    }

    @TempDir
    Path crashes;

    /** Every step of a rotation, in order: under the owner's lock, then on the store's thread. */
    private static final List<String> STEPS = List.of("journal created", "journal header written", "journal switched",
            "new journal forced", "previous journal forced", "snapshot written to its temporary file",
            "snapshot renamed into place", "old files removed");

    @Test
    void aCrashAtEveryStepOfARotationLeavesFilesThatLoadWhole() throws Exception {
        MapOwner owner = new MapOwner();
        StateFiles files = StateFiles.open(dir, "the test map", 1, owner, log, 1L << 30);
        opened.add(files);
        files.recover();
        awaitSnapshot(files, 1);
        for (int i = 0; i < 20; i++) {
            owner.put(files, "k" + i, "v" + i);
        }
        Map<String, String> expected = new TreeMap<>(owner.map);
        // At each step, the folder as a kill -9 there would leave it (what was written is in the files).
        List<String> seen = new CopyOnWriteArrayList<>();
        files.onStep(step -> {
            if (seen.isEmpty() && !step.equals(STEPS.get(0))) {
                return; // the last step of the rotation recover() began, still on the store's thread: not this one's
            }
            try {
                copyAll(dir, crashes.resolve(seen.size() + "-" + step.replace(' ', '-')));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            seen.add(step);
        });
        synchronized (owner) {
            files.snapshotNow();
        }
        awaitSteps(seen, STEPS.size());
        assertEquals(STEPS, seen);
        try (Stream<Path> copies = Files.list(crashes)) {
            for (Path copy : copies.sorted().toList()) {
                MapOwner loaded = new MapOwner();
                try (StateFiles again = StateFiles.open(copy, "the test map", 1, loaded, log, 1L << 30)) {
                    StateFiles.Recovery recovery = again.recover();
                    assertEquals(List.of(), recovery.problems(), copy.getFileName().toString());
                }
                assertEquals(expected, loaded.map, "a crash at " + copy.getFileName());
            }
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void appendsGoOnWhileARotationForcesItsFilesAndNothingIsLost() throws Exception {
        MapOwner owner = new MapOwner();
        StateFiles files = StateFiles.open(dir, "the test map", 1, owner, log, 1L << 30);
        opened.add(files);
        files.recover();
        awaitSnapshot(files, 1);
        owner.put(files, "before", "1");
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        files.onStep(step -> {
            if (step.equals("new journal forced")) {
                held.countDown();
                try {
                    release.await(); // the store's thread is held in the middle of the rotation's forces
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        synchronized (owner) {
            files.snapshotNow();
        }
        assertTrue(held.await(10, java.util.concurrent.TimeUnit.SECONDS));
        // Under the owner's lock, as an owner appends: none of them waits for the held thread.
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 1_000; i++) {
                owner.put(files, "during" + i, "v" + i);
            }
        });
        release.countDown();
        awaitSnapshot(files, 2);
        owner.put(files, "after", "1");
        Map<String, String> expected = new TreeMap<>(owner.map);
        copyAll(dir, crashes.resolve("killed")); // not closed: as after kill -9
        MapOwner loaded = new MapOwner();
        try (StateFiles again = StateFiles.open(crashes.resolve("killed"), "the test map", 1, loaded, log, 1L << 30)) {
            again.recover();
        }
        assertEquals(1_002, loaded.map.size());
        assertEquals(expected, loaded.map);
        assertEquals(List.of(), errors);
    }

    private static void awaitSteps(List<String> seen, int count) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (seen.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + seen + " within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aTornLastRecordIsDroppedAndEverythingBeforeItLoads() throws IOException {
        MapOwner before = crashAfter(10);
        Path journal = newest("journal");
        long size = Files.size(journal);
        try (var channel = Files.newByteChannel(journal, StandardOpenOption.WRITE)) {
            channel.truncate(size - 3); // the last record's write was cut short
        }
        MapOwner after = reopen();
        before.map.remove("k9");
        assertEquals(before.map, after.map);
        assertEquals(List.of(), errors);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(journal.toString()) && warnings.get(0).contains("torn record"),
                warnings.get(0));
    }

    @Test
    void aTornFrameOfAFewBytesAtTheEndIsDroppedToo() throws IOException {
        MapOwner before = crashAfter(3);
        Path journal = newest("journal");
        Files.write(journal, new byte[] {0, 0, 0, 9, 1}, StandardOpenOption.APPEND);
        assertEquals(before.map, reopen().map);
        assertEquals(List.of(), errors);
        assertTrue(warnings.get(0).contains("truncated at offset " + (Files.size(journal) - 5)), warnings.get(0));
    }

    @Test
    void aFlippedBitInTheLastRecordCountsAsATornWrite() throws IOException {
        MapOwner before = crashAfter(5);
        Path journal = newest("journal");
        flip(journal, Files.size(journal) - 1);
        MapOwner after = reopen();
        before.map.remove("k4");
        assertEquals(before.map, after.map);
        assertEquals(List.of(), errors);
        assertTrue(warnings.get(0).contains("checksum mismatch in the last record"), warnings.get(0));
    }

    @Test
    void aFlippedBitInAnEarlierRecordLoadsWhatCameBeforeAndSaysWhereItStopped() throws IOException {
        MapOwner before = crashAfter(5);
        Path journal = newest("journal");
        long second = RecordFile.HEADER_BYTES + frameBytes("k0", "v0");
        flip(journal, second + 10);
        MapOwner after = reopen();
        assertEquals(Map.of("a", "1", "b", "2", "k0", "v0"), after.map);
        assertEquals(1, errors.size(), errors.toString());
        String error = errors.get(0);
        assertTrue(error.contains(journal.toString()) && error.contains("record at offset " + second)
                && error.contains("checksum mismatch (the bytes changed after they were written)")
                && error.contains("1 records before it were applied"), error);
        assertTrue(Files.exists(journal.resolveSibling(journal.getFileName() + ".refused")), "kept for inspection");
        assertFalse(before.map.equals(after.map));
    }

    @Test
    void aTruncatedSnapshotIsRefusedAndThePreviousOneWithItsJournalsIsUsed() throws IOException {
        MapOwner before = crashAfter(5);
        Path snapshot = newest("snapshot");
        truncate(snapshot, Files.size(snapshot) - 4);
        MapOwner after = reopen();
        assertEquals(before.map, after.map, "the previous snapshot and the journals since hold everything");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains(snapshot.toString()) && errors.get(0).contains("end marker is cut short")
                && errors.get(0).contains("Using the previous snapshot, snapshot-000000000001.bin"), errors.get(0));
        assertTrue(Files.exists(snapshot.resolveSibling(snapshot.getFileName() + ".refused")));
    }

    @Test
    void aSnapshotCutBeforeItsEndMarkerIsRefused() throws IOException {
        MapOwner before = crashAfter(2);
        Path snapshot = newest("snapshot");
        truncate(snapshot, Files.size(snapshot) - RecordFile.END_BYTES);
        assertEquals(before.map, reopen().map);
        assertTrue(errors.get(0).contains("no end marker after 2 records"), errors.get(0));
    }

    @Test
    void aFlippedBitInASnapshotRecordIsRefusedNamingTheOffset() throws IOException {
        MapOwner before = crashAfter(2);
        Path snapshot = newest("snapshot");
        flip(snapshot, RecordFile.HEADER_BYTES + 9);
        assertEquals(before.map, reopen().map);
        assertTrue(errors.get(0).contains("record at offset " + RecordFile.HEADER_BYTES + ": checksum mismatch"),
                errors.get(0));
    }

    @Test
    void anEmptySnapshotFileIsRefused() throws IOException {
        MapOwner before = crashAfter(2);
        Path snapshot = newest("snapshot");
        truncate(snapshot, 0);
        assertEquals(before.map, reopen().map);
        assertTrue(errors.get(0).contains(snapshot + ": the file is empty"), errors.get(0));
    }

    @Test
    void aSnapshotFromAFutureFormatVersionIsRefusedWithAClearMessage() throws IOException {
        MapOwner before = crashAfter(2);
        Path snapshot = newest("snapshot");
        byte[] bytes = Files.readAllBytes(snapshot);
        ByteBuffer.wrap(bytes).putInt(4, 2);
        fixHeaderChecksum(bytes);
        Files.write(snapshot, bytes);
        assertEquals(before.map, reopen().map);
        assertTrue(errors.get(0).contains("file format version 2 at offset 4 is not one this Regie reads (1 to 1):"
                + " written by a newer Regie?"), errors.get(0));
    }

    @Test
    void aSnapshotOfAFutureContentVersionIsRefusedWithAClearMessage() throws IOException {
        crashAfter(0);
        MapOwner owner = new MapOwner();
        owner.map.put("x", "y");
        // Written by a newer owner (schema 2), read by this one (schema 1).
        try (StateFiles newer = StateFiles.open(dir, "the test map", 2, new MapOwner(), log, 1L << 30)) {
            newer.recover();
        }
        errors.clear();
        MapOwner after = reopen();
        assertEquals(Map.of("a", "1", "b", "2"), after.map, "the last snapshot this version can read");
        assertTrue(errors.get(0).contains("content version 2 at offset 12 is not one this Regie reads (1 to 1)"),
                errors.get(0));
    }

    @Test
    void aMissingJournalLeavesTheSnapshot() throws IOException {
        crashAfter(3);
        Files.delete(newest("journal"));
        assertEquals(Map.of("a", "1", "b", "2"), reopen().map);
        assertEquals(List.of(), errors);
    }

    @Test
    void aMissingNewestSnapshotFallsBackOnTheOlderOneAndTheJournals() throws IOException {
        MapOwner before = crashAfter(3);
        Files.delete(newest("snapshot"));
        assertEquals(before.map, reopen().map);
        assertEquals(List.of(), errors);
    }

    @Test
    void aJournalWithoutAWholeHeaderHoldsNothing() throws IOException {
        MapOwner before = crashAfter(0);
        Path journal = newest("journal");
        truncate(journal, 10);
        assertEquals(before.map, reopen().map);
        assertTrue(warnings.get(0).contains("shorter than a journal's header"), warnings.toString());
    }

    @Test
    void everySnapshotDamagedIsAnErrorAndTheJournalsStillLoad() throws IOException {
        crashAfter(3);
        try (Stream<Path> list = Files.list(dir)) {
            for (Path f : list.filter(f -> f.getFileName().toString().matches("snapshot-\\d+\\.bin")).toList()) {
                truncate(f, 5);
            }
        }
        MapOwner after = reopen();
        // The journals kept (from the older snapshot's generation on) still hold every change since it.
        assertEquals(Map.of("a", "1", "b", "2", "k0", "v0", "k1", "v1", "k2", "v2"), after.map);
        assertTrue(errors.stream().anyMatch(e -> e.contains("No snapshot of the test map") && e.contains("incomplete")),
                errors.toString());
    }

    @Test
    void aLeftoverTemporarySnapshotIsRemoved() throws IOException {
        MapOwner before = crashAfter(1);
        Path tmp = dir.resolve("snapshot-000000000099.bin.tmp");
        Files.write(tmp, new byte[] {1, 2, 3});
        assertEquals(before.map, reopen().map);
        assertFalse(Files.exists(tmp));
        assertEquals(List.of(), errors);
    }

    @Test
    void aFileThatIsNotAStateFileIsRefused() throws IOException {
        MapOwner before = crashAfter(1);
        Path snapshot = newest("snapshot");
        Files.writeString(snapshot, "{\"this\": \"is json, not a snapshot\"}");
        assertEquals(before.map, reopen().map);
        assertTrue(errors.get(0).contains("not a Regie state file"), errors.get(0));
    }

    /** The same map, its journal records decoded on several threads and applied in order. */
    static final class ConcurrentMapOwner extends MapOwner {
        @Override
        public boolean concurrentJournalDecoding() {
            return true;
        }

        @Override
        public Object decodeJournalRecord(Decoder record) {
            return new String[] {record.readString(), record.readString()};
        }

        @Override
        public void applyJournalRecord(Object change) {
            String[] entry = (String[]) change;
            map.put(entry[0], entry[1]);
        }
    }

    @Test
    void aJournalDecodedOnSeveralThreadsAppliesInOrderAndStopsAtAFlippedBit() throws IOException {
        MapOwner writer = new MapOwner();
        StateFiles files = StateFiles.open(dir, "the test map", 1, writer, log, 1L << 30);
        files.recover();
        awaitSnapshot(files, 1);
        for (int i = 0; i < 30_000; i++) {
            writer.put(files, "k" + (i % 1000), "v" + i); // later values overwrite earlier: order matters
        }
        Path journal = newest("journal");
        ConcurrentMapOwner whole = new ConcurrentMapOwner();
        try (StateFiles again = StateFiles.open(dir.resolve("copy"), "the test map", 1, whole, log, 1L << 30)) {
            copyAll(dir, dir.resolve("copy"));
            again.recover();
        }
        assertEquals(writer.map, whole.map);

        long firstFour = 0;
        for (int i = 0; i < 4; i++) {
            firstFour += frameBytes("k" + i, "v" + i);
        }
        long fifth = RecordFile.HEADER_BYTES + firstFour;
        flip(journal, fifth + 9);
        ConcurrentMapOwner damaged = new ConcurrentMapOwner();
        try (StateFiles again = StateFiles.open(dir, "the test map", 1, damaged, log, 1L << 30)) {
            again.recover();
        }
        assertEquals(Map.of("k0", "v0", "k1", "v1", "k2", "v2", "k3", "v3"), damaged.map);
        assertTrue(errors.stream().anyMatch(e -> e.contains("record at offset " + fifth + ": checksum mismatch")
                && e.contains("the 4 records before it were applied")), errors.toString());
        files.close();
    }

    private static void copyAll(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> list = Files.list(from)) {
            for (Path f : list.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @org.junit.jupiter.api.AfterEach
    void closeOpened() {
        opened.forEach(StateFiles::close);
    }

    private static int frameBytes(String key, String value) {
        return 8 + new Encoder().writeString(key).writeString(value).size();
    }

    private static void flip(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x10;
        Files.write(file, bytes);
    }

    private static void truncate(Path file, long size) throws IOException {
        try (var channel = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private static void fixHeaderChecksum(byte[] bytes) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, RecordFile.HEADER_BYTES - 4);
        ByteBuffer.wrap(bytes).putInt(RecordFile.HEADER_BYTES - 4, (int) crc.getValue());
    }
}
