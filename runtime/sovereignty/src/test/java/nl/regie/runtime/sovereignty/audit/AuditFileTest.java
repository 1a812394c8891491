package nl.regie.runtime.sovereignty.audit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditQuery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditFileTest {

    private static final Instant T0 = Instant.parse("2026-11-28T03:00:00Z");

    @TempDir
    Path folder;

    private final List<String> warnings = new CopyOnWriteArrayList<>();

    @Test
    void appendsOneJsonObjectPerLineAndReadsThemBackNewestFirst() throws IOException {
        try (AuditFile log = new AuditFile(folder, 1 << 20, 100, warnings::add)) {
            log.record(event(0, AuditEvent.POLICY, "operator", "", "applied"));
            log.record(event(1, AuditEvent.READ, "nl.police.watch", "police", "denied, \"quoted\"\nnewline"));
            await().atMost(Duration.ofSeconds(5)).until(() -> log.read(AuditQuery.latest(10)).size() == 2);
            List<AuditEvent> events = log.read(AuditQuery.latest(10));
            assertEquals("denied, \"quoted\"\nnewline", events.get(0).outcome());
            assertEquals(T0, events.get(1).time());
        }
        List<String> lines = Files.readAllLines(folder.resolve("audit.jsonl"));
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("{\"time\":\"2026-11-28T03:00:00Z\",\"kind\":\"policy\""), lines.get(0));
        // Append-only: a reopened log adds to the same file.
        try (AuditFile log = new AuditFile(folder, 1 << 20, 100, warnings::add)) {
            log.record(event(2, AuditEvent.PLUGIN, "folder", "", "PROMOTED"));
        }
        assertEquals(3, Files.readAllLines(folder.resolve("audit.jsonl")).size());
    }

    @Test
    void rotatesBySizeKeepsTheFilesAndReadsAcrossThem() throws IOException {
        try (AuditFile log = new AuditFile(folder, 600, 1000, warnings::add)) {
            for (int i = 0; i < 20; i++) {
                log.record(event(i, AuditEvent.COMMAND, "actor-" + (i % 2), "city", "COMPLETED"));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> log.read(AuditQuery.latest(100)).size() == 20);
            List<AuditEvent> all = log.read(AuditQuery.latest(100));
            for (int i = 0; i < 20; i++) {
                assertEquals(T0.plusSeconds(19 - i), all.get(i).time(), "newest first across files");
            }
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> all = files.toList();
            assertTrue(all.size() > 3, all.toString());
            for (Path file : all) {
                assertTrue(Files.size(file) <= 600, file + " is " + Files.size(file) + " bytes");
            }
        }
    }

    @Test
    void filtersByKindActorPartySinceAndLimit() throws IOException {
        try (AuditFile log = new AuditFile(folder, 800, 1000, warnings::add)) {
            for (int i = 0; i < 30; i++) {
                log.record(event(i, i % 3 == 0 ? AuditEvent.READ : AuditEvent.COMMAND, "actor-" + (i % 2),
                        i % 5 == 0 ? "police" : "city", "x"));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> log.read(AuditQuery.latest(100)).size() == 30);
            assertEquals(10, log.read(new AuditQuery(AuditEvent.READ, null, null, null, 100)).size());
            assertEquals(5, log.read(new AuditQuery(AuditEvent.READ, "actor-0", null, null, 100)).size());
            assertEquals(6, log.read(new AuditQuery(null, null, "police", null, 100)).size());
            List<AuditEvent> recent = log.read(new AuditQuery(null, null, null, T0.plusSeconds(25), 100));
            assertEquals(5, recent.size());
            assertEquals(T0.plusSeconds(29), recent.get(0).time());
            List<AuditEvent> limited = log.read(new AuditQuery(AuditEvent.COMMAND, null, null, null, 3));
            assertEquals(List.of(T0.plusSeconds(29), T0.plusSeconds(28), T0.plusSeconds(26)),
                    limited.stream().map(AuditEvent::time).toList());
        }
    }

    @Test
    void skipsALineCutShortByACrash() throws IOException {
        Files.writeString(folder.resolve("audit.jsonl"), "{\"time\":\"2026-11-28T03:00:00Z\",\"kind\":\"po");
        try (AuditFile log = new AuditFile(folder, 1 << 20, 10, warnings::add)) {
            log.record(event(1, AuditEvent.POLICY, "operator", "", "applied"));
            await().atMost(Duration.ofSeconds(5)).until(() -> log.read(AuditQuery.latest(10)).size() == 1);
        }
    }

    @Test
    void aFullQueueCountsAndReportsLostEvents() throws Exception {
        int recorded = 20_000;
        try (AuditFile log = new AuditFile(folder, 64L << 20, 1, warnings::add)) {
            // A queue of one: recording is an offer, writing is JSON and a write, so the writer falls behind.
            for (int i = 0; i < recorded; i++) {
                log.record(event(i % 3600, AuditEvent.READ, "a", "", "x"));
            }
            long lost = log.lost();
            assertTrue(lost > 0, "events beyond a queue of 1 are lost");
            await().atMost(Duration.ofSeconds(10)).until(() -> warnings.stream()
                    .anyMatch(m -> m.startsWith("Audit log: ") && m.endsWith(", " + lost + " in all")));
            assertEquals(recorded - lost, log.read(AuditQuery.latest(recorded)).size());
        }
    }

    private static AuditEvent event(int second, String kind, String actor, String party, String outcome) {
        return new AuditEvent(T0.plusSeconds(second), kind, actor, party, "act", "target", outcome, "");
    }
}
