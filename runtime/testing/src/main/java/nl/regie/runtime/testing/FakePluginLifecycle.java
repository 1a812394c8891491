package nl.regie.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.runtime.spi.lifecycle.HistoryEntry;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.PluginLifecycle;
import nl.regie.runtime.spi.lifecycle.PluginRecord;

/**
 * A {@link PluginLifecycle} for testing the ways in to it: it records each call (with the bytes of the jar it was
 * given), answers with a scripted refusal or outcome when one is queued, and otherwise does the obvious thing to
 * its map of plugins.
 */
public final class FakePluginLifecycle implements PluginLifecycle {

    /** One call. */
    public record Call(String operation, String symbolicName, byte[] jar, String origin) {
    }

    /** What the next call answers instead of the obvious: an exception or an outcome. */
    private final List<Object> script = new CopyOnWriteArrayList<>();
    public final List<Call> calls = new CopyOnWriteArrayList<>();
    public final Map<String, PluginRecord> plugins = new LinkedHashMap<>();
    public final Map<String, List<HistoryEntry>> histories = new ConcurrentHashMap<>();
    /** The symbolic name and version the next install or update finds in its jar. */
    public String jarName = "com.example.swap";
    public String jarVersion = "1.0.0";
    public String jarSha256 = "feed";

    public static final Instant AT = Instant.parse("2026-06-01T10:00:00Z");

    /** The next call throws this refusal. */
    public FakePluginLifecycle refuseNext(LifecycleException.Reason reason, String message) {
        script.add(new LifecycleException(reason, message));
        return this;
    }

    /** The next call answers this outcome (and changes nothing). */
    public FakePluginLifecycle answerNext(Outcome outcome) {
        script.add(outcome);
        return this;
    }

    /** A plugin that runs, healthy. */
    public FakePluginLifecycle running(String symbolicName, String version, long bundleId, String previousVersion) {
        plugins.put(symbolicName, new PluginRecord(symbolicName, version, bundleId, "ACTIVE", true, List.of(),
                previousVersion, false, List.of(), null));
        return this;
    }

    public static Outcome outcome(String name, Outcome.Operation operation, Outcome.Result result, String from, String to,
            String reason, String origin) {
        return new Outcome(name, operation, result, from, to, reason, 12, 0, Duration.ofMillis(35), List.of(), origin, AT);
    }

    @Override
    public synchronized List<PluginRecord> list() {
        return List.copyOf(plugins.values());
    }

    @Override
    public synchronized Optional<PluginRecord> status(String symbolicName) {
        return Optional.ofNullable(plugins.get(symbolicName));
    }

    @Override
    public synchronized Outcome install(Path jar, String origin) throws LifecycleException {
        calls.add(new Call("install", null, bytes(jar), origin));
        Outcome scripted = scripted();
        if (scripted != null) {
            return scripted;
        }
        if (plugins.containsKey(jarName)) {
            throw new LifecycleException(LifecycleException.Reason.ALREADY_INSTALLED, jarName + " is installed already");
        }
        running(jarName, jarVersion, 40 + plugins.size(), null);
        return record(outcome(jarName, Outcome.Operation.INSTALL, Outcome.Result.INSTALLED, null, jarVersion, "", origin),
                jarSha256);
    }

    @Override
    public synchronized Outcome update(String symbolicName, Path jar, String origin) throws LifecycleException {
        calls.add(new Call("update", symbolicName, bytes(jar), origin));
        Outcome scripted = scripted();
        if (scripted != null) {
            return scripted;
        }
        PluginRecord current = known(symbolicName);
        running(symbolicName, jarVersion, current.bundleId(), current.version());
        return record(outcome(symbolicName, Outcome.Operation.UPDATE, Outcome.Result.PROMOTED, current.version(), jarVersion,
                "", origin), jarSha256);
    }

    @Override
    public synchronized Outcome rollback(String symbolicName, String origin) throws LifecycleException {
        calls.add(new Call("rollback", symbolicName, null, origin));
        Outcome scripted = scripted();
        if (scripted != null) {
            return scripted;
        }
        PluginRecord current = known(symbolicName);
        if (current.previousVersion() == null) {
            throw new LifecycleException(LifecycleException.Reason.NO_PREVIOUS_VERSION, symbolicName + " has no earlier version");
        }
        running(symbolicName, current.previousVersion(), current.bundleId(), null);
        return record(outcome(symbolicName, Outcome.Operation.ROLLBACK, Outcome.Result.PROMOTED, current.version(),
                current.previousVersion(), "", origin), "back");
    }

    @Override
    public synchronized Outcome remove(String symbolicName, String origin) throws LifecycleException {
        calls.add(new Call("remove", symbolicName, null, origin));
        Outcome scripted = scripted();
        if (scripted != null) {
            return scripted;
        }
        PluginRecord current = known(symbolicName);
        plugins.remove(symbolicName);
        return record(outcome(symbolicName, Outcome.Operation.REMOVE, Outcome.Result.REMOVED, current.version(), null, "",
                origin), null);
    }

    @Override
    public List<HistoryEntry> history(String symbolicName) {
        return List.copyOf(histories.getOrDefault(symbolicName, List.of()));
    }

    private Outcome record(Outcome outcome, String sha256) {
        histories.computeIfAbsent(outcome.symbolicName(), n -> new CopyOnWriteArrayList<>()).add(new HistoryEntry(outcome, sha256));
        return outcome;
    }

    private PluginRecord known(String symbolicName) throws LifecycleException {
        PluginRecord current = plugins.get(symbolicName);
        if (current == null) {
            throw new LifecycleException(LifecycleException.Reason.UNKNOWN_PLUGIN, "no plugin " + symbolicName + " is installed");
        }
        return current;
    }

    private Outcome scripted() throws LifecycleException {
        if (script.isEmpty()) {
            return null;
        }
        Object next = script.remove(0);
        if (next instanceof LifecycleException e) {
            throw e;
        }
        return (Outcome) next;
    }

    private static byte[] bytes(Path jar) {
        try {
            return Files.readAllBytes(jar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operations called, in order: {@code install}, {@code update com.example.swap}, ... */
    public List<String> operations() {
        List<String> operations = new ArrayList<>();
        for (Call call : calls) {
            operations.add(call.operation() + (call.symbolicName() == null ? "" : " " + call.symbolicName()));
        }
        return operations;
    }
}
