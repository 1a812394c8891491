package nl.regie.runtime.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import nl.regie.runtime.spi.config.ConfigFiles.FileStatus;
import nl.regie.runtime.spi.config.ConfigFiles.State;

import org.osgi.service.log.Logger;

/**
 * The configuration folder's logic, one {@link #poll()} at a time from one thread: which {@code <pid>.cfg} files
 * came, changed or went, and what to do about each.
 *
 * <ul>
 * <li>A new or changed file is handled once its content is the same at two polls in a row (it may be being
 * written), except at the first poll, which takes the folder as it is.</li>
 * <li>Its values are checked against the PID's metatype ({@link ConfigValues}); valid values are applied, and the
 * configuration is marked as the file's (see {@link Store}). Any problem refuses the whole file and leaves
 * ConfigAdmin alone.</li>
 * <li>A file whose PID no installed plugin declares is pending, and so is checked again at every poll, as is a
 * refused file (a plugin update may bring the key it lacked). Only a change in outcome is logged again.</li>
 * <li>A deleted file deletes the configurations marked as its own; so does, at the first poll, a marked
 * configuration whose file is no longer there (removed while the runtime was down).</li>
 * <li>A configuration applied from a file and changed since some other way (through ConfigurationAdmin) is put back
 * as the file says when {@link #guard} is asked about its PID, and at every poll (see {@link ConfigGuard}); its
 * status says {@code changed}, never {@code applied}, for as long as ConfigAdmin holds anything else.</li>
 * </ul>
 */
final class ConfigFolder {

    /** Finds the attributes of a PID's metatype, in any installed bundle. */
    interface Schemas {
        /** The PID's metatype, or empty when no bundle declares the PID. */
        Optional<Schema> find(String pid);
    }

    /** Where valid configurations go: ConfigAdmin, in the runtime. */
    interface Store {
        /**
         * Sets the PID's configuration to these values, marked as owned by {@code owner}.
         *
         * @return whether anything changed
         */
        boolean apply(String pid, String owner, Map<String, Object> values) throws IOException;

        /** Deletes the configurations owned by {@code owner}; returns their PIDs. */
        List<String> deleteOwnedBy(String owner) throws IOException;

        /** The owners of all marked configurations. */
        Set<String> owners() throws IOException;

        /**
         * What is not as the folder applied it: the PID's configuration with exactly these values, marked as owned by
         * {@code owner}, for every bundle. Names the keys only, never their values (they may be secrets).
         *
         * @return null when it is as applied; else what differs, such as {@code "grants changed, tokens added"}
         */
        String difference(String pid, String owner, Map<String, Object> values) throws IOException;

        /** Sets the PID's configuration to these values, marked as owned by {@code owner}, for every bundle. */
        void putBack(String pid, String owner, Map<String, Object> values) throws IOException;

        /** Deletes the PID's configuration, if there is one; returns whether there was. */
        boolean deleteUnowned(String pid) throws IOException;
    }

    private final Path dir;
    private final Path workingDir;
    private final Schemas schemas;
    private final Store store;
    private final Logger log;
    private final Clock clock;
    private final ConfigGuard guard;
    private final Map<Path, Tracked> tracked = new HashMap<>();
    private Map<Path, byte[]> previousPoll = Map.of();
    private boolean first = true;
    /** Set when a bundle was uninstalled: the next poll checks that each applied file's PID still has a plugin. */
    private final AtomicBoolean bundlesLeft = new AtomicBoolean();
    private String lastListingProblem;
    private volatile List<Snapshot> statuses = List.of();

    /** A file's status as the last poll left it, with what it applied: checked against ConfigAdmin when read. */
    private record Snapshot(FileStatus status, String owner, Map<String, Object> applied) {
    }

    /** One file as last handled. */
    private static final class Tracked {
        final Path file;
        final String pid;
        byte[] content;
        CfgFile parsed;
        State state;
        String message;
        Instant since;
        Instant appliedAt;
        /** What the folder last applied from it (the running configuration), or null if nothing yet. */
        Map<String, Object> applied;

        Tracked(Path file, String pid) {
            this.file = file;
            this.pid = pid;
        }
    }

    /**
     * The folder {@code dir} (absolute), whose files are named relative to {@code workingDir} in messages when they
     * are below it.
     */
    ConfigFolder(Path dir, Path workingDir, Schemas schemas, Store store, Logger log, Clock clock) {
        this(dir, workingDir, schemas, store, log, clock, NO_ALARM);
    }

    /** A folder that tells {@code alarm} of each configuration changed behind its back and put back. */
    ConfigFolder(Path dir, Path workingDir, Schemas schemas, Store store, Logger log, Clock clock,
            ConfigGuard.Alarm alarm) {
        this.dir = dir;
        this.workingDir = workingDir;
        this.schemas = schemas;
        this.store = store;
        this.log = log;
        this.clock = clock;
        this.guard = new ConfigGuard(store, alarm, log, clock);
    }

    private static final ConfigGuard.Alarm NO_ALARM = new ConfigGuard.Alarm() {
        @Override
        public void changed(String pid, String detail) {
            // logged by the guard
        }

        @Override
        public void resolved(String pid) {
            // nothing raised
        }
    };

    /**
     * Every file's status, by PID. Safe from any thread. An applied file whose configuration ConfigAdmin no longer
     * holds as the folder applied it is {@code changed}, whatever the last poll said.
     */
    List<FileStatus> statuses() {
        return statuses.stream().map(this::checked).toList();
    }

    private FileStatus checked(Snapshot snapshot) {
        FileStatus status = snapshot.status();
        if (status.state() != State.APPLIED) {
            return status;
        }
        String difference;
        try {
            difference = store.difference(status.pid(), snapshot.owner(), snapshot.applied());
        } catch (IOException | RuntimeException e) {
            difference = "ConfigAdmin could not be read: " + e.getMessage();
        }
        return difference == null ? status : new FileStatus(status.pid(), status.file(), State.CHANGED,
                "ConfigAdmin holds other values than the file (" + difference + "): changed through ConfigurationAdmin;"
                        + " the folder is putting the file's values back", clock.instant(), status.appliedAt());
    }

    /**
     * Checks the configuration of one PID after ConfigAdmin reported a change to it: put back as its file says if the
     * folder applied one, deleted if it is one only a file may set and none did. Call it on the folder's thread.
     */
    void guard(String pid) {
        for (Tracked t : tracked.values()) {
            if (t.pid.equals(pid) && t.applied != null) {
                keep(t);
                return;
            }
        }
        guard.keepUnset(pid);
    }

    /** Changes put back so far, per PID. */
    Map<String, Long> putBack() {
        return guard.putBack();
    }

    /** Tells the folder a bundle was uninstalled: the next poll finds the applied files whose plugin went with it. */
    void bundleUninstalled() {
        bundlesLeft.set(true);
    }

    /** Reads the folder once and acts on what changed. */
    void poll() {
        if (bundlesLeft.getAndSet(false)) {
            orphaned();
        }
        Map<Path, byte[]> now = read();
        if (now == null) {
            return;
        }
        if (first) {
            removeOrphans(now.keySet());
        }
        for (Path gone : new ArrayList<>(tracked.keySet())) {
            if (!now.containsKey(gone)) {
                deleted(tracked.remove(gone));
            }
        }
        for (Map.Entry<Path, byte[]> entry : now.entrySet()) {
            Path file = entry.getKey();
            byte[] content = entry.getValue();
            Tracked t = tracked.get(file);
            if (content == null) {
                continue; // unreadable this time: keep what was there
            }
            boolean changed = t == null || !Arrays.equals(t.content, content);
            if (changed && (first || Arrays.equals(previousPoll.get(file), content))) {
                if (t == null) {
                    t = new Tracked(file, CfgFile.pidOf(file.getFileName().toString()));
                    tracked.put(file, t);
                }
                handle(t, content);
            } else if (!changed && t.parsed != null && t.state != State.APPLIED) {
                evaluate(t, false);
            }
        }
        previousPoll = now;
        first = false;
        guardAll();
        publish();
    }

    /**
     * An applied file whose PID no installed bundle declares any more (its plugin was removed) is pending again: its
     * values stay in ConfigAdmin, and are applied, checked against the metatype, when a plugin declaring it comes back.
     */
    private void orphaned() {
        for (Tracked t : tracked.values()) {
            if (t.state != State.APPLIED) {
                continue;
            }
            boolean declared;
            try {
                declared = schemas.find(t.pid).isPresent();
            } catch (RuntimeException e) {
                continue; // the metatype could not be read now: the state stays as it was
            }
            if (!declared) {
                log.info("Configuration file {} is waiting for a plugin that declares PID {}: the plugin that did was"
                        + " removed", shown(t.file), t.pid);
                set(t, State.PENDING, "waiting for a plugin that declares PID " + t.pid);
            }
        }
    }

    /**
     * Checks every configuration the folder owns, as {@link #guard} does one: whatever a ConfigAdmin event may have
     * told too early (before the change was stored) or not at all, the next poll puts right.
     */
    private void guardAll() {
        Set<String> owned = new HashSet<>();
        for (Tracked t : tracked.values()) {
            if (t.applied != null) {
                owned.add(t.pid);
                keep(t);
            }
        }
        for (String pid : ConfigGuard.FILE_ONLY) {
            if (!owned.contains(pid)) {
                guard.keepUnset(pid);
            }
        }
    }

    private void keep(Tracked t) {
        if (guard.keep(t.pid, owner(t.file), shown(t.file), t.applied) && t.state == State.APPLIED) {
            t.message = "applied (put back at " + clock.instant() + " after a change through ConfigurationAdmin)";
            publish();
        }
    }

    private void publish() {
        statuses = tracked.values().stream()
                .sorted(Comparator.comparing((Tracked t) -> t.pid))
                .map(t -> new Snapshot(new FileStatus(t.pid, shown(t.file), t.state, t.message, t.since, t.appliedAt),
                        owner(t.file), t.applied))
                .toList();
    }

    /** Each {@code .cfg} file and its content (null when it cannot be read now); null when the folder cannot be listed. */
    private Map<Path, byte[]> read() {
        Map<Path, byte[]> files = new LinkedHashMap<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
            for (Path file : listing) {
                if (CfgFile.pidOf(file.getFileName().toString()) != null && Files.isRegularFile(file)) {
                    files.put(file, content(file));
                }
            }
        } catch (NoSuchFileException e) {
            return files; // not there yet: no files
        } catch (IOException | RuntimeException e) {
            String problem = e instanceof NotDirectoryException ? "it is not a folder" : e.toString();
            if (!problem.equals(lastListingProblem)) {
                log.warn("Cannot read the configuration folder {}: {}; configurations stay as they are", dir, problem);
                lastListingProblem = problem;
            }
            return null;
        }
        lastListingProblem = null;
        return files;
    }

    private byte[] content(Path file) {
        try {
            if (Files.size(file) > CfgFile.MAX_BYTES) {
                return new byte[CfgFile.MAX_BYTES + 1]; // refused as too large, without reading it
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }

    private void handle(Tracked t, byte[] content) {
        t.content = content;
        try {
            t.parsed = CfgFile.parse(content);
        } catch (CfgFile.MalformedException e) {
            t.parsed = null;
            refuse(t, List.of(e.getMessage()), true);
            return;
        }
        evaluate(t, true);
    }

    /** Checks a parsed file against its PID's metatype and applies it; logs when asked to or when the outcome changed. */
    private void evaluate(Tracked t, boolean fresh) {
        Optional<Schema> schema;
        try {
            schema = schemas.find(t.pid);
        } catch (RuntimeException e) {
            log.warn("Cannot look up the metatype of {}: {}", t.pid, e.toString());
            return;
        }
        if (schema.isEmpty()) {
            if (t.state != State.PENDING) {
                log.info("Configuration file {} is waiting for a plugin that declares PID {}", shown(t.file), t.pid);
            }
            set(t, State.PENDING, "waiting for a plugin that declares PID " + t.pid);
            return;
        }
        ConfigValues values;
        try {
            values = ConfigValues.convert(schema.get(), t.parsed.values());
        } catch (RuntimeException e) {
            // A metatype this check does not understand must not stop the folder: the file is refused, naming why.
            refuse(t, List.of("it cannot be checked against the metatype of " + t.pid + ": " + e), fresh);
            return;
        }
        if (!values.valid()) {
            refuse(t, values.problems(), fresh);
            return;
        }
        boolean changed;
        try {
            changed = store.apply(t.pid, owner(t.file), values.values());
        } catch (IOException | RuntimeException e) {
            refuse(t, List.of("ConfigAdmin could not store it: " + e.getMessage()), fresh);
            return;
        }
        t.applied = Map.copyOf(values.values());
        if (changed) {
            guard.operatorActed(t.pid);
        }
        log.info("Configuration {} applied from {}", t.pid, shown(t.file));
        set(t, State.APPLIED, "applied");
        t.appliedAt = t.since;
    }

    private void refuse(Tracked t, List<String> problems, boolean fresh) {
        String message = String.join("; ", problems);
        if (fresh || t.state != State.REFUSED || !message.equals(t.message)) {
            log.error("Configuration file {} refused: {}; the running configuration is unchanged", shown(t.file), message);
        }
        set(t, State.REFUSED, message);
    }

    private void set(Tracked t, State state, String message) {
        if (state != t.state || !message.equals(t.message) || state == State.APPLIED) {
            t.since = clock.instant();
        }
        t.state = state;
        t.message = message;
    }

    private void deleted(Tracked t) {
        guard.operatorActed(t.pid);
        try {
            List<String> pids = store.deleteOwnedBy(owner(t.file));
            for (String pid : pids) {
                log.info("Configuration {} deleted with its file {}; its plugin is back on its defaults", pid, shown(t.file));
            }
            if (pids.isEmpty()) {
                log.debug("Configuration file {} removed; it had not been applied", shown(t.file));
            }
        } catch (IOException | RuntimeException e) {
            log.error("Configuration file {} was removed, but its configuration could not be deleted: {}", shown(t.file),
                    e.toString());
        }
    }

    /** Deletes the marked configurations whose file is not in the folder now. */
    private void removeOrphans(Set<Path> files) {
        try {
            Set<String> present = new HashSet<>();
            files.forEach(f -> present.add(owner(f)));
            for (String owner : store.owners()) {
                if (!present.contains(owner)) {
                    for (String pid : store.deleteOwnedBy(owner)) {
                        log.info("Configuration {} deleted: its file {} is gone; its plugin is back on its defaults", pid,
                                shown(Path.of(owner)));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.error("Cannot check for configurations whose file was removed: {}", e.toString());
        }
    }

    /** The value of the mark on the configurations a file owns: its absolute, normalised path. */
    static String owner(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }

    private String shown(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(workingDir) ? workingDir.relativize(absolute).toString() : absolute.toString();
    }
}
