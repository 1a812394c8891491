package nl.regie.runtime.federation;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import nl.regie.runtime.statefiles.StateFiles;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox's journal on its own: what waits survives a journal that was never closed (a crash), in order and whole;
 * done messages are gone; the files are compacted as they grow; a torn last record loses only itself.
 */
class OutboxJournalTest {

    @TempDir
    Path dir;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<OutboxJournal> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(OutboxJournal::close);
    }

    @Test
    void whatWaitsSurvivesAJournalThatWasNeverClosedInOrderAndWhole() throws Exception {
        OutboxJournal crashed = journal(StateFiles.MIN_JOURNAL_BYTES);
        assertEquals(List.of(), crashed.recover());
        List<Outgoing> queued = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            queued.add(crashed.queued(message(i)));
        }
        crashed.done(queued.get(0));
        crashed.done(queued.get(2));
        crashed.done(queued.get(2)); // twice: no harm
        // No close: the process is gone, what was appended is in the file.

        OutboxJournal after = journal(StateFiles.MIN_JOURNAL_BYTES);
        List<Outgoing> kept = after.recover();
        assertEquals(List.of(2L, 4L, 5L), kept.stream().map(Outgoing::seq).toList());
        Outgoing second = kept.get(0);
        assertEquals(message(2).topic(), second.topic());
        assertArrayEquals(message(2).payload(), second.payload());
        assertEquals(message(2).properties(), second.properties());
        assertEquals(message(2).rule(), second.rule());
        // New messages are numbered after the kept ones, and a kept one is let go by its number.
        assertEquals(6L, after.queued(message(6)).seq());
        after.done(kept.get(1));
        assertEquals(3, after.waiting());
    }

    @Test
    void aCleanCloseKeepsWhatWaitsInOneSnapshot() throws Exception {
        OutboxJournal first = journal(StateFiles.MIN_JOURNAL_BYTES);
        first.recover();
        Outgoing one = first.queued(message(1));
        first.queued(message(2));
        first.done(one);
        first.close();
        open.remove(first);
        assertEquals(List.of(2L), journal(StateFiles.MIN_JOURNAL_BYTES).recover().stream().map(Outgoing::seq).toList());
    }

    @Test
    void theFilesStayInProportionToWhatWaitsNotToWhatWasEverSent() throws Exception {
        OutboxJournal journal = journal(64 * 1024);
        journal.recover();
        // 20,000 messages of about 300 bytes (6 MB) pass through, 10 at most waiting at a time; after every 500 (150
        // KB, more than twice the journal's 64 KB) the test waits for a snapshot newer than the one before them, as a
        // runtime's load leaves it time to. (Newer than the one at the batch's start, not at its end: a batch may
        // rotate twice, and its last snapshot may be written before its end, with no next one due until 64 KB more.)
        List<Outgoing> waiting = new ArrayList<>();
        long before = journal.lastSnapshot();
        for (int i = 1; i <= 20_000; i++) {
            waiting.add(journal.queued(message(i)));
            if (waiting.size() > 10) {
                journal.done(waiting.remove(0));
            }
            if (i % 500 == 0) {
                long batchStart = before;
                await().atMost(Duration.ofSeconds(30)).until(() -> journal.lastSnapshot() > batchStart);
                before = journal.lastSnapshot();
            }
        }
        long bytes = folderBytes();
        assertTrue(bytes < 1024 * 1024, "the journal was compacted: " + bytes + " bytes on disk");
        OutboxJournal after = journal(64 * 1024);
        assertEquals(waiting.stream().map(Outgoing::seq).toList(), after.recover().stream().map(Outgoing::seq).toList());
    }

    @Test
    void offersDuringACompactionDoNotWaitForItsForcesAndNothingIsLostOrDuplicated() throws Exception {
        OutboxJournal journal = journal(StateFiles.MIN_JOURNAL_BYTES);
        journal.recover();
        await().atMost(Duration.ofSeconds(10)).until(() -> journal.lastSnapshot() >= 1);
        List<Outgoing> waiting = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            waiting.add(journal.queued(message(i)));
        }
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        journal.onStep(step -> {
            if (step.equals("new journal forced")) {
                held.countDown();
                try {
                    release.await(); // the journal's thread held between the rotation's forces
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        journal.compactNow();
        assertTrue(held.await(10, TimeUnit.SECONDS), "the compaction reached its forces");
        // Queued and done while the compaction is held: none of them waits for it.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 101; i <= 1_100; i++) {
                waiting.add(journal.queued(message(i)));
                if (i % 2 == 0) {
                    journal.done(waiting.remove(0));
                }
            }
        });
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> journal.lastSnapshot() >= 2);
        List<Long> expected = waiting.stream().map(Outgoing::seq).toList();
        // No close: what a kill -9 leaves.
        OutboxJournal after = journal(StateFiles.MIN_JOURNAL_BYTES);
        List<Long> kept = after.recover().stream().map(Outgoing::seq).toList();
        assertEquals(expected, kept, "the same messages, in order, once each");
        assertEquals(600, kept.size());
    }

    @Test
    void aTornLastRecordLosesOnlyItself() throws Exception {
        OutboxJournal crashed = journal(StateFiles.MIN_JOURNAL_BYTES);
        crashed.recover();
        crashed.queued(message(1));
        crashed.queued(message(2));
        Path journalFile;
        try (Stream<Path> files = Files.list(dir)) {
            journalFile = files.filter(p -> p.getFileName().toString().startsWith("journal-")).max(Path::compareTo)
                    .orElseThrow();
        }
        // The write of the second record was cut short.
        try (FileChannel channel = FileChannel.open(journalFile, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 10);
        }
        List<Outgoing> kept = journal(StateFiles.MIN_JOURNAL_BYTES).recover();
        assertEquals(List.of(1L), kept.stream().map(Outgoing::seq).toList());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("WARN Dropped a torn record")), log.toString());
    }

    private OutboxJournal journal(long minJournalBytes) throws IOException {
        OutboxJournal journal = OutboxJournal.open(dir, (level, message) -> log.add(level + " " + message),
                minJournalBytes);
        open.add(journal);
        return journal;
    }

    private long folderBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static Outgoing message(int n) {
        String payload = "{\"v\":1,\"value\":" + n + ",\"unit\":\"m\",\"observedAt\":\"2026-11-28T03:00:00Z\","
                + "\"source\":\"gauge-ä\",\"exportedAt\":1795834800123,\"padding\":\"" + "x".repeat(150) + "\"}";
        return new Outgoing("regie/v1/roeselare/share/gent/WaterObserved/g" + n + "/waterLevel",
                payload.getBytes(StandardCharsets.UTF_8), Map.of("origin-site", "roeselare", "id", "r-" + n, "hops", "1"),
                "waterboard>gent WaterObserved/+/waterLevel");
    }
}
