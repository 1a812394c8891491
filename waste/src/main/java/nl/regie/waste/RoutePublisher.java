package nl.regie.waste;

import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

/**
 * Plans the collection route over the bins needing emptying and publishes it as {@code WasteCollectionRoute/{id}}
 * ({@code stops}, {@code stopCount}, {@code length}; location = the depot), debounced and off the bus thread: the
 * {@link Scheduler} runs the planning.
 *
 * <p>A route is dated by the bins' own time (the newest {@code observedAt} the monitor has seen), never by the wall
 * clock: it is derived from their readings. Before any bin has reported there is no such time, and no route.
 * The wall clock only paces the planning (the debounce) and stamps {@code receivedAt}.
 */
final class RoutePublisher {

    static final String ENTITY_TYPE = "WasteCollectionRoute";

    /** Runs tasks later, on a thread that is not the bus's. */
    interface Scheduler {
        void schedule(Runnable task, long delayMillis);

        /** Stops running tasks; a task running is interrupted. */
        default void close() {
        }
    }

    /** What to plan, taken at once from the monitor. */
    private record Request(Settings settings, List<Stop> stops, Instant at) {
    }

    private final ReadingBus bus;
    private final BinMonitor monitor;
    private final Scheduler scheduler;
    private final LongSupplier wallClock;
    private final Debounce debounce;
    private volatile Route last;
    private volatile boolean firstPlanned;

    RoutePublisher(ReadingBus bus, BinMonitor monitor, Scheduler scheduler, LongSupplier wallClock) {
        this.bus = bus;
        this.monitor = monitor;
        this.scheduler = scheduler;
        this.wallClock = wallClock;
        this.debounce = new Debounce(monitor.settings().routeInterval(), wallClock);
    }

    /** The set of bins needing emptying, or the depot, changed: plan again soon. */
    void changed() {
        long delay = debounce.changed();
        if (delay >= 0) {
            scheduler.schedule(this::planAndPublish, delay);
        }
    }

    /**
     * A bin reading has been handled. The first one gives the bins' time, so the first route (empty if no bin is
     * full) is planned then; later ones cost a volatile read.
     */
    void binReported() {
        if (!firstPlanned && monitor.now() != null) {
            firstPlanned = true;
            changed();
        }
    }

    /** The route settings may have changed. */
    void settingsChanged(Settings settings) {
        debounce.interval(settings.routeInterval());
        changed();
    }

    /** The route last published, or {@code null}. */
    Route last() {
        return last;
    }

    private void planAndPublish() {
        debounce.started();
        Request request;
        synchronized (monitor) { // the monitor's own lock: settings, stops and time from one moment
            request = new Request(monitor.settings(), monitor.needingEmptying(), monitor.now());
        }
        Settings settings = request.settings();
        Route route = RoutePlanner.plan(settings.depot(), request.stops(), settings.routeBudget());
        if (Thread.currentThread().isInterrupted()) {
            return; // stopped while planning: the bus view may be gone
        }
        Instant at = request.at();
        if (at == null) {
            return; // no bin has reported: no time to date a route by ({@link #binReported} plans on the first)
        }
        Instant received = Instant.ofEpochMilli(wallClock.getAsLong());
        EntityId id = EntityId.of(ENTITY_TYPE, settings.routeId());
        publish(id, "stops", Value.of(route.stopsJson()), "", at, received, route);
        publish(id, "stopCount", Value.of(route.stops().size()), "count", at, received, route);
        publish(id, "length", Value.of(Math.round(route.lengthMetres())), "m", at, received, route);
        last = route;
        firstPlanned = true;
    }

    private void publish(EntityId id, String attribute, Value value, String unit, Instant at, Instant received,
            Route route) {
        bus.publish(new Reading(id, attribute, value, unit, at, received, BinMonitor.SOURCE, route.depot()));
    }
}
