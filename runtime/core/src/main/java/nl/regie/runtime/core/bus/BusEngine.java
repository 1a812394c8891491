package nl.regie.runtime.core.bus;

import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Deletion;
import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.bus.BusHolds;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.metrics.LatencyHistogram;
import nl.regie.runtime.spi.monitor.SubscriberInfo;
import nl.regie.runtime.spi.monitor.SubscriberInfo.State;

import org.osgi.service.log.Logger;

/**
 * The in-process reading bus, in plain Java so it can be tested and benchmarked without a framework.
 *
 * <h2>Delivery</h2>
 * Asynchronous. Each subscription has its own bounded queue ({@link BusSettings#queueCapacity()}) and its own
 * daemon thread named {@code regie-bus-<bundleSymbolicName>-<subscriptionId>}, which calls the listener one
 * reading at a time, in the order they were published (per publishing thread, and so per entity). A
 * reading whose topic matches several filters of one subscription is delivered to it once.
 *
 * <h2>Overflow: drop newest</h2>
 * {@link #publish} never blocks. When a subscriber's queue is full, the reading being published is dropped
 * for that subscriber only and counted in its {@code dropped} counter; what is already queued is kept, and
 * other subscribers still receive the reading.
 *
 * <h2>Failures, timeouts, quarantine</h2>
 * A listener that throws is counted in {@code failed} (with {@code lastFailure}) and gets the next reading.
 * A call that runs longer than {@link BusSettings#deliveryTimeout()} is counted as failed and timed out
 * by the {@link Watchdog}, which interrupts it; a listener that ignores the interrupt keeps only its own
 * thread stuck while its own queue fills and overflows (counted as above). After
 * {@link BusSettings#failuresBeforeQuarantine()} failures in a row (a success resets the count) the
 * subscriber is quarantined: a warning names its bundle and the last failure, its queue is emptied and
 * every reading for it from then on is dropped and counted, until it subscribes again. Failure log lines
 * are rate-limited per subscriber.
 *
 * <h2>Cost of a publish</h2>
 * No lock: one lookup of the topic in the current {@link Routes} (a per-topic cache of matching subscribers,
 * rebuilt on subscribe and close), then, per matching subscriber, one compare-and-set on its
 * {@link SubscriberQueue} and a wake-up only if its thread may be asleep. Delivery threads drain their
 * queue completely before they sleep again.
 *
 * <h2>Durable subscriptions and holds</h2>
 * A subscription made with {@link #subscribeDurable} has a durable key: its owner's symbolic name and a durable
 * name. While a {@linkplain #hold hold} is open for that symbolic name, closing it parks it (see {@link BusHolds});
 * a durable subscribe with the same key takes the parked subscription over. Without a hold, closing closes. One
 * subscription per key is durable: a second durable subscribe while the first is not parked gets an ordinary one.
 *
 * <h2>The runtime's own subscriptions come first</h2>
 * A subscription without a read view is the runtime's own (the city state, the live stream). A plugin's reading,
 * published through {@link #publishUnlessCrowded}, may fill such a subscription's queue only up to a share; past it,
 * the plugin's publish is refused before it reaches anyone, and the rest of the queue stays free for the readings the
 * runtime's own bundles publish (the devices'). A queue held back this way never drops a device's reading for a
 * plugin's, however fast the plugin publishes.
 *
 * <h2>Read views</h2>
 * A plugin's subscription carries the {@link ReadView} of the data-sharing policy; its delivery thread passes each
 * reading through it (see {@link Deliveries}), so a publish costs the same whoever subscribes.
 */
public final class BusEngine implements PluginBus, BusHolds, AutoCloseable {

    /** Replaced by {@link #configure}; read once per subscribe. */
    private volatile BusSettings settings;
    private final Logger log;
    private final DeliveryThreads threads;
    private final Watchdog watchdog;
    private final AtomicLong lastSubscriptionId = new AtomicLong();
    private final ConcurrentHashMap<String, LongAdder> publishedBy = new ConcurrentHashMap<>();
    /** Per subscribing bundle (symbolic name: as many as plugins and runtime parts), publish to listener call. */
    private final ConcurrentHashMap<String, LatencyHistogram> deliveryLatency = new ConcurrentHashMap<>();

    /** Guards changes of {@link #routes} and {@link #closed}, and the two maps below; publishers only read routes. */
    private final Object lock = new Object();
    private volatile Routes routes = new Routes(List.of());
    private volatile boolean closed;
    /** The durable subscriptions, open or parked, by key. */
    private final Map<DurableKey, Subscriber> durables = new HashMap<>();
    /** The open holds by symbolic name. */
    private final Map<String, OpenHold> holds = new HashMap<>();

    /**
     * Creates the bus and starts its watchdog thread.
     *
     * @param settings queue capacity, delivery timeout and quarantine threshold
     * @param log      where warnings about subscribers go
     */
    public BusEngine(BusSettings settings, Logger log) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.log = Objects.requireNonNull(log, "log");
        this.threads = new DeliveryThreads(log);
        this.watchdog = new Watchdog(settings.deliveryTimeout(), () -> routes.subscribers(), log);
        watchdog.start();
    }

    /**
     * Takes new settings while the bus runs, without closing a subscription or dropping a reading. The delivery timeout
     * and the quarantine threshold apply at once to every subscription, open or parked (a delivery in progress is judged
     * by the new timeout). A queue's capacity cannot change under its readings: the new one applies to subscriptions
     * made from now on (a plugin's, when it is next started or updated), and every existing queue keeps its own.
     *
     * @param next the settings from now on
     */
    public void configure(BusSettings next) {
        Objects.requireNonNull(next, "settings");
        Set<Subscriber> all = Collections.newSetFromMap(new IdentityHashMap<>());
        synchronized (lock) {
            settings = next;
            all.addAll(routes.subscribers());
            all.addAll(durables.values());
        }
        all.forEach(subscriber -> subscriber.limits(next.deliveryTimeout(), next.failuresBeforeQuarantine()));
        watchdog.retime(next.deliveryTimeout());
    }

    /** The settings in force: those it was created with, or the last {@link #configure}d. */
    public BusSettings settings() {
        return settings;
    }

    @Override
    public Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener) {
        return subscribe(owner, topicFilters, listener, settings.queueCapacity());
    }

    @Override
    public Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener,
            int queueCapacity) {
        List<TopicFilter> filters = validate(owner, topicFilters, listener);
        synchronized (lock) { // the limits as configure leaves them: it replaces the settings under this lock
            BusSettings own = new BusSettings(queueCapacity, settings.deliveryTimeout(),
                    settings.failuresBeforeQuarantine());
            return add(owner, null, filters, listener, null, own);
        }
    }

    @Override
    public Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener,
            ReadView view) {
        List<TopicFilter> filters = validate(owner, topicFilters, listener);
        synchronized (lock) {
            return add(owner, null, filters, listener, view, settings);
        }
    }

    @Override
    public Subscription subscribeDurable(Owner owner, String durableName, Collection<String> topicFilters,
            ReadingListener listener) {
        return subscribeDurable(owner, durableName, topicFilters, listener, null);
    }

    @Override
    public Subscription subscribeDurable(Owner owner, String durableName, Collection<String> topicFilters,
            ReadingListener listener, ReadView view) {
        Objects.requireNonNull(durableName, "durable name must not be null");
        if (durableName.isBlank()) {
            throw new IllegalArgumentException("durable name must not be blank");
        }
        List<TopicFilter> filters = validate(owner, topicFilters, listener);
        DurableKey key = new DurableKey(owner.symbolicName(), durableName);
        synchronized (lock) {
            Subscriber existing = durables.get(key);
            if (existing != null && existing.state() == State.PARKED) {
                return takeOver(existing, owner, filters, listener, view);
            }
            if (existing != null) {
                log.warn("Bundle {} subscribes a second listener as {} while the first is subscribed; only the first"
                        + " is durable (kept while the plugin is updated)", owner, durableName);
                return add(owner, null, filters, listener, view, settings);
            }
            Subscriber subscriber = add(owner, durableName, filters, listener, view, settings);
            durables.put(key, subscriber);
            return subscriber.lease();
        }
    }

    private static List<TopicFilter> validate(Owner owner, Collection<String> topicFilters, ReadingListener listener) {
        Objects.requireNonNull(owner, "owner must not be null");
        Objects.requireNonNull(topicFilters, "topic filters must not be null");
        Objects.requireNonNull(listener, "listener must not be null");
        if (topicFilters.isEmpty()) {
            throw new IllegalArgumentException("at least one topic filter is required");
        }
        return topicFilters.stream().map(TopicFilter::parse).toList();
    }

    /** Starts a new subscriber and routes to it. Called under the lock. */
    private Subscriber add(Owner owner, String durableName, List<TopicFilter> filters, ReadingListener listener,
            ReadView view, BusSettings own) {
        if (closed) {
            throw new IllegalStateException("the bus is closed");
        }
        Subscriber subscriber = new Subscriber(lastSubscriptionId.incrementAndGet(), owner, durableName, filters,
                listener, view, own, new SubscriberLog(log), this::unsubscribe,
                deliveryLatency.computeIfAbsent(owner.symbolicName(), name -> new LatencyHistogram()));
        subscriber.start();
        routes = routes.with(subscriber);
        return subscriber;
    }

    /** Gives a parked subscription to a new listener. Called under the lock. */
    private Subscription takeOver(Subscriber subscriber, Owner owner, List<TopicFilter> filters,
            ReadingListener listener, ReadView view) {
        Parked parked = subscriber.parked();
        boolean sameFilters = subscriber.topicFilters().equals(TopicFilter.texts(filters));
        Owner before = subscriber.owner();
        long gapNanos = subscriber.takeOver(owner, filters, listener, view, System.nanoTime());
        parked.hold().tookOver(subscriber, gapNanos);
        if (!sameFilters) {
            routes = new Routes(routes.subscribers()); // the same subscribers, with the route cache of the new filters
        }
        log.info("Bus subscription {} ({}) of {} taken over by {} after {} ms: {} readings held, {} dropped while held",
                subscriber.durableName(), subscriber.id(), before, owner, TimeUnit.NANOSECONDS.toMillis(gapNanos),
                parked.held(), parked.dropped());
        return subscriber.lease();
    }

    /** Closes a subscription, or parks it if it is durable and held; a stale lease (an earlier generation) does nothing. */
    private void unsubscribe(Subscriber subscriber, long generation) {
        long parkRequest = -1;
        synchronized (lock) {
            if (subscriber.generation() != generation || subscriber.state() == State.PARKED
                    || !routes.subscribers().contains(subscriber)) {
                return;
            }
            OpenHold hold = subscriber.durableName() == null ? null : holds.get(subscriber.owner().symbolicName());
            if (hold != null) {
                parkRequest = subscriber.park(hold, System.nanoTime());
            }
            if (parkRequest < 0) {
                routes = routes.without(subscriber);
                forget(subscriber);
            } else {
                hold.parked(subscriber);
            }
        }
        if (parkRequest < 0) {
            threads.stop(List.of(subscriber));
        } else {
            threads.awaitPaused(subscriber, parkRequest);
        }
    }

    /** Drops a subscriber from the durable keys. Called under the lock. */
    private void forget(Subscriber subscriber) {
        if (subscriber.durableName() != null) {
            durables.remove(new DurableKey(subscriber.owner().symbolicName(), subscriber.durableName()), subscriber);
        }
    }

    @Override
    public Hold hold(String symbolicName) {
        Objects.requireNonNull(symbolicName, "symbolic name must not be null");
        if (symbolicName.isBlank()) {
            throw new IllegalArgumentException("symbolic name must not be blank");
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the bus is closed");
            }
            if (holds.containsKey(symbolicName)) {
                throw new IllegalStateException("a hold for " + symbolicName + " is already open");
            }
            OpenHold hold = new OpenHold(symbolicName, this::endHold);
            holds.put(symbolicName, hold);
            return hold;
        }
    }

    /** Ends a hold: what no listener took over is closed, its queued readings dropped, counted and logged. */
    private void endHold(OpenHold hold) {
        Map<String, Subscriber> unclaimed;
        synchronized (lock) {
            if (holds.get(hold.symbolicName()) != hold) {
                return; // ended already, or the bus closed
            }
            holds.remove(hold.symbolicName());
            unclaimed = hold.end(System.nanoTime());
            for (Subscriber subscriber : unclaimed.values()) {
                routes = routes.without(subscriber);
                forget(subscriber);
            }
        }
        threads.stop(List.copyOf(unclaimed.values()));
        unclaimed.forEach((durableName, subscriber) -> {
            long dropped = subscriber.discardQueued();
            hold.countDroppedAtEnd(dropped);
            log.warn("Plugin {} did not take its bus subscription {} back before the hold on {} ended: the"
                    + " subscription is closed and its {} held readings are dropped ({} more were dropped while held)",
                    subscriber.owner(), durableName, hold.symbolicName(), dropped, subscriber.parked().dropped());
        });
    }

    @Override
    public void publish(String publisher, Reading reading) {
        Objects.requireNonNull(reading, "cannot publish a null reading");
        deliver(publisher, reading, routes.match(reading));
    }

    @Override
    public String publishUnlessCrowded(String publisher, Reading reading, int sharePercent) {
        Objects.requireNonNull(reading, "cannot publish a null reading");
        Subscriber[] matched = routes.match(reading);
        if (sharePercent < 100) {
            for (Subscriber subscriber : matched) {
                if (subscriber.reservedForRuntime() && subscriber.fuller(sharePercent)) {
                    return subscriber.describeBacklog();
                }
            }
        }
        deliver(publisher, reading, matched);
        return null;
    }

    /** Offers a deletion to every subscriber with a matching filter; deletions are rare, so no route cache. */
    @Override
    public void delete(String publisher, Deletion deletion) {
        Objects.requireNonNull(publisher, "the publisher of a deletion must be named");
        Objects.requireNonNull(deletion, "cannot publish a null deletion");
        for (Subscriber subscriber : routes.subscribers()) {
            if (subscriber.matches(deletion)) {
                subscriber.offer(deletion);
            }
        }
    }

    private void deliver(String publisher, Reading reading, Subscriber[] matched) {
        Objects.requireNonNull(publisher, "the publisher of a reading must be named");
        LongAdder count = publishedBy.get(publisher);
        if (count == null) {
            count = publishedBy.computeIfAbsent(publisher, p -> new LongAdder());
        }
        count.increment();
        for (Subscriber subscriber : matched) {
            subscriber.offer(reading);
        }
    }

    @Override
    public List<SubscriberInfo> subscribers() {
        return routes.subscribers().stream()
                .map(Subscriber::info)
                .sorted(Comparator.comparing(SubscriberInfo::bundleSymbolicName).thenComparingLong(SubscriberInfo::id))
                .toList();
    }

    @Override
    public long published() {
        return publishedBy.values().stream().mapToLong(LongAdder::sum).sum();
    }

    @Override
    public Map<String, LatencyHistogram.Snapshot> deliveryLatency() {
        Map<String, LatencyHistogram.Snapshot> snapshots = new TreeMap<>();
        deliveryLatency.forEach((bundle, histogram) -> snapshots.put(bundle, histogram.snapshot()));
        return snapshots;
    }

    @Override
    public Map<String, Long> publishedBy() {
        Map<String, Long> counts = new TreeMap<>();
        publishedBy.forEach((publisher, count) -> counts.put(publisher, count.sum()));
        return counts;
    }

    /** Closes every subscription and stops every bus thread, waiting briefly for them to end. */
    @Override
    public void close() {
        List<Subscriber> all;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            all = routes.subscribers();
            routes = new Routes(List.of());
            long now = System.nanoTime();
            holds.values().forEach(hold -> hold.end(now)); // their subscriptions close with all the others
            holds.clear();
            durables.clear();
        }
        watchdog.stop();
        threads.stop(all);
        try {
            if (!watchdog.awaitStopped(System.nanoTime() + DeliveryThreads.GRACE_NANOS)) {
                log.warn("The bus watchdog thread did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The key of a durable subscription. */
    private record DurableKey(String symbolicName, String durableName) {
    }
}
