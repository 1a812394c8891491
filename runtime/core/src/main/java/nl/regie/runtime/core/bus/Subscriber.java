package nl.regie.runtime.core.bus;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Deletion;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.metrics.LatencyHistogram;
import nl.regie.runtime.spi.monitor.SubscriberInfo;
import nl.regie.runtime.spi.monitor.SubscriberInfo.State;

/**
 * One subscription: its bounded queue, its delivery thread and its counters.
 *
 * <p>Who calls what: publishers call {@link #offer}; the delivery thread runs {@link #run}, calling the listener
 * through its {@link Deliveries}; the {@link Watchdog} calls {@link #checkTimeout}; the {@link BusEngine} parks,
 * takes over and stops it under its own lock; any thread may call {@link #info} and {@link #close}.
 *
 * <p>The delivery thread sleeps when its queue is empty and publishers wake it only when it may be asleep:
 * it sets {@code sleeping} and then looks at the queue; a publisher claims a queue position and then looks
 * at {@code sleeping}. Both are volatile accesses, so at least one side sees the other and no wake-up is lost.
 *
 * <p>A durable subscription can be {@linkplain #park parked}: publishers keep queueing (counted in the
 * {@link OpenHold}), the delivery thread finishes the delivery in progress, lets go of the listener and sleeps
 * until a new listener {@linkplain #takeOver takes it over}. The one delivery thread and the one queue are kept,
 * so the order is kept and each reading goes to exactly one listener.
 */
final class Subscriber implements Subscription {

    /** Closes a subscription on behalf of the holder of a given generation of it. */
    interface Closer {
        void close(Subscriber subscriber, long generation);
    }

    private static final int YIELDS_BEFORE_SLEEPING = 5;

    private final long id;
    /** The name the subscription is taken over by, or null if it is not durable. */
    private final String durableName;
    /** Readings, and the odd {@link Deletion}, in publish order. */
    private final SubscriberQueue<Object> queue;
    private final SubscriberLog log;
    private final Closer onClose;
    private final Thread thread;
    private final Deliveries deliveries;
    private final LongAdder dropped = new LongAdder();
    /** Publish to listener call, of the plugin's subscriptions: sampled, one reading in the queue at a time. */
    private final LatencyHistogram latency;
    /** The item (a reading or a deletion) timed through the queue, with when it was offered; null when none is. */
    private final AtomicReference<Probe> probe = new AtomicReference<>();

    private record Probe(Object item, long offeredNanos) {
    }
    /** Whether it is the runtime's own (made without a read view): plugins' readings may fill only a share of it. */
    private final boolean reservedForRuntime;

    // Replaced together, under lock, when a new listener takes the subscription over.
    private volatile Owner owner;
    private volatile List<TopicFilter> filters;
    private volatile List<String> filterTexts;
    /** Null only while parked, once the delivery thread has let go of the old listener (and its class loader). */
    private volatile ReadingListener listener;
    /** Set once a take-over changed the filters: queued readings the new filters do not match are not delivered. */
    private volatile boolean recheckFilters;
    /** Which take-over this is; a {@link Lease} of an earlier one closes nothing. Changed under the engine's lock. */
    private volatile long generation;

    private volatile State state = State.ACTIVE;
    private final AtomicBoolean sleeping = new AtomicBoolean();

    /** The last parking, written before the state becomes PARKED so publishers see it; null before the first. */
    private volatile Parked parked;
    /** Guarded by lock: parks asked for, and the last one the delivery thread has acted on. */
    private long parkRequests;
    private long parksSeen;

    /** Guards state changes (but to ACTIVE from the constructor) and the parking handshake. */
    private final Object lock = new Object();

    Subscriber(long id, Owner owner, String durableName, List<TopicFilter> filters, ReadingListener listener,
            ReadView view, BusSettings settings, SubscriberLog log, Closer onClose, LatencyHistogram latency) {
        this.latency = latency;
        this.id = id;
        this.owner = owner;
        this.durableName = durableName;
        this.filters = List.copyOf(filters);
        this.filterTexts = TopicFilter.texts(filters);
        this.listener = listener;
        this.queue = new SubscriberQueue<>(settings.queueCapacity());
        this.log = log;
        this.onClose = onClose;
        this.thread = new Thread(this::run, "regie-bus-" + owner.symbolicName() + '-' + id);
        thread.setDaemon(true);
        this.deliveries = new Deliveries(this, thread, settings, log, view);
        this.reservedForRuntime = view == null;
    }

    /** Whether this is one of the runtime's own subscriptions, whose queue plugins may fill only a share of. */
    boolean reservedForRuntime() {
        return reservedForRuntime;
    }

    /** Whether at least {@code percent} of its queue is waiting. */
    boolean fuller(int percent) {
        return queue.size() >= Math.max(1L, (long) queue.capacity() * percent / 100);
    }

    /** Its backlog as messages name it: "bus subscription 3 of nl.regie.runtime.core 1.0 to [#] (60000 of 100000 ...)". */
    String describeBacklog() {
        return "bus subscription " + id + " of " + owner + " to " + filterTexts + " (" + queue.size() + " of "
                + queue.capacity() + " readings waiting)";
    }

    void start() {
        thread.start();
    }

    /** Whether any of the filters matches a topic given as its three levels. */
    boolean matches(String... topicLevels) {
        return TopicFilter.anyMatches(filters, topicLevels);
    }

    /** Whether any of the filters matches a deletion: its topic, or for a whole entity any attribute of it. */
    boolean matches(Deletion deletion) {
        EntityId entity = deletion.entity();
        for (TopicFilter filter : filters) {
            if (deletion.wholeEntity() ? filter.matchesEntity(entity.type(), entity.localId())
                    : filter.matches(entity.type(), entity.localId(), deletion.attribute())) {
                return true;
            }
        }
        return false;
    }

    /** Queues a deletion as {@link #offer(Reading)} queues a reading, in order with them. */
    void offer(Deletion deletion) {
        offerItem(deletion);
    }

    /** Queues a reading for delivery, or drops and counts it if the queue is full or the subscriber quarantined. */
    void offer(Reading reading) {
        offerItem(reading);
    }

    private void offerItem(Object reading) {
        State now = state;
        if (now != State.ACTIVE) {
            if (now == State.QUARANTINED) {
                dropped.increment();
            } else if (now == State.PARKED) {
                hold(reading);
            }
            return;
        }
        // One reading at a time is timed through the queue: a volatile read per offer while one is, and a small
        // object when a new one starts, which keeps the cost off the publishers.
        Probe timing = null;
        if (probe.get() == null) {
            timing = new Probe(reading, System.nanoTime());
            if (!probe.compareAndSet(null, timing)) {
                timing = null;
            }
        }
        if (!queue.offer(reading)) {
            if (timing != null) {
                probe.compareAndSet(timing, null);
            }
            dropped.increment();
            return;
        }
        if (sleeping.get() && sleeping.compareAndSet(true, false)) {
            LockSupport.unpark(thread);
        }
    }

    /** Ends the timing of an item taken from the queue, if it is the one timed; records it if it was delivered. */
    private void timed(Object item, boolean delivered) {
        Probe timing = probe.get();
        if (timing != null && timing.item() == item) {
            if (delivered) {
                latency.record(System.nanoTime() - timing.offeredNanos());
            }
            probe.set(null);
        }
    }

    /** Queues a reading while parked. */
    private void hold(Object reading) {
        Parked now = parked;
        if (queue.offer(reading)) {
            now.countHeld();
            // Parked, the thread never sleeps as waiting for readings, so this wakes nothing; but the subscription
            // may have been taken over since its state was read, and then its thread must not miss this reading.
            if (sleeping.get() && sleeping.compareAndSet(true, false)) {
                LockSupport.unpark(thread);
            }
            return;
        }
        dropped.increment();
        if (now.countDropped()) {
            log.warn("Bus subscription {} ({}) of plugin {} is parked while the plugin is updated and its queue of {}"
                    + " is full: further readings for it are dropped and counted until it is taken over",
                    durableName, id, owner, queue.capacity());
        }
    }

    private void run() {
        for (State now = state; now != State.CLOSED; now = state) {
            if (now == State.PARKED) {
                pause();
                continue;
            }
            Object reading = queue.poll();
            if (reading == null) {
                awaitReadings();
            } else if (state == State.QUARANTINED) {
                timed(reading, false);
                dropped.increment();
            } else {
                // Delivered even if the subscription was parked since the state was read: that is the delivery
                // in progress that parking waits for, and it goes to the listener read now, old or new.
                deliver(reading);
            }
        }
    }

    private void awaitReadings() {
        // On a busy bus the next reading is usually microseconds away. A few yields (which also let a
        // publisher run when there are more threads than cores) avoid most park/unpark pairs, each of which
        // costs the publisher and this thread several microseconds; the price is a few microseconds of CPU
        // each time a subscriber goes idle.
        for (int i = 0; i < YIELDS_BEFORE_SLEEPING; i++) {
            if (!queue.isEmpty() || state == State.CLOSED) {
                return;
            }
            Thread.yield();
        }
        sleeping.set(true);
        State now = state;
        if (queue.isEmpty() && now != State.CLOSED && now != State.PARKED) {
            LockSupport.park(this);
        }
        sleeping.set(false);
    }

    /** Sleeps while parked (publishers do not wake a parked subscriber), having let go of the old listener. */
    private void pause() {
        synchronized (lock) {
            if (state != State.PARKED) {
                return; // taken over before this thread got here: keep the new listener
            }
            listener = null;
            parksSeen = parkRequests;
            lock.notifyAll();
        }
        while (state == State.PARKED) {
            LockSupport.park(this);
            // A late interrupt meant for the old listener must not turn this into a busy loop.
            Thread.interrupted();
        }
    }

    private void deliver(Object item) {
        if (item instanceof Deletion deletion) {
            if (recheckFilters && !matches(deletion)) {
                timed(deletion, false);
                dropped.increment();
                return;
            }
            timed(deletion, true);
            deliveries.deliver(listener, deletion);
            return;
        }
        Reading reading = (Reading) item;
        if (recheckFilters && !matchesTopic(reading)) {
            timed(reading, false);
            dropped.increment(); // held under the old filters, which the listener that took over no longer has
            return;
        }
        timed(reading, true);
        deliveries.deliver(listener, reading);
    }

    private boolean matchesTopic(Reading reading) {
        EntityId entity = reading.entity();
        return matches(entity.type(), entity.localId(), reading.attribute());
    }

    /**
     * Times out the delivery in progress if it overran the delivery timeout (see {@link Deliveries#checkTimeout}).
     * A parked subscriber has no delivery in progress (parking waits for it), so it is never timed out.
     */
    void checkTimeout(long nowNanos) {
        deliveries.checkTimeout(nowNanos);
    }

    /** Takes a new delivery timeout and quarantine threshold (see {@link BusEngine#configure}). */
    void limits(Duration timeout, int failuresBeforeQuarantine) {
        deliveries.limits(timeout, failuresBeforeQuarantine);
    }

    /** Quarantines the subscriber after failures in a row, unless it is parked or closed. */
    void quarantine(int failures, String lastMessage) {
        synchronized (lock) {
            if (state != State.ACTIVE) {
                return;
            }
            state = State.QUARANTINED;
        }
        // The delivery thread drops (and counts) what is still queued; publishers drop from now on.
        LockSupport.unpark(thread);
        log.warn("Bus subscriber {} of bundle {} (filters {}) is quarantined after {} consecutive failures, the last:"
                + " {}. Its readings are dropped and counted until it subscribes again.",
                id, owner, filterTexts, failures, lastMessage);
    }

    /**
     * Parks the subscription in a hold: from now on readings are queued but not delivered. The delivery in
     * progress, if any, is not waited for here (see {@link #awaitPaused}).
     *
     * @return the park request to wait for, or -1 if the subscription is closed or parked already
     */
    long park(OpenHold in, long nowNanos) {
        long request;
        synchronized (lock) {
            if (state == State.CLOSED || state == State.PARKED) {
                return -1;
            }
            parked = new Parked(in, nowNanos);
            state = State.PARKED; // from QUARANTINED too: the listener that takes over starts afresh
            request = ++parkRequests;
        }
        LockSupport.unpark(thread); // to let go of the listener now, not when the next reading comes
        return request;
    }

    /**
     * Waits until the delivery thread has acted on a park request (finished the delivery in progress and let go
     * of the old listener), the subscription was taken over or closed meanwhile, or the deadline passes.
     *
     * @return false if the deadline passed with the old listener still being called
     */
    boolean awaitPaused(long request, long deadlineNanos) throws InterruptedException {
        if (Thread.currentThread() == thread) {
            return true; // parked from its own listener: the thread pauses when the listener returns
        }
        synchronized (lock) {
            while (parksSeen < request && state == State.PARKED) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /** Interrupts the old listener's delivery that keeps a park request waiting, if it still does. */
    void interruptUnlessPaused(long request) {
        synchronized (lock) {
            if (parksSeen < request && state == State.PARKED) {
                thread.interrupt();
            }
        }
    }

    /**
     * Gives a parked subscription to a new listener: it gets the held readings, then the new ones, in order.
     * The caller (the engine, under its lock) routes by the new filters from now on; the new listener's read view
     * replaces the old one, on the delivery thread's next delivery.
     *
     * @return how long the subscription was parked, in nanoseconds
     * @throws IllegalStateException if it is not parked
     */
    long takeOver(Owner newOwner, List<TopicFilter> newFilters, ReadingListener newListener, ReadView newView,
            long nowNanos) {
        synchronized (lock) {
            if (state != State.PARKED) {
                throw new IllegalStateException("bus subscription " + id + " is " + state + ", not parked");
            }
            List<String> newTexts = TopicFilter.texts(newFilters);
            if (!newTexts.equals(filterTexts)) {
                recheckFilters = true;
            }
            owner = newOwner;
            filters = List.copyOf(newFilters);
            filterTexts = newTexts;
            listener = newListener;
            deliveries.takeOver(newView);
            generation++;
            state = State.ACTIVE;
        }
        LockSupport.unpark(thread);
        return nowNanos - parked.sinceNanos();
    }

    /** Counts the readings left in the queue of a closed subscription as dropped; returns how many. */
    long discardQueued() {
        long left = queue.size();
        dropped.add(left);
        return left;
    }

    /** A snapshot of the counters. */
    SubscriberInfo info() {
        long timeouts = deliveries.timedOut(); // before failed, which is counted first, so failed >= timedOut
        Owner now = owner;
        return new SubscriberInfo(id, now.symbolicName(), now.version(), now.bundleId(), filterTexts, state,
                deliveries.delivered(), dropped.sum(), deliveries.failed(), timeouts, queue.size(), queue.capacity(),
                deliveries.lastFailure());
    }

    long id() {
        return id;
    }

    Owner owner() {
        return owner;
    }

    String durableName() {
        return durableName;
    }

    State state() {
        return state;
    }

    long generation() {
        return generation;
    }

    /** The last parking, or null if it was never parked. */
    Parked parked() {
        return parked;
    }

    String threadName() {
        return thread.getName();
    }

    @Override
    public List<String> topicFilters() {
        return filterTexts;
    }

    /** Unsubscribes: the bus stops routing to it and its thread ends (or, if it is durable and held, it parks). */
    @Override
    public void close() {
        onClose.close(this, generation);
    }

    /** The handle of the current generation: closing it after a take-over by a newer one has no effect. */
    Lease lease() {
        return new Lease(this, generation);
    }

    /** Closes on behalf of the holder of a generation (see {@link Lease}). */
    void close(long leased) {
        onClose.close(this, leased);
    }

    /** Marks the subscriber closed and wakes its thread, which ends after the delivery in progress, if any. */
    void stop() {
        synchronized (lock) {
            state = State.CLOSED;
            lock.notifyAll();
        }
        LockSupport.unpark(thread);
    }

    /** Interrupts the delivery thread, for a listener that does not return when asked to stop. */
    void interrupt() {
        thread.interrupt();
    }

    /** Waits until the delivery thread has ended or the deadline passes; true if it has ended. */
    boolean awaitStopped(long deadlineNanos) throws InterruptedException {
        if (Thread.currentThread() == thread) {
            return true; // closed from its own listener: the thread ends when the listener returns
        }
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
        return !thread.isAlive();
    }
}
