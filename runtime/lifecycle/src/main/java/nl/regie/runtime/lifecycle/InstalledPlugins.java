package nl.regie.runtime.lifecycle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import nl.regie.runtime.lifecycle.HealthGate.Health;
import nl.regie.runtime.spi.lifecycle.HistoryEntry;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.Outcome.Operation;
import nl.regie.runtime.spi.lifecycle.PluginBundles;
import nl.regie.runtime.spi.lifecycle.PluginRecord;
import nl.regie.runtime.spi.lifecycle.RuntimeBundles;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The plugins installed now, as the lifecycle reports them ({@link PluginRecord}), and the jar each runs.
 */
final class InstalledPlugins {

    /** How many leak findings a plugin's record shows. */
    static final int RECORD_LEAKS = 10;

    private final BundleContext context;
    private final PluginStore store;
    private final HealthGate gate;
    private final PluginLocks locks;

    InstalledPlugins(BundleContext context, PluginStore store, HealthGate gate, PluginLocks locks) {
        this.context = context;
        this.store = store;
        this.gate = gate;
        this.locks = locks;
    }

    /** Every plugin bundle, by symbolic name. */
    List<Bundle> bundles() {
        RuntimeBundles runtime = RuntimeBundles.of(context);
        return Arrays.stream(context.getBundles())
                .filter(bundle -> PluginBundles.isPlugin(bundle, runtime))
                .sorted(Comparator.comparing(Bundle::getSymbolicName).thenComparing(Bundle::getBundleId))
                .toList();
    }

    /** The plugin bundle with this symbolic name. */
    Optional<Bundle> bundle(String symbolicName) {
        return bundles().stream().filter(bundle -> bundle.getSymbolicName().equals(symbolicName)).findFirst();
    }

    /**
     * The plugin bundle with this symbolic name.
     *
     * @throws LifecycleException UNKNOWN_PLUGIN, naming the plugins there are
     */
    Bundle require(String symbolicName, String what) throws LifecycleException {
        return bundle(symbolicName).orElseThrow(() -> {
            List<String> installed = bundles().stream().map(Bundle::getSymbolicName).toList();
            return new LifecycleException(Reason.UNKNOWN_PLUGIN, what + ": no plugin " + symbolicName + " is installed ("
                    + (installed.isEmpty() ? "no plugins are" : "installed: " + String.join(", ", installed)) + ")");
        });
    }

    /**
     * Checks that no bundle (plugin or not) has this symbolic name.
     *
     * @throws LifecycleException ALREADY_INSTALLED, naming the version installed
     */
    void requireAbsent(String symbolicName, String what) throws LifecycleException {
        Optional<Bundle> installed = Arrays.stream(context.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()) && !PluginBundles.isCandidate(b))
                .findFirst();
        if (installed.isPresent()) {
            throw new LifecycleException(Reason.ALREADY_INSTALLED, what + ": " + symbolicName + " "
                    + installed.get().getVersion() + " is installed already (bundle " + installed.get().getBundleId()
                    + "); update it instead");
        }
    }

    /** What the lifecycle knows about an installed plugin. */
    PluginRecord record(Bundle bundle) {
        String symbolicName = bundle.getSymbolicName();
        String version = bundle.getVersion().toString();
        Health health = gate.now(bundle);
        String previous = store.previousVersion(symbolicName, version)
                .filter(v -> store.hasJar(symbolicName, v)).orElse(null);
        List<HistoryEntry> history = store.history(symbolicName);
        // What its versions since it was last installed left behind, newest first.
        List<String> leaks = new ArrayList<>();
        for (int i = history.size() - 1; i >= 0 && leaks.size() < RECORD_LEAKS; i--) {
            Outcome outcome = history.get(i).outcome();
            outcome.leaks().stream().filter(leak -> !leaks.contains(leak)).forEach(leaks::add);
            if (outcome.operation() == Operation.INSTALL) {
                break;
            }
        }
        Outcome last = history.isEmpty() ? null : history.get(history.size() - 1).outcome();
        return new PluginRecord(symbolicName, version, bundle.getBundleId(), PluginBundles.stateName(bundle.getState()),
                health.healthy(), health.problems(), previous, locks.busy(symbolicName),
                List.copyOf(leaks.subList(0, Math.min(RECORD_LEAKS, leaks.size()))), last);
    }

    /**
     * The jar that runs now, kept so it can be restored: the one this lifecycle installed, if the bundle has not
     * changed since, else rebuilt from the bundle's entries (a plugin installed another way, or changed behind
     * the lifecycle's back).
     */
    PluginJar runningJar(Bundle bundle) throws LifecycleException {
        String symbolicName = bundle.getSymbolicName();
        String version = bundle.getVersion().toString();
        Optional<HistoryEntry> last = store.last(symbolicName);
        boolean unchanged = last.isPresent() && version.equals(last.get().outcome().toVersion())
                && bundle.getLastModified() <= last.get().outcome().at().toEpochMilli();
        Optional<byte[]> kept = unchanged ? store.jar(symbolicName, version) : Optional.empty();
        byte[] jar = kept.orElseGet(() -> Jars.snapshot(bundle));
        if (kept.isEmpty()) {
            store.keepJar(symbolicName, version, jar);
        }
        return JarInspector.check(jar, "the running jar of " + symbolicName + " " + version + " ",
                "Cannot keep " + symbolicName);
    }
}
