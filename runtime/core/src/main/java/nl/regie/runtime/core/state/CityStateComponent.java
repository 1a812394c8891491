package nl.regie.runtime.core.state;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.Deletion;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.core.persist.StateFolder;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.RuntimeBus;
import nl.regie.runtime.spi.lifecycle.PluginBundles;
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
 * The city state service, fed from the bus: it subscribes to every topic, as the runtime bundle and with a
 * larger queue than a plugin gets, and keeps the latest value of every attribute. Registered as
 * {@link FullCityState}; every bundle's {@link CityState} is a {@link BundleCityState} over it.
 *
 * <p>A source that replaces its own value with an older-dated one (its clock stepped back, see {@link EntityStore})
 * is counted and logged once per source, so a plugin that mixes clocks is named.
 *
 * <p>With a state folder (the framework property {@code regie.state.dir}) the city state outlives a restart, a
 * {@code kill -9} included: it is loaded from {@code <state dir>/city} before the component subscribes, and every
 * reading that changes it is journaled there ({@link CityStateFiles}). What is loaded is not published on the bus:
 * plugins see only readings that arrive after the start.
 */
@Component(immediate = true, service = {FullCityState.class, MetricSource.class},
        property = MetricSource.ORDER + ":Integer=20")
public class CityStateComponent implements FullCityState, MetricSource {

    /** Sources named in the log for a clock step; beyond this many, steps are only counted. */
    static final int LOGGED_SOURCES = 1_000;

    private final EntityStore store;
    private final CityStateFiles files;
    /** Makes a change and its journal record one step, and keeps stale marks and readings from crossing. */
    private final Object changes;
    private final Subscription subscription;
    private final Logger log;
    private final LongAdder clockSteps = new LongAdder();
    private final Set<String> loggedSources = ConcurrentHashMap.newKeySet();
    private final Set<String> removedPlugins = ConcurrentHashMap.newKeySet();
    private final BundleContext context;
    private final String owner;
    private final BundleListener removals = this::bundleChanged;
    /** While the state folder is read: a source's clock steps then were counted when they first happened. */
    private volatile boolean restoring;

    /**
     * Readings the city state can have waiting: ten times a plugin's default, so that the picture rides out a
     * burst such as a reconnected broker delivering its backlog (about 1.6 MB of queue when full).
     */
    static final int QUEUE_CAPACITY = 100_000;

    /** Loads the city state from the state folder, if there is one, and subscribes to all readings, as the runtime. */
    @Activate
    public CityStateComponent(@Reference RuntimeBus bus, BundleContext context,
            @Reference(service = LoggerFactory.class) Logger log) {
        this(bus, Owner.of(context.getBundle()), StateFolder.of(context, "city").orElse(null), log, context);
        context.addBundleListener(removals);
    }

    /** Subscribes to all readings on behalf of {@code owner}, in memory only, counting clock steps without logging them. */
    public CityStateComponent(RuntimeBus bus, Owner owner) {
        this(bus, owner, null, null);
    }

    /**
     * Loads the city state kept in {@code folder} (if not null), then subscribes to all readings on behalf of
     * {@code owner} and keeps them there; outside a framework, as in the ingest and recovery benchmarks.
     *
     * @param log where clock steps and what was found in the folder are reported, or {@code null} to only count steps
     * <p>A damaged file is logged and what can be loaded is; a folder that cannot be made or listed is logged, and the
     * city state is kept in memory only.
     */
    public CityStateComponent(RuntimeBus bus, Owner owner, Path folder, Logger log) {
        this(bus, owner, folder, log, null);
    }

    private CityStateComponent(RuntimeBus bus, Owner owner, Path folder, Logger log, BundleContext context) {
        this.log = log;
        this.context = context;
        this.owner = owner.symbolicName();
        this.store = new EntityStore(this::steppedBack);
        if (folder == null) {
            files = null;
            changes = new Object();
            subscription = bus.subscribe(owner, List.of("#"), feed(), QUEUE_CAPACITY);
            return;
        }
        CityStateFiles kept = new CityStateFiles(store);
        restoring = true;
        try {
            StateFiles.Recovery recovery = kept.open(folder, log == null ? (level, message) -> { }
                    : StateFolder.log(log));
            if (log != null && !recovery.empty()) {
                log.info("City state restored from {}: {} entities ({} from snapshot {}, {} journal records) in {} ms",
                        folder, store.size(), recovery.snapshotRecords(), recovery.snapshot(), recovery.journalRecords(),
                        recovery.took().toMillis());
            }
        } catch (IOException e) {
            // The folder cannot be made or listed (permissions, a file in its place): say so, and run in memory.
            if (log != null) {
                log.error("The city state cannot be kept in {}: {}; it is kept in memory only, and a restart loses"
                        + " it", folder, e.toString());
            }
            kept = null;
        } finally {
            restoring = false;
        }
        files = kept;
        changes = files == null ? new Object() : files.lock();
        subscription = bus.subscribe(owner, List.of("#"), feed(), QUEUE_CAPACITY);
    }

    /** What the city state's subscription calls: readings are applied, deletions drop what their source published. */
    private ReadingListener feed() {
        return new ReadingListener() {
            @Override
            public void onReading(Reading reading) {
                apply(reading);
            }

            @Override
            public void onDelete(Deletion deletion) {
                delete(deletion);
            }
        };
    }

    /** Drops what the deletion's source published of the entity, or of the attribute; journaled when it dropped any. */
    void delete(Deletion deletion) {
        List<String> dropped;
        synchronized (changes) {
            dropped = store.delete(deletion.entity(), deletion.attribute(), deletion.source());
            if (!dropped.isEmpty() && files != null) {
                files.deleted(deletion.entity(), deletion.attribute(), deletion.source());
            }
        }
        if (dropped.isEmpty() && log != null) {
            log.debug("{} deleted {}, but the city state holds nothing of it that {} published", deletion.source(),
                    deletion.topic(), deletion.source());
        }
    }

    private void apply(Reading reading) {
        synchronized (changes) {
            if (store.apply(reading) && files != null) {
                files.applied(reading);
            }
        }
    }

    /** Writes {@code regie_entities} and {@code regie_city_state_clock_steps_total}. */
    @Override
    public void collect(MetricWriter out) {
        out.gauge("regie_entities", "Entities in the city state.").sample(store.size());
        out.counter("regie_city_state_clock_steps_total", "Readings that replaced their own source's value of an"
                + " attribute with an older-dated one: the source's clock stepped back (logged once per source).")
                .sample(clockSteps());
    }

    /** The values the runtime's own bundle published (its alerts' readings are published under each plugin's name). */
    @Override
    public List<Reading> own(String topicFilter) {
        return OwnValues.of(all(), owner, topicFilter);
    }

    @Override
    public Set<String> removedPlugins() {
        return Set.copyOf(removedPlugins);
    }

    @Override
    public Set<String> staleAttributes(EntityId id) {
        return store.stale(id);
    }

    /**
     * A plugin was uninstalled (not updated): what it published stays, as the last thing it said, but each attribute
     * whose value it published is marked stale from now on (kept in the state folder), until a reading of that
     * attribute replaces it. Its alerts are resolved by the alert service.
     */
    void pluginRemoved(String symbolicName) {
        removedPlugins.add(symbolicName);
        int marked;
        synchronized (changes) {
            marked = store.markPublisherRemoved(symbolicName);
            if (marked > 0 && files != null) {
                files.publisherRemoved(symbolicName);
            }
        }
        if (marked > 0 && log != null) {
            log.info("Plugin {} was uninstalled; the {} value(s) it published stay in the city state, marked stale",
                    symbolicName, marked);
        }
    }

    /** A bundle of that name is installed (again); its old values stay stale until it publishes them again. */
    void pluginInstalled(String symbolicName) {
        removedPlugins.remove(symbolicName);
    }

    private void bundleChanged(BundleEvent event) {
        String name = event.getBundle().getSymbolicName();
        if (name == null || event.getBundle().getLocation().startsWith(PluginBundles.CANDIDATE_LOCATION_PREFIX)) {
            return;
        }
        if (event.getType() == BundleEvent.INSTALLED) {
            pluginInstalled(name);
        } else if (event.getType() == BundleEvent.UNINSTALLED) {
            for (Bundle bundle : context.getBundles()) {
                if (bundle.getBundleId() != event.getBundle().getBundleId() && name.equals(bundle.getSymbolicName())
                        && bundle.getState() != Bundle.UNINSTALLED) {
                    return; // another bundle of that name still runs
                }
            }
            pluginRemoved(name);
        }
    }

    /** How many times a source replaced its own value with an older-dated one. */
    public long clockSteps() {
        return clockSteps.sum();
    }

    private void steppedBack(AttributeState previous, Reading reading) {
        if (restoring) {
            return;
        }
        clockSteps.increment();
        if (log != null && loggedSources.size() < LOGGED_SOURCES && loggedSources.add(reading.source())) {
            log.warn("{} dated {} at {}, before its own previous value at {}: its clock stepped back. The new value"
                    + " stands (a source's latest reading replaces its earlier one); a source must date its"
                    + " readings by one clock (logged once per source)", reading.source(), reading.topic(),
                    reading.observedAt(), previous.observedAt());
        }
    }

    /** Stops taking readings and, with a state folder, writes a last snapshot of the city state. */
    @Deactivate
    public void deactivate() {
        if (context != null) {
            try {
                context.removeBundleListener(removals);
            } catch (IllegalStateException e) {
                // the bundle is stopping: its listeners go with it
            }
        }
        subscription.close();
        if (files != null) {
            files.close();
        }
    }

    @Override
    public Optional<EntityState> entity(EntityId id) {
        return store.entity(id);
    }

    @Override
    public List<EntityState> byType(String entityType) {
        return store.byType(entityType);
    }

    @Override
    public List<EntityState> near(Location center, double metres, String entityType) {
        return store.near(center, metres, entityType);
    }

    @Override
    public List<EntityState> within(BoundingBox box, String entityType) {
        return store.within(box, entityType);
    }

    @Override
    public int size() {
        return store.size();
    }

    @Override
    public List<EntityState> all() {
        return store.all();
    }
}
