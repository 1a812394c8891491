package nl.regie.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import nl.regie.runtime.spi.lifecycle.HistoryEntry;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.Outcome.Operation;
import nl.regie.runtime.spi.lifecycle.Outcome.Result;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginStoreTest {

    private static final String WASTE = "nl.regie.waste";
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @TempDir
    Path state;

    private final RecordingLogger log = new RecordingLogger();

    static Outcome outcome(Operation operation, Result result, String from, String to, int minute) {
        return new Outcome(WASTE, operation, result, from, to, result == Result.ROLLED_BACK ? "component X failed" : "",
                1234, 2, Duration.ofMillis(95), List.of(), "HTTP", T0.plusSeconds(60L * minute));
    }

    @Test
    void historyAndJarsSurviveAReopen() throws Exception {
        PluginStore store = new PluginStore(state, log.logger());
        store.keepJar(WASTE, "0.1.0", new byte[] {1});
        store.append(WASTE, new HistoryEntry(outcome(Operation.INSTALL, Result.INSTALLED, null, "0.1.0", 0), "aa"));
        store.keepJar(WASTE, "0.2.0", new byte[] {2});
        HistoryEntry update = new HistoryEntry(outcome(Operation.UPDATE, Result.PROMOTED, "0.1.0", "0.2.0", 1), "bb");
        store.append(WASTE, update);
        Outcome leaking = new Outcome(WASTE, Operation.UPDATE, Result.PROMOTED, "0.1.0", "0.2.0", "", 1234, 2,
                Duration.ofMillis(95), List.of("thread t still runs a.B.run(B.java:1)"), "HTTP", update.outcome().at());
        assertTrue(store.replace(WASTE, update.outcome(), leaking));

        PluginStore reopened = new PluginStore(state, log.logger());

        assertEquals(store.history(WASTE), reopened.history(WASTE));
        assertEquals(List.of("thread t still runs a.B.run(B.java:1)"), reopened.history(WASTE).get(1).outcome().leaks());
        assertArrayEquals(new byte[] {1}, reopened.jar(WASTE, "0.1.0").orElseThrow());
        assertTrue(Files.isRegularFile(state.resolve("plugins/nl.regie.waste/history.json")));
        assertTrue(Files.isRegularFile(state.resolve("plugins/nl.regie.waste/0.2.0.jar")));
        assertEquals(Optional.of("0.1.0"), reopened.previousVersion(WASTE, "0.2.0"));
        assertEquals(List.of(), log.messages("error"));
    }

    @Test
    void previousVersionIsWhereTheLastPromotionCameFrom() {
        PluginStore store = new PluginStore(null, log.logger());
        store.append(WASTE, new HistoryEntry(outcome(Operation.INSTALL, Result.INSTALLED, null, "1.0.0", 0), "a"));
        assertEquals(Optional.empty(), store.previousVersion(WASTE, "1.0.0"), "installed afresh");

        store.append(WASTE, new HistoryEntry(outcome(Operation.UPDATE, Result.PROMOTED, "1.0.0", "1.0.1", 1), "b"));
        store.append(WASTE, new HistoryEntry(outcome(Operation.UPDATE, Result.ROLLED_BACK, "1.0.1", "1.0.1", 2), "b"));
        assertEquals(Optional.of("1.0.0"), store.previousVersion(WASTE, "1.0.1"), "a failed update changes nothing");

        store.append(WASTE, new HistoryEntry(outcome(Operation.ROLLBACK, Result.PROMOTED, "1.0.1", "1.0.0", 3), "a"));
        assertEquals(Optional.of("1.0.1"), store.previousVersion(WASTE, "1.0.0"), "after a rollback, the one rolled back from");
        assertEquals(Optional.empty(), store.previousVersion("nl.regie.other", "1.0.0"));
    }

    @Test
    void lastRunningIsWhatRanWhenTheHistoryWasLastWritten() {
        PluginStore store = new PluginStore(null, log.logger());
        assertEquals(Optional.empty(), store.lastRunning(WASTE), "never ran");
        store.append(WASTE, new HistoryEntry(outcome(Operation.INSTALL, Result.INSTALLED, null, "1.0.0", 0), "a"));
        assertEquals(Optional.of(new PluginStore.Running("1.0.0", "a")), store.lastRunning(WASTE));
        store.append(WASTE, new HistoryEntry(outcome(Operation.UPDATE, Result.PROMOTED, "1.0.0", "1.0.1", 1), "b"));
        store.append(WASTE, new HistoryEntry(outcome(Operation.UPDATE, Result.ROLLED_BACK, "1.0.1", "1.0.1", 2), "b"));
        assertEquals(Optional.of(new PluginStore.Running("1.0.1", "b")), store.lastRunning(WASTE),
                "a rolled-back update leaves the version that ran");
        store.append(WASTE, new HistoryEntry(outcome(Operation.REMOVE, Result.REMOVED, "1.0.1", null, 3), null));
        assertEquals(Optional.empty(), store.lastRunning(WASTE), "removed: nothing runs");
    }

    @Test
    void keepsTheJarsOfTheLastFiveVersions() {
        PluginStore store = new PluginStore(state, log.logger());
        store.keepJar(WASTE, "1.0.0", new byte[] {0});
        store.append(WASTE, new HistoryEntry(outcome(Operation.INSTALL, Result.INSTALLED, null, "1.0.0", 0), "a"));
        for (int i = 1; i <= 6; i++) {
            store.keepJar(WASTE, "1.0." + i, new byte[] {(byte) i});
            store.append(WASTE, new HistoryEntry(outcome(Operation.UPDATE, Result.PROMOTED, "1.0." + (i - 1), "1.0." + i, i), "x"));
        }
        store.keepJar(WASTE, "2.0.0", new byte[] {9});
        store.append(WASTE, new HistoryEntry(outcome(Operation.UPDATE, Result.ROLLED_BACK, "1.0.6", "1.0.6", 7), "x"));

        assertEquals(Set.of("1.0.6", "1.0.5", "1.0.4", "1.0.3", "1.0.2"), store.keptVersions(WASTE));
        assertTrue(store.hasJar(WASTE, "1.0.6"));
        assertTrue(store.hasJar(WASTE, "1.0.2"));
        assertFalse(store.hasJar(WASTE, "1.0.1"), "older than the last five");
        assertFalse(store.hasJar(WASTE, "2.0.0"), "a version that never ran");
    }

    @Test
    void anUnreadableHistoryIsReportedAndStartedAfresh() throws Exception {
        Files.createDirectories(state.resolve("plugins/nl.regie.waste"));
        Files.writeString(state.resolve("plugins/nl.regie.waste/history.json"), "{ not json");

        PluginStore store = new PluginStore(state, log.logger());

        assertEquals(List.of(), store.history(WASTE));
        assertEquals(1, log.messages("error").size());
        assertTrue(log.messages("error").get(0).contains("history.json"), log.messages("error").toString());
    }
}
