package nl.regie.runtime.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import nl.regie.runtime.spi.config.ConfigFiles.FileStatus;
import nl.regie.runtime.spi.config.ConfigFiles.State;
import nl.regie.runtime.testing.MutableClock;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.metatype.AttributeDefinition;

class ConfigFolderTest {

    private static final String PID = "nl.regie.waste";
    private static final Schema WASTE = TestAttribute.schema(
            TestAttribute.of("full.threshold", AttributeDefinition.DOUBLE).range("0", "1"),
            TestAttribute.of("route.depots", AttributeDefinition.STRING).cardinality(Integer.MAX_VALUE));

    @TempDir
    Path workingDir;

    private Path dir;
    private final Map<String, Schema> declared = new HashMap<>();
    private final FakeStore store = new FakeStore();
    private final RecordingLogger log = new RecordingLogger();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-15T16:50:00Z"));
    private ConfigFolder folder;

    /** ConfigAdmin as the folder sees it: configurations by PID, with their owner. */
    private static final class FakeStore implements ConfigFolder.Store {
        final Map<String, Map<String, Object>> configurations = new HashMap<>();
        final Map<String, String> owners = new HashMap<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public boolean apply(String pid, String owner, Map<String, Object> values) {
            calls.add("apply " + pid);
            boolean changed = !values.equals(configurations.get(pid));
            configurations.put(pid, values);
            owners.put(pid, owner);
            return changed;
        }

        @Override
        public List<String> deleteOwnedBy(String owner) {
            List<String> pids = new ArrayList<>();
            owners.entrySet().removeIf(e -> {
                if (e.getValue().equals(owner)) {
                    pids.add(e.getKey());
                    configurations.remove(e.getKey());
                    return true;
                }
                return false;
            });
            calls.add("delete " + pids);
            return pids;
        }

        @Override
        public Set<String> owners() {
            return new TreeSet<>(owners.values());
        }

        @Override
        public String difference(String pid, String owner, Map<String, Object> values) {
            Map<String, Object> held = configurations.get(pid);
            if (held == null) {
                return "deleted";
            }
            Set<String> changed = new TreeSet<>();
            for (String key : union(held.keySet(), values.keySet())) {
                if (!Objects.deepEquals(held.get(key), values.get(key))) {
                    changed.add(key);
                }
            }
            return changed.isEmpty() && owner.equals(owners.get(pid)) ? null : String.join(", ", changed) + " changed";
        }

        private static Set<String> union(Set<String> a, Set<String> b) {
            Set<String> all = new TreeSet<>(a);
            all.addAll(b);
            return all;
        }

        @Override
        public void putBack(String pid, String owner, Map<String, Object> values) {
            calls.add("put back " + pid);
            configurations.put(pid, values);
            owners.put(pid, owner);
        }

        @Override
        public boolean deleteUnowned(String pid) {
            owners.remove(pid);
            if (configurations.remove(pid) == null) {
                return false;
            }
            calls.add("delete " + pid);
            return true;
        }

        /** What a plugin calling ConfigurationAdmin does. */
        void tamper(String pid, Map<String, Object> values) {
            configurations.put(pid, values);
        }
    }

    /** The alarm as the component would raise it: what it was told, in order. */
    private final List<String> alarms = new ArrayList<>();
    private final ConfigGuard.Alarm alarm = new ConfigGuard.Alarm() {
        @Override
        public void changed(String pid, String detail) {
            alarms.add("changed " + pid + ": " + detail);
        }

        @Override
        public void resolved(String pid) {
            alarms.add("resolved " + pid);
        }
    };


    @BeforeEach
    void folder() {
        dir = workingDir.resolve("config");
        folder = new ConfigFolder(dir, workingDir, pid -> Optional.ofNullable(declared.get(pid)), store, log.logger(), clock,
                alarm);
    }

    private void write(String pid, String content) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(pid + ".cfg"), content, StandardCharsets.UTF_8);
    }

    /** Polls twice: a changed file is handled once it is the same at two polls in a row. */
    private void settle() {
        folder.poll();
        clock.advance(Duration.ofSeconds(1));
        folder.poll();
    }

    private FileStatus status(String pid) {
        return folder.statuses().stream().filter(s -> s.pid().equals(pid)).findFirst().orElse(null);
    }

    @Test
    void aFolderThatDoesNotExistYetHasNoFiles() {
        folder.poll();
        assertEquals(List.of(), folder.statuses());
        assertEquals(List.of(), log.entries());
    }

    @Test
    void aValidFileIsAppliedWithTypedValuesAndMarkedAsItsOwn() throws Exception {
        declared.put(PID, WASTE);
        write(PID, "full.threshold = 0.75\nroute.depots = Noord, Zuid\n");
        folder.poll();

        Map<String, Object> applied = store.configurations.get(PID);
        assertEquals(0.75, applied.get("full.threshold"));
        assertArrayEquals(new String[] {"Noord", "Zuid"}, (String[]) applied.get("route.depots"));
        assertEquals(dir.resolve(PID + ".cfg").toString(), store.owners.get(PID));
        assertEquals(List.of("Configuration nl.regie.waste applied from config/nl.regie.waste.cfg"), log.messages("info"));
        FileStatus status = status(PID);
        assertEquals(new FileStatus(PID, "config/nl.regie.waste.cfg", State.APPLIED, "applied", clock.instant(), clock.instant()), status);
    }

    @Test
    void aChangeIsAppliedOnceTheFileStopsChanging() throws Exception {
        declared.put(PID, WASTE);
        write(PID, "full.threshold = 0.75\n");
        folder.poll();
        write(PID, "full.threshold = 0.6\n");
        folder.poll();
        assertEquals(0.75, store.configurations.get(PID).get("full.threshold"), "still being written, perhaps");
        folder.poll();
        assertEquals(0.6, store.configurations.get(PID).get("full.threshold"));
        folder.poll();
        assertEquals(List.of("apply nl.regie.waste", "apply nl.regie.waste"), store.calls, "an unchanged file is left alone");
    }

    @Test
    void aBadValueRefusesTheWholeFileAndKeepsTheRunningConfiguration() throws Exception {
        declared.put(PID, WASTE);
        write(PID, "full.threshold = 0.75\n");
        folder.poll();
        Instant appliedAt = clock.instant();
        write(PID, "full.threshold = 1.5\nroute.depots = Noord\n");
        settle();

        assertEquals(Map.of("full.threshold", 0.75), store.configurations.get(PID), "ConfigAdmin untouched");
        assertEquals(List.of("Configuration file config/nl.regie.waste.cfg refused: full.threshold = 1.5 is above the"
                + " maximum 1; the running configuration is unchanged"), log.messages("error"));
        FileStatus status = status(PID);
        assertEquals(State.REFUSED, status.state());
        assertEquals("full.threshold = 1.5 is above the maximum 1", status.message());
        assertEquals(appliedAt, status.appliedAt());

        settle();
        assertEquals(1, log.messages("error").size(), "a refusal that stays the same is logged once");

        write(PID, "full.treshold = 0.7\n");
        settle();
        assertEquals("Configuration file config/nl.regie.waste.cfg refused: unknown key full.treshold (known keys:"
                + " full.threshold, route.depots); the running configuration is unchanged", log.messages("error").get(1));
        assertEquals(List.of("apply nl.regie.waste"), store.calls);
    }

    @Test
    void aMalformedFileIsRefused() throws Exception {
        declared.put(PID, WASTE);
        write(PID, "full.threshold = 0.7\nfull.threshold = 0.8\n");
        folder.poll();
        assertEquals(List.of("Configuration file config/nl.regie.waste.cfg refused: key full.threshold set more than once;"
                + " the running configuration is unchanged"), log.messages("error"));
        assertEquals(List.of(), store.calls);
    }

    @Test
    void deletingTheFileDeletesItsConfiguration() throws Exception {
        declared.put(PID, WASTE);
        write(PID, "full.threshold = 0.75\n");
        store.configurations.put("nl.regie.lighting", Map.of("dim.level", 0.3)); // set some other way: not the folder's
        folder.poll();
        Files.delete(dir.resolve(PID + ".cfg"));
        folder.poll();

        assertNull(store.configurations.get(PID));
        assertEquals(Map.of("dim.level", 0.3), store.configurations.get("nl.regie.lighting"));
        assertEquals("Configuration nl.regie.waste deleted with its file config/nl.regie.waste.cfg; its plugin is back on"
                + " its defaults", log.messages("info").get(1));
        assertEquals(List.of(), folder.statuses());
    }

    @Test
    void aFileForAPidNobodyDeclaresWaitsForItsPlugin() throws Exception {
        write(PID, "full.threshold = 0.75\n");
        settle();
        settle();
        assertEquals(List.of("Configuration file config/nl.regie.waste.cfg is waiting for a plugin that declares PID"
                + " nl.regie.waste"), log.messages("info"), "logged once");
        assertEquals(State.PENDING, status(PID).state());
        assertEquals(List.of(), store.calls);

        declared.put(PID, WASTE); // the plugin arrives
        folder.poll();
        assertEquals(0.75, store.configurations.get(PID).get("full.threshold"));
        assertEquals(State.APPLIED, status(PID).state());
    }

    @Test
    void anAppliedFileWhosePluginIsRemovedIsPendingAgainAndAppliedWhenItComesBack() throws Exception {
        declared.put(PID, WASTE);
        write(PID, "full.threshold = 0.75\n");
        folder.poll();
        assertEquals(State.APPLIED, status(PID).state());

        declared.remove(PID); // the plugin is uninstalled
        folder.poll();
        assertEquals(State.APPLIED, status(PID).state(), "only an uninstalled bundle makes the folder look");
        folder.bundleUninstalled();
        folder.poll();
        assertEquals(State.PENDING, status(PID).state());
        assertEquals("waiting for a plugin that declares PID nl.regie.waste", status(PID).message());
        assertEquals("Configuration file config/nl.regie.waste.cfg is waiting for a plugin that declares PID"
                + " nl.regie.waste: the plugin that did was removed", log.messages("info").get(1));
        folder.poll();
        assertEquals(2, log.messages("info").size(), "said once");

        declared.put(PID, WASTE); // installed again
        folder.poll();
        assertEquals(State.APPLIED, status(PID).state());
        assertEquals(0.75, store.configurations.get(PID).get("full.threshold"));
    }

    @Test
    void aRefusedFileIsAppliedWhenAPluginUpdateDeclaresTheKey() throws Exception {
        declared.put(PID, TestAttribute.schema(TestAttribute.of("full.threshold", AttributeDefinition.DOUBLE)));
        write(PID, "full.threshold = 0.75\nroute.depots = Noord\n");
        folder.poll();
        assertEquals(State.REFUSED, status(PID).state());

        declared.put(PID, WASTE);
        folder.poll();
        assertEquals(State.APPLIED, status(PID).state());
    }

    @Test
    void aConfigurationWhoseFileWentWhileTheRuntimeWasDownIsDeleted() throws Exception {
        store.configurations.put(PID, Map.of("full.threshold", 0.75));
        store.owners.put(PID, dir.resolve(PID + ".cfg").toString());
        declared.put("nl.regie.lighting", TestAttribute.schema(TestAttribute.of("dim.level", AttributeDefinition.DOUBLE)));
        write("nl.regie.lighting", "dim.level = 0.3\n");
        folder.poll();

        assertNull(store.configurations.get(PID));
        assertTrue(log.messages("info").contains("Configuration nl.regie.waste deleted: its file config/nl.regie.waste.cfg"
                + " is gone; its plugin is back on its defaults"), log.messages("info").toString());
        assertEquals(0.3, store.configurations.get("nl.regie.lighting").get("dim.level"));
    }

    @Test
    void aFileOutsideTheWorkingDirectoryIsNamedByItsAbsolutePath() throws Exception {
        Path elsewhere = Files.createTempDirectory("regie-config-");
        try {
            ConfigFolder outside = new ConfigFolder(elsewhere, workingDir, pid -> Optional.empty(), store, log.logger(), clock);
            Files.writeString(elsewhere.resolve("x.cfg"), "a = 1\n");
            outside.poll();
            assertEquals(elsewhere.resolve("x.cfg").toString(), outside.statuses().get(0).file());
        } finally {
            Files.deleteIfExists(elsewhere.resolve("x.cfg"));
            Files.delete(elsewhere);
        }
    }

    @Test
    void aFolderThatIsAFileIsReportedOnceAndChangesNothing() throws Exception {
        declared.put(PID, WASTE);
        Files.writeString(dir, "not a folder");
        folder.poll();
        folder.poll();
        assertEquals(1, log.messages("warn").size(), log.messages("warn").toString());
        assertTrue(log.messages("warn").get(0).startsWith("Cannot read the configuration folder " + dir), log.messages("warn").get(0));
        assertEquals(List.of(), store.calls);
    }

    @Test
    void aConfigurationChangedBehindTheFoldersBackIsPutBackAndNeverShownAsApplied() throws Exception {
        declared.put(PID, WASTE);
        write(PID, "full.threshold = 0.75\n");
        folder.poll();
        assertEquals(State.APPLIED, status(PID).state());

        store.tamper(PID, Map.of("full.threshold", 0.01, "route.depots", new String[] {"Elsewhere"}));
        FileStatus changed = status(PID);
        assertEquals(State.CHANGED, changed.state(), "as soon as ConfigAdmin holds something else");
        assertEquals("ConfigAdmin holds other values than the file (full.threshold, route.depots changed): changed"
                + " through ConfigurationAdmin; the folder is putting the file's values back", changed.message());

        folder.guard(PID);
        assertEquals(Map.of("full.threshold", 0.75), store.configurations.get(PID));
        assertEquals(State.APPLIED, status(PID).state());
        assertEquals("applied (put back at " + clock.instant() + " after a change through ConfigurationAdmin)",
                status(PID).message());
        String report = "Configuration nl.regie.waste was changed through ConfigurationAdmin, not from"
                + " config/nl.regie.waste.cfg (full.threshold, route.depots changed); the file's values were put back";
        assertEquals(List.of(report), log.messages("warn"));
        assertEquals(List.of("changed " + PID + ": " + report), alarms);
        assertEquals(Map.of(PID, 1L), folder.putBack());

        folder.guard(PID);
        assertEquals(Map.of(PID, 1L), folder.putBack(), "the folder's own values are left alone");
    }

    @Test
    void aDeletedConfigurationComesBackAndARefusedEditDoesNotGetIn() throws Exception {
        declared.put(PID, WASTE);
        write(PID, "full.threshold = 0.75\n");
        folder.poll();
        write(PID, "full.threshold = 7\n");
        settle();
        assertEquals(State.REFUSED, status(PID).state());

        store.configurations.remove(PID);
        folder.guard(PID);
        assertEquals(Map.of("full.threshold", 0.75), store.configurations.get(PID), "the last applied, not the refused");
        assertTrue(log.messages("warn").get(0).contains("(deleted); the file's values were put back"),
                log.entries().toString());
    }

    @Test
    void everyPollChecksWhatTheFolderOwnsAsWellWhateverConfigAdminReported() throws Exception {
        declared.put(PID, WASTE);
        write(PID, "full.threshold = 0.75\n");
        folder.poll();
        store.tamper(PID, Map.of("full.threshold", 0.01));
        store.tamper("nl.regie.runtime.limits", Map.of("entities", 100_000_000));
        folder.poll();
        assertEquals(Map.of("full.threshold", 0.75), store.configurations.get(PID));
        assertEquals(Set.of(PID), store.configurations.keySet());
        assertEquals(Map.of(PID, 1L, "nl.regie.runtime.limits", 1L), folder.putBack());
    }

    @Test
    void aPidOnlyAFileMaySetIsDeletedWhenSetWithoutOneAndOthersAreLeftAlone() {
        store.tamper("nl.regie.runtime.access", Map.of("tokens", "intruder city operator sha256:00"));
        store.tamper("nl.example.own", Map.of("x", 1));
        folder.guard("nl.regie.runtime.access");
        folder.guard("nl.example.own");
        assertEquals(Set.of("nl.example.own"), store.configurations.keySet());
        assertEquals(List.of("changed nl.regie.runtime.access: Configuration nl.regie.runtime.access was set through"
                + " ConfigurationAdmin, but only a file of the config folder may set it and there is none applied; it"
                + " was deleted, so the built-in default applies"), alarms);
    }

    @Test
    void aPluginRewritingAConfigurationInALoopIsPutBackEveryTimeAndReportedOnceAMinute() throws Exception {
        declared.put(PID, WASTE);
        write(PID, "full.threshold = 0.75\n");
        folder.poll();
        for (int i = 0; i < 10; i++) {
            store.tamper(PID, Map.of("full.threshold", 0.01));
            folder.guard(PID);
            assertEquals(Map.of("full.threshold", 0.75), store.configurations.get(PID));
        }
        assertEquals(1, alarms.size());
        clock.advance(ConfigGuard.REPORT_EVERY);
        store.tamper(PID, Map.of("full.threshold", 0.01));
        folder.guard(PID);
        assertEquals(2, alarms.size());
        assertTrue(alarms.get(1).endsWith("(10 changes put back since the last report)"), alarms.get(1));
        assertEquals(Map.of(PID, 11L), folder.putBack());

        write(PID, "full.threshold = 0.7\n");
        settle();
        assertEquals("resolved " + PID, alarms.get(2), "the operator applying the file again deals with it");
    }
}
