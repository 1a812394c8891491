package nl.regie.runtime.bus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Reading;
import nl.regie.api.monitor.SubscriberInfo;

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
 * {@link SubscriberQueue} and a wake-up only if its thread may be parked. Delivery threads drain their
 * queue completely before they park again.
 */
public final class BusEngine implements BusEngineService, AutoCloseable {

    /** How long stopping waits for a delivery in progress, first politely, then once more after an interrupt. */
    private static final long STOP_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final BusSettings settings;
    private final Logger log;
    private final Watchdog watchdog;
    private final AtomicLong lastSubscriptionId = new AtomicLong();
    private final ConcurrentHashMap<String, LongAdder> publishedBy = new ConcurrentHashMap<>();

    /** Guards changes of {@link #routes} and {@link #closed}; publishers only read them. */
    private final Object lock = new Object();
    private volatile Routes routes = new Routes(List.of());
    private volatile boolean closed;

    /**
     * Creates the bus and starts its watchdog thread.
     *
     * @param settings queue capacity, delivery timeout and quarantine threshold
     * @param log      where warnings about subscribers go
     */
    public BusEngine(BusSettings settings, Logger log) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.log = Objects.requireNonNull(log, "log");
        this.watchdog = new Watchdog(settings.deliveryTimeout(), () -> routes.subscribers(), log);
        watchdog.start();
    }

    @Override
    public Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener) {
        return subscribe(owner, topicFilters, listener, settings.queueCapacity());
    }

    @Override
    public Subscription subscribe(Owner owner, Collection<String> topicFilters, ReadingListener listener,
            int queueCapacity) {
        BusSettings own = new BusSettings(queueCapacity, settings.deliveryTimeout(), settings.failuresBeforeQuarantine());
        Objects.requireNonNull(owner, "owner must not be null");
        Objects.requireNonNull(topicFilters, "topic filters must not be null");
        Objects.requireNonNull(listener, "listener must not be null");
        if (topicFilters.isEmpty()) {
            throw new IllegalArgumentException("at least one topic filter is required");
        }
        List<TopicFilter> filters = topicFilters.stream().map(TopicFilter::parse).toList();
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the bus is closed");
            }
            Subscriber subscriber = new Subscriber(lastSubscriptionId.incrementAndGet(), owner, filters, listener,
                    own, log, this::unsubscribe);
            subscriber.start();
            routes = routes.with(subscriber);
            return subscriber;
        }
    }

    private void unsubscribe(Subscriber subscriber) {
        synchronized (lock) {
            if (!routes.subscribers().contains(subscriber)) {
                return;
            }
            routes = routes.without(subscriber);
        }
        stop(List.of(subscriber));
    }

    @Override
    public void publish(String publisher, Reading reading) {
        Objects.requireNonNull(reading, "cannot publish a null reading");
        Objects.requireNonNull(publisher, "the publisher of a reading must be named");
        LongAdder count = publishedBy.get(publisher);
        if (count == null) {
            count = publishedBy.computeIfAbsent(publisher, p -> new LongAdder());
        }
        count.increment();
        for (Subscriber subscriber : routes.match(reading)) {
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
        }
        watchdog.stop();
        stop(all);
        try {
            if (!watchdog.awaitStopped(System.nanoTime() + STOP_GRACE_NANOS)) {
                log.warn("The bus watchdog thread did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops delivery threads: asks, waits, interrupts, waits again, and names any that still run. */
    private void stop(List<Subscriber> subscribers) {
        subscribers.forEach(Subscriber::stop);
        try {
            List<Subscriber> running = awaitStopped(subscribers);
            running.forEach(Subscriber::interrupt);
            for (Subscriber stuck : awaitStopped(running)) {
                log.warn("Bus subscriber {} of bundle {}: its listener does not return, so thread {} keeps running"
                        + " until it does", stuck.id(), stuck.owner(), stuck.threadName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Subscriber> awaitStopped(List<Subscriber> subscribers) throws InterruptedException {
        long deadline = System.nanoTime() + STOP_GRACE_NANOS;
        List<Subscriber> running = new ArrayList<>();
        for (Subscriber subscriber : subscribers) {
            if (!subscriber.awaitStopped(deadline)) {
                running.add(subscriber);
            }
        }
        return running;
    }
}
