package nl.regie.runtime.lifecycle.shell;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import nl.regie.runtime.lifecycle.folder.JarIdentity;
import nl.regie.runtime.lifecycle.folder.OutcomeText;
import nl.regie.runtime.spi.lifecycle.HistoryEntry;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.PluginLifecycle;
import nl.regie.runtime.spi.lifecycle.PluginRecord;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The plugin lifecycle in the Gogo shell the launcher ships: {@code regie:list}, {@code regie:status <name>},
 * {@code regie:history <name>}, {@code regie:install <jar>}, {@code regie:update [<name>] <jar>},
 * {@code regie:rollback <name>} and {@code regie:remove <name>}. Gogo finds the commands by the service properties
 * {@code osgi.command.scope} and {@code osgi.command.function} and calls these plain methods by name, so there is no
 * compile-time dependency on Gogo; each returns the text Gogo prints: a table, the outcome's line, or the refusal.
 * Paths are taken from the launcher's working directory.
 */
@Component(service = PluginShell.class, property = {
    "osgi.command.scope=regie",
    "osgi.command.function=list",
    "osgi.command.function=status",
    "osgi.command.function=history",
    "osgi.command.function=install",
    "osgi.command.function=update",
    "osgi.command.function=rollback",
    "osgi.command.function=remove"})
public final class PluginCommands implements PluginShell {

    /** The origin the lifecycle records for operations from here. */
    static final String ORIGIN = "shell";

    private final PluginLifecycle lifecycle;
    private final Path workingDir;

    /** Commands on the given lifecycle, with paths from the working directory. */
    @Activate
    public PluginCommands(@Reference PluginLifecycle lifecycle) {
        this(lifecycle, Path.of("").toAbsolutePath());
    }

    PluginCommands(PluginLifecycle lifecycle, Path workingDir) {
        this.lifecycle = lifecycle;
        this.workingDir = workingDir;
    }

    /** Every plugin, one line each. */
    @Override
    public String list() {
        List<PluginRecord> plugins = lifecycle.list();
        if (plugins.isEmpty()) {
            return "No plugins installed.";
        }
        TextTable table = new TextTable("PLUGIN", "VERSION", "BUNDLE", "STATE", "HEALTHY", "PREVIOUS", "LAST OPERATION");
        for (PluginRecord p : plugins) {
            Outcome last = p.lastOutcome();
            table.row(p.symbolicName(), p.version(), Long.toString(p.bundleId()), p.state() + (p.busy() ? " (busy)" : ""),
                    (p.healthy() ? "yes" : "no") + (p.leaks() == null || p.leaks().isEmpty() ? "" : ", leaks"),
                    p.previousVersion() == null ? "-" : p.previousVersion(),
                    last == null ? "-" : last.operation() + " " + last.result() + " " + seconds(last.at()) + " (" + last.origin() + ")");
        }
        return table.toString().stripTrailing();
    }

    /** One plugin in detail. */
    @Override
    public String status(String symbolicName) {
        Optional<PluginRecord> found = lifecycle.status(symbolicName);
        if (found.isEmpty()) {
            return "No plugin " + symbolicName + " is installed"
                    + (lifecycle.history(symbolicName).isEmpty() ? "." : " (it was removed; see regie:history " + symbolicName + ").");
        }
        PluginRecord p = found.get();
        StringBuilder text = new StringBuilder(p.symbolicName() + " " + p.version() + " (bundle " + p.bundleId() + "): "
                + p.state() + ", " + (p.healthy() ? "healthy" : "not healthy") + (p.busy() ? ", an operation is under way" : ""));
        text.append("\n  previous version: ").append(p.previousVersion() == null ? "none" : p.previousVersion());
        if (p.problems() != null) {
            p.problems().forEach(problem -> text.append("\n  problem: ").append(problem));
        }
        if (p.leaks() != null) {
            p.leaks().forEach(leak -> text.append("\n  leak: ").append(leak));
        }
        if (p.lastOutcome() != null) {
            text.append("\n  last: ").append(OutcomeText.line(p.lastOutcome())).append(" (").append(p.lastOutcome().origin())
                    .append(", ").append(seconds(p.lastOutcome().at())).append(')');
        }
        return text.toString();
    }

    /** A plugin's history, oldest first. */
    @Override
    public String history(String symbolicName) {
        List<HistoryEntry> history = lifecycle.history(symbolicName);
        if (history.isEmpty()) {
            return "No history for " + symbolicName + ": it was never installed.";
        }
        TextTable table = new TextTable("AT", "OPERATION", "RESULT", "FROM", "TO", "ORIGIN", "SHA-256", "REASON");
        for (HistoryEntry entry : history) {
            Outcome o = entry.outcome();
            table.row(seconds(o.at()), o.operation().name(), o.result().name(), orDash(o.fromVersion()),
                    orDash(o.toVersion()), o.origin(), entry.sha256() == null ? "-" : abbreviate(entry.sha256()),
                    o.reason() == null || o.reason().isEmpty() ? "" : o.reason());
        }
        return table.toString().stripTrailing();
    }

    /** Installs the plugin in the jar. */
    @Override
    public String install(String jar) {
        return jar(jar).map(path -> run(() -> lifecycle.install(path, ORIGIN))).orElseGet(() -> noSuchJar(jar));
    }

    /** Updates the plugin the jar's manifest names. */
    @Override
    public String update(String jar) {
        Optional<Path> path = jar(jar);
        if (path.isEmpty()) {
            return noSuchJar(jar);
        }
        JarIdentity.Result identity = JarIdentity.read(path.get());
        if (identity.identity().isEmpty()) {
            return path.get() + " refused (NOT_A_BUNDLE): " + identity.why();
        }
        return update(identity.identity().get().symbolicName(), jar);
    }

    /** Updates the plugin with the version in the jar. */
    @Override
    public String update(String symbolicName, String jar) {
        return jar(jar).map(path -> run(() -> lifecycle.update(symbolicName, path, ORIGIN))).orElseGet(() -> noSuchJar(jar));
    }

    /** Goes back to the plugin's previous version. */
    @Override
    public String rollback(String symbolicName) {
        return run(() -> lifecycle.rollback(symbolicName, ORIGIN));
    }

    /** Removes the plugin. */
    @Override
    public String remove(String symbolicName) {
        return run(() -> lifecycle.remove(symbolicName, ORIGIN));
    }

    private String run(Operation operation) {
        try {
            return OutcomeText.line(operation.run());
        } catch (LifecycleException e) {
            return OutcomeText.refusal(e);
        }
    }

    private Optional<Path> jar(String name) {
        try {
            Path path = workingDir.resolve(name).normalize();
            return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private String noSuchJar(String name) {
        return "No such file: " + name + " (relative paths are taken from " + workingDir + ")";
    }

    /** An instant to the second: the lifecycle records nanoseconds, more than a reader needs. */
    private static String seconds(Instant at) {
        return at == null ? "-" : at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }

    private static String abbreviate(String sha256) {
        return sha256.length() > 12 ? sha256.substring(0, 12) : sha256;
    }

    /** An operation on the lifecycle. */
    @FunctionalInterface
    private interface Operation {
        Outcome run() throws LifecycleException;
    }
}
