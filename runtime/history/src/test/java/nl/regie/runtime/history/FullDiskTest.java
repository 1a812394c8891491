package nl.regie.runtime.history;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.history.Aggregate;
import nl.regie.runtime.spi.history.HistoryQuery;
import nl.regie.runtime.spi.history.HistoryStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real store and writer when the disk refuses to grow the store's files: this JVM's file-size limit
 * ({@code RLIMIT_FSIZE}, set with util-linux's {@code prlimit} on this process, no root needed) is lowered under the
 * store's files, so DuckDB's writes fail as on a full disk ({@code File too large}; the JVM ignores {@code SIGXFSZ}),
 * then raised again as when space returns. The limit holds for the whole test JVM while it is lowered (seconds): the
 * module's tests run one at a time, and {@link #restore} raises it again whatever happens. Skipped where
 * {@code prlimit} is missing (not Linux).
 */
class FullDiskTest {

    static final Instant NOW = Instant.parse("2031-05-04T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    @TempDir
    Path dir;

    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private HistoryStore store;
    private HistoryWriter writer;

    @AfterEach
    void restore() throws Exception {
        fileSizeLimit("unlimited");
        if (writer != null) {
            writer.stop();
        }
    }

    private static void fileSizeLimit(String soft) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PRLIMIT.toString(), "--pid", Long.toString(ProcessHandle.current().pid()),
                "--fsize=" + soft + ":").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "prlimit: " + out);
    }

    private static List<Reading> readings(int from, int count) {
        List<Reading> readings = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            Instant at = NOW.minus(Duration.ofMinutes(30)).plusMillis(i);
            readings.add(new Reading(EntityId.of("WasteContainer", "bin-" + i % 500), "fillingLevel",
                    Value.of(i), "/", at, at, "device-" + i % 500, null));
        }
        return readings;
    }

    private long stored() throws Exception {
        return store.query(HistoryQuery.ofType("WasteContainer", null, Set.of(), NOW.minus(Duration.ofHours(1)), NOW,
                Duration.ofHours(1), Aggregate.COUNT, 1000)).stream()
                .mapToLong(s -> (long) ((Value.Number) s.points().get(0).value()).value()).sum();
    }

    @Test
    void aFullDiskKeepsOfferingAndTheWriterGoingReportsBehindAndWritesAgainWhenSpaceReturns() throws Exception {
        assumeTrue(Files.isExecutable(PRLIMIT), "needs util-linux's prlimit");
        Path file = dir.resolve("history.duckdb");
        store = HistoryStore.open(file, new HistoryStore.Settings(64, 1), CLOCK, errors::add);
        writer = new HistoryWriter(store, 100_000, RetentionPolicy.DEFAULTS, CLOCK, errors::add);
        readings(0, 20_000).forEach(writer::offer);
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.status().written() == 20_000);

        // The disk is full: no file may grow, nor be written past its first bytes.
        fileSizeLimit("4096");
        long start = System.nanoTime();
        readings(20_000, 20_000).forEach(writer::offer);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "offer never waits for the disk");
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.status().dropped() == 20_000);
        HistoryStatus full = writer.status();
        assertTrue(full.problem() != null && full.problem().startsWith("history is behind: "), full.problem());
        assertTrue(full.problem().contains("File too large"), full.problem());
        assertEquals(20_000, full.written());
        assertEquals(1, errors.size(), "reported once: " + errors);
        assertTrue(errors.get(0).contains("File too large"), errors.get(0));

        // Space returns: the next readings are written, the status is well again, nothing written before is lost.
        fileSizeLimit("unlimited");
        readings(40_000, 20_000).forEach(writer::offer);
        try {
            await().atMost(Duration.ofSeconds(60)).failFast(() -> writer.status().dropped() > 20_000)
                    .until(() -> writer.status().written() == 40_000);
        } catch (RuntimeException e) {
            throw new AssertionError("not written again: " + writer.status() + "; " + errors, e);
        }
        HistoryStatus back = writer.status();
        assertNull(back.problem());
        assertEquals(20_000, back.dropped());
        assertEquals(40_000, store.count());
        assertEquals(40_000, stored());
    }
}
