package nl.regie.runtime.core.alert;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.core.persist.StateFolder;
import nl.regie.runtime.spi.alert.AlertBook;
import nl.regie.runtime.spi.alert.AlertFilter;
import nl.regie.runtime.spi.alert.RuntimeAlerts;
import nl.regie.runtime.spi.bus.RuntimeBus;
import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;
import nl.regie.runtime.spi.state.FullCityState;
import nl.regie.runtime.statefiles.StateFiles;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The runtime's alerts, shared by every plugin's {@link BundleAlerts} view and by the HTTP API: keeps them in an
 * {@link AlertStore}, publishes every change on the bus under the raising plugin's name (see {@link AlertReadings}),
 * and logs raises and resolutions. When a plugin is uninstalled (not when it is updated) its active alerts are
 * resolved, so a removed plugin leaves no alert active forever. Runtime-internal: plugins use
 * {@link nl.regie.api.alert.Alerts}. The runtime's own alerts (about itself) are raised as {@link RuntimeAlerts}, under
 * the source {@value RuntimeAlerts#SOURCE}.
 */
@Component(immediate = true, service = {PluginAlerts.class, AlertBook.class, RuntimeAlerts.class, MetricSource.class},
        property = MetricSource.ORDER + ":Integer=50")
public final class AlertService implements PluginAlerts, RuntimeAlerts, MetricSource {

    private final AlertStore store;
    private final RuntimeBus bus;
    private final CityState cityState;
    private final Clock clock;
    private final Logger log;
    private final BundleContext context;
    private final BundleListener uninstalls = this::bundleChanged;
    /** Where the alerts are kept, or null (in memory only). */
    private AlertFiles files;
    /** Makes a change and its readings one step, so two changes of one alert reach the bus in their order. */
    private final Object publishing = new Object();

    /**
     * Loads the alerts kept in {@code <state dir>/alerts}, if there is a state folder (without publishing them: the
     * city state has their readings already), and starts watching for uninstalled plugins.
     */
    @Activate
    public AlertService(@Reference(name = "bus") RuntimeBus bus, @Reference(name = "cityState", service = FullCityState.class) CityState cityState,
            @Reference(name = "logger", service = LoggerFactory.class) Logger log, BundleContext context) {
        this(new AlertStore(), bus, cityState, Clock.systemUTC(), log, context);
        StateFolder.of(context, "alerts").ifPresent(this::keepIn);
        context.addBundleListener(uninstalls);
    }

    /** Keeps the alerts in {@code folder} from now on, after loading what it holds. */
    void keepIn(Path folder) {
        AlertFiles kept = new AlertFiles(store);
        try {
            StateFiles.Recovery recovery = kept.open(folder, StateFolder.log(log));
            if (!recovery.empty()) {
                log.info("Alerts restored from {}: {} active, {} resolved kept, in {} ms", folder, store.active().size(),
                        store.history().size(), recovery.took().toMillis());
            }
            files = kept;
        } catch (IOException e) {
            log.error("The alerts cannot be kept in {}: {}; they are kept in memory only, and a restart loses them",
                    folder, e.toString());
        }
    }

    /** Outside a framework (tests, benchmarks): no bundle listener; {@link #pluginRemoved} stands in for it. */
    public AlertService(AlertStore store, RuntimeBus bus, CityState cityState, Clock clock, Logger log) {
        this(store, bus, cityState, clock, log, null);
    }

    private AlertService(AlertStore store, RuntimeBus bus, CityState cityState, Clock clock, Logger log,
            BundleContext context) {
        this.store = store;
        this.bus = bus;
        this.cityState = cityState;
        this.clock = clock;
        this.log = log;
        this.context = context;
    }

    @Deactivate
    void deactivate() {
        if (context != null) {
            context.removeBundleListener(uninstalls);
        }
        if (files != null) {
            files.close();
        }
    }

    /**
     * Raises or updates an alert for a plugin; see {@link nl.regie.api.alert.Alerts#raise}.
     *
     * @throws IllegalStateException when another plugin has an active alert with the key
     */
    @Override
    public Alert raise(String source, AlertRequest request) {
        Location location = request.location() != null ? request.location() : locationOf(request.about());
        AlertStore.Change change;
        synchronized (publishing) {
            change = store.raise(source, request, location);
            publish(change);
        }
        Alert alert = change.alert();
        if (change.kind() == AlertStore.Kind.RAISED) {
            log.info("Alert {} raised by {}: {} {}{}: {}", alert.key(), source, alert.severity().modelName(),
                    alert.category(), alert.subCategory().isEmpty() ? "" : "/" + alert.subCategory(), alert.description());
        } else if (change.kind() == AlertStore.Kind.UPDATED && change.previous().severity() != alert.severity()) {
            log.info("Alert {} of {} is now {} (was {}): {}", alert.key(), source, alert.severity().modelName(),
                    change.previous().severity().modelName(), alert.description());
        } else if (change.kind() == AlertStore.Kind.UPDATED) {
            log.debug("Alert {} updated by {}: {}", alert.key(), source, alert.description());
        }
        return alert;
    }

    /** Raises or updates an alert of the runtime's own, under {@value RuntimeAlerts#SOURCE}. */
    @Override
    public Alert raise(AlertRequest request) {
        return raise(SOURCE, request);
    }

    /** Resolves an alert of the runtime's own. */
    @Override
    public Optional<Alert> resolve(String key, Instant at) {
        return resolve(SOURCE, key, at);
    }

    /** Resolves a plugin's active alert; see {@link nl.regie.api.alert.Alerts#resolve}. */
    @Override
    public Optional<Alert> resolve(String source, String key, Instant at) {
        Optional<AlertStore.Change> change;
        synchronized (publishing) {
            change = store.resolve(source, key, at);
            change.ifPresent(this::publish);
        }
        change.ifPresent(c -> log.info("Alert {} resolved by {}: {}", key, source, c.alert().description()));
        return change.map(AlertStore.Change::alert);
    }

    /** Every active alert, most severe first, then newest first. */
    @Override
    public List<Alert> active() {
        return store.active();
    }

    /** The active alert with a key, else the most recently resolved one still kept. */
    @Override
    public Optional<Alert> find(String key) {
        return store.find(key);
    }

    /** One page of the alerts that match a filter; see {@link AlertStore#query}. */
    @Override
    public AlertBook.Page query(AlertFilter filter, int offset, int limit) {
        return store.query(filter, offset, limit);
    }

    /** Resolves every active alert of a plugin that has been removed, each as of its last update. */
    void pluginRemoved(String symbolicName) {
        List<AlertStore.Change> changes;
        synchronized (publishing) {
            changes = store.resolveAll(symbolicName);
            changes.forEach(this::publish);
        }
        if (!changes.isEmpty()) {
            log.info("Plugin {} was uninstalled; resolved its {} active alert(s): {}", symbolicName, changes.size(),
                    changes.stream().map(c -> c.alert().key()).collect(Collectors.joining(", ")));
        }
    }

    private void bundleChanged(BundleEvent event) {
        // An update keeps the bundle (and its alerts, which the new revision raises again unchanged); only an
        // uninstall removes the plugin for good.
        if (event.getType() != BundleEvent.UNINSTALLED) {
            return;
        }
        Bundle removed = event.getBundle();
        String name = removed.getSymbolicName();
        if (name == null || anotherBundleNamed(name, removed.getBundleId())) {
            return;
        }
        try {
            pluginRemoved(name);
        } catch (RuntimeException e) {
            log.error("Could not resolve the alerts of uninstalled plugin {}", name, e);
        }
    }

    /** Whether another installed bundle has the name: alerts belong to a symbolic name, not to one bundle. */
    private boolean anotherBundleNamed(String symbolicName, long bundleId) {
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getBundleId() != bundleId && bundle.getState() != Bundle.UNINSTALLED
                    && symbolicName.equals(bundle.getSymbolicName())) {
                return true;
            }
        }
        return false;
    }

    private Location locationOf(EntityId about) {
        return about == null ? null : cityState.entity(about).map(EntityState::location).orElse(null);
    }

    private void publish(AlertStore.Change change) {
        if (change.changed()) {
            Alert alert = change.alert();
            AlertReadings.of(alert, clock.instant()).forEach(reading -> bus.publish(alert.source(), reading));
        }
    }

    /** Writes {@code regie_alerts_active}: active alerts by category, at most {@value MetricWriter#MAX_LABEL_VALUES}. */
    @Override
    public void collect(MetricWriter out) {
        Map<String, Long> byCategory = new TreeMap<>();
        for (Alert alert : active()) {
            String category = alert.category();
            if (!byCategory.containsKey(category) && byCategory.size() >= MetricWriter.MAX_LABEL_VALUES) {
                category = "other";
            }
            byCategory.merge(category, 1L, Long::sum);
        }
        MetricWriter.Family family = out.gauge("regie_alerts_active", "Active alerts, by category.");
        byCategory.forEach((category, count) -> family.sample(count, "category", category));
        if (byCategory.isEmpty()) {
            family.sample(0);
        }
    }
}
