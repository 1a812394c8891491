package nl.regie.runtime.lifecycle;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import nl.regie.runtime.spi.lifecycle.HistoryEntry;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.Outcome.Operation;
import nl.regie.runtime.spi.lifecycle.Outcome.Result;

import org.osgi.service.log.Logger;

/**
 * Each plugin's history and the jars of its recent versions. With a state folder, they live in
 * {@code <state>/plugins/<symbolicName>/history.json} and {@code <state>/plugins/<symbolicName>/<version>.jar} and
 * survive restarts; without one, in memory only. A failure to write is logged and does not fail the operation
 * (the plugin runs either way); the history then lives in memory until the next write succeeds.
 */
final class PluginStore {

    /** How many versions' jars are kept per plugin (the running one always is). */
    static final int KEPT_VERSIONS = 5;
    /** How many history entries are kept per plugin; older ones are dropped. */
    static final int MAX_ENTRIES = 200;

    private static final String HISTORY = "history.json";

    private final Path plugins;
    private final Logger logger;
    private final HistoryFile files = new HistoryFile();
    /** Guarded by this. */
    private final Map<String, List<HistoryEntry>> histories = new HashMap<>();
    /** Jars by plugin and version, when there is no state folder. Guarded by this. */
    private final Map<String, Map<String, byte[]>> memoryJars = new HashMap<>();

    /**
     * Opens the store, reading the histories already in the state folder.
     *
     * @param state the state folder, or null to keep everything in memory
     */
    PluginStore(Path state, Logger logger) {
        this.plugins = state == null ? null : state.resolve("plugins");
        this.logger = logger;
        if (plugins != null) {
            load();
        }
    }

    /** Whether the history survives restarts. */
    boolean persistent() {
        return plugins != null;
    }

    private void load() {
        if (!Files.isDirectory(plugins)) {
            return;
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(plugins, Files::isDirectory)) {
            for (Path folder : folders) {
                Path file = folder.resolve(HISTORY);
                if (Files.isRegularFile(file)) {
                    try {
                        histories.put(folder.getFileName().toString(), new ArrayList<>(files.read(file)));
                    } catch (IOException | RuntimeException e) {
                        logger.error("Cannot read the plugin history {}; starting that plugin's history afresh: {}",
                                file, e.toString());
                    }
                }
            }
        } catch (IOException e) {
            logger.error("Cannot read the plugin histories in {}: {}", plugins, e.toString());
        }
    }

    /** A plugin's history, oldest first. */
    synchronized List<HistoryEntry> history(String symbolicName) {
        return List.copyOf(histories.getOrDefault(symbolicName, List.of()));
    }

    /** The last entry of a plugin's history. */
    synchronized Optional<HistoryEntry> last(String symbolicName) {
        List<HistoryEntry> entries = histories.getOrDefault(symbolicName, List.of());
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }

    /** Adds an entry to a plugin's history and drops the jars of versions no longer kept. */
    synchronized void append(String symbolicName, HistoryEntry entry) {
        List<HistoryEntry> entries = histories.computeIfAbsent(symbolicName, name -> new ArrayList<>());
        entries.add(entry);
        if (entries.size() > MAX_ENTRIES) {
            entries.subList(0, entries.size() - MAX_ENTRIES).clear();
        }
        save(symbolicName);
        prune(symbolicName);
    }

    /** Replaces an outcome in a plugin's history (the leak check filling in its findings); false if it is gone. */
    synchronized boolean replace(String symbolicName, Outcome old, Outcome updated) {
        List<HistoryEntry> entries = histories.getOrDefault(symbolicName, List.of());
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).outcome() == old) {
                entries.set(i, new HistoryEntry(updated, entries.get(i).sha256()));
                save(symbolicName);
                return true;
            }
        }
        return false;
    }

    /**
     * The version that ran before {@code running}: the one the last promotion to it came from. Empty if the
     * running version was installed afresh, or its history does not say.
     */
    synchronized Optional<String> previousVersion(String symbolicName, String running) {
        List<HistoryEntry> entries = histories.getOrDefault(symbolicName, List.of());
        for (int i = entries.size() - 1; i >= 0; i--) {
            Outcome outcome = entries.get(i).outcome();
            if (!running.equals(outcome.toVersion()) || outcome.result() == Result.ROLLED_BACK) {
                continue;
            }
            if (outcome.result() == Result.PROMOTED && outcome.fromVersion() != null
                    && !outcome.fromVersion().equals(running)) {
                return Optional.of(outcome.fromVersion());
            }
            if (outcome.operation() == Operation.INSTALL) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * What ran when the history was last written, as version and SHA-256 of its jar: empty if the plugin was removed
     * or never ran. After a restart the plugins folder hands the lifecycle the jar that ran before; this tells it that
     * this is the same plugin coming back, not a new installation.
     */
    synchronized Optional<Running> lastRunning(String symbolicName) {
        Optional<HistoryEntry> last = last(symbolicName);
        if (last.isEmpty() || last.get().outcome().result() == Result.REMOVED || last.get().sha256() == null) {
            return Optional.empty();
        }
        Outcome outcome = last.get().outcome();
        String version = outcome.result() == Result.ROLLED_BACK ? outcome.fromVersion() : outcome.toVersion();
        return version == null ? Optional.empty() : Optional.of(new Running(version, last.get().sha256()));
    }

    /** A version that ran and the SHA-256 of its jar. */
    record Running(String version, String sha256) {
    }

    /** When a plugin's history last changed what ran, or empty if it never did. */
    synchronized Optional<Instant> lastChange(String symbolicName) {
        return last(symbolicName).map(entry -> entry.outcome().at());
    }

    /** Keeps the jar of a version. */
    synchronized void keepJar(String symbolicName, String version, byte[] jar) {
        if (plugins == null) {
            memoryJars.computeIfAbsent(symbolicName, name -> new HashMap<>()).put(version, jar);
            return;
        }
        try {
            Path folder = Files.createDirectories(plugins.resolve(symbolicName));
            Files.write(folder.resolve(version + ".jar"), jar);
        } catch (IOException e) {
            logger.error("Cannot keep the jar of {} {} in {}: {}; it cannot be rolled back to later", symbolicName,
                    version, plugins, e.toString());
        }
    }

    /** The kept jar of a version. */
    synchronized Optional<byte[]> jar(String symbolicName, String version) {
        if (plugins == null) {
            return Optional.ofNullable(memoryJars.getOrDefault(symbolicName, Map.of()).get(version));
        }
        Path file = plugins.resolve(symbolicName).resolve(version + ".jar");
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        } catch (IOException e) {
            logger.error("Cannot read the kept jar {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    /** Whether the jar of a version is kept. */
    synchronized boolean hasJar(String symbolicName, String version) {
        if (plugins == null) {
            return memoryJars.getOrDefault(symbolicName, Map.of()).containsKey(version);
        }
        return Files.isRegularFile(plugins.resolve(symbolicName).resolve(version + ".jar"));
    }

    /** The versions whose jars stay: the {@value #KEPT_VERSIONS} most recently run, newest first. */
    synchronized Set<String> keptVersions(String symbolicName) {
        Set<String> versions = new LinkedHashSet<>();
        List<HistoryEntry> entries = histories.getOrDefault(symbolicName, List.of());
        for (int i = entries.size() - 1; i >= 0 && versions.size() < KEPT_VERSIONS; i--) {
            Outcome outcome = entries.get(i).outcome();
            for (String version : new String[] {outcome.toVersion(), outcome.fromVersion()}) {
                if (version != null && versions.size() < KEPT_VERSIONS) {
                    versions.add(version);
                }
            }
        }
        return versions;
    }

    private void save(String symbolicName) {
        if (plugins == null) {
            return;
        }
        try {
            Path folder = Files.createDirectories(plugins.resolve(symbolicName));
            files.write(folder.resolve(HISTORY), symbolicName, histories.get(symbolicName));
        } catch (IOException e) {
            logger.error("Cannot write the history of plugin {} to {}: {}", symbolicName, plugins, e.toString());
        }
    }

    private void prune(String symbolicName) {
        Set<String> kept = keptVersions(symbolicName);
        if (plugins == null) {
            memoryJars.getOrDefault(symbolicName, new HashMap<>()).keySet().retainAll(kept);
            return;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(plugins.resolve(symbolicName), "*.jar")) {
            for (Path jar : jars) {
                String name = jar.getFileName().toString();
                if (!kept.contains(name.substring(0, name.length() - ".jar".length()))) {
                    Files.delete(jar);
                }
            }
        } catch (IOException e) {
            logger.warn("Cannot drop old jars of plugin {}: {}", symbolicName, e.toString());
        }
    }
}
