package nl.regie.runtime.bus;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Reading;
import nl.regie.api.monitor.SubscriberInfo;
import nl.regie.api.monitor.SubscriberInfo.State;

import org.osgi.service.log.Logger;

/**
 * One subscription: its bounded queue, its delivery thread and its counters.
 *
 * <p>Who calls what: publishers call {@link #offer}; the delivery thread runs {@link #run}; the
 * {@link Watchdog} calls {@link #checkTimeout}; any thread may call {@link #info} and {@link #close}.
 *
 * <p>The delivery thread parks when its queue is empty and publishers wake it only when it may be parked:
 * it sets {@code parked} and then looks at the queue; a publisher claims a queue position and then looks
 * at {@code parked}. Both are volatile accesses, so at least one side sees the other and no wake-up is lost.
 */
final class Subscriber implements Subscription {

    private static final long IDLE = 0;
    private static final long TIMED_OUT = -1;
    private static final int YIELDS_BEFORE_PARKING = 5;
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final long id;
    private final Owner owner;
    private final List<TopicFilter> filters;
    private final List<String> filterTexts;
    private final ReadingListener listener;
    private final SubscriberQueue<Reading> queue;
    private final Duration deliveryTimeout;
    private final int failuresBeforeQuarantine;
    private final Logger log;
    private final Consumer<Subscriber> onClose;
    private final Thread thread;

    private volatile State state = State.ACTIVE;
    private final AtomicBoolean parked = new AtomicBoolean();

    private final AtomicLong delivered = new AtomicLong();
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile String lastFailure = "";

    /** The delivery in progress, for the watchdog: its sequence number, IDLE, or TIMED_OUT once the watchdog took it. */
    private final AtomicLong inFlight = new AtomicLong(IDLE);
    /** The reading in delivery; written before inFlight, so whoever reads inFlight sees it. */
    private Reading current;
    private long deliveries;
    private long watchedDelivery;
    private long watchedSinceNanos;

    /** Guards the watchdog's interrupt, state changes to QUARANTINED, and the failure-log rate limit. */
    private final Object lock = new Object();
    private boolean failureLogged;
    private long failureLoggedAtNanos;
    private long unloggedFailures;

    Subscriber(long id, Owner owner, List<TopicFilter> filters, ReadingListener listener, BusSettings settings,
            Logger log, Consumer<Subscriber> onClose) {
        this.id = id;
        this.owner = owner;
        this.filters = List.copyOf(filters);
        this.filterTexts = filters.stream().map(TopicFilter::toString).toList();
        this.listener = listener;
        this.queue = new SubscriberQueue<>(settings.queueCapacity());
        this.deliveryTimeout = settings.deliveryTimeout();
        this.failuresBeforeQuarantine = settings.failuresBeforeQuarantine();
        this.log = log;
        this.onClose = onClose;
        this.thread = new Thread(this::run, "regie-bus-" + owner.symbolicName() + '-' + id);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Whether any of the filters matches a topic given as its three levels. */
    boolean matches(String... topicLevels) {
        for (TopicFilter filter : filters) {
            if (filter.matches(topicLevels)) {
                return true;
            }
        }
        return false;
    }

    /** Queues a reading for delivery, or drops and counts it if the queue is full or the subscriber quarantined. */
    void offer(Reading reading) {
        State now = state;
        if (now != State.ACTIVE) {
            if (now == State.QUARANTINED) {
                dropped.increment();
            }
            return;
        }
        if (!queue.offer(reading)) {
            dropped.increment();
            return;
        }
        if (parked.get() && parked.compareAndSet(true, false)) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (state != State.CLOSED) {
            Reading reading = queue.poll();
            if (reading == null) {
                awaitReadings();
            } else if (state == State.QUARANTINED) {
                dropped.increment();
            } else {
                deliver(reading);
            }
        }
    }

    private void awaitReadings() {
        // On a busy bus the next reading is usually microseconds away. A few yields (which also let a
        // publisher run when there are more threads than cores) avoid most park/unpark pairs, each of which
        // costs the publisher and this thread several microseconds; the price is a few microseconds of CPU
        // each time a subscriber goes idle.
        for (int i = 0; i < YIELDS_BEFORE_PARKING; i++) {
            if (!queue.isEmpty() || state == State.CLOSED) {
                return;
            }
            Thread.yield();
        }
        parked.set(true);
        if (queue.isEmpty() && state != State.CLOSED) {
            LockSupport.park(this);
        }
        parked.set(false);
    }

    private void deliver(Reading reading) {
        long delivery = ++deliveries;
        current = reading;
        inFlight.lazySet(delivery);
        Throwable failure = null;
        try {
            listener.onReading(reading);
        } catch (Exception | Error e) {
            // Errors too: a NoClassDefFoundError from a plugin that is being updated must not end the thread.
            failure = e;
        }
        if (!inFlight.compareAndSet(delivery, IDLE)) {
            // The watchdog has counted this delivery as timed out and interrupted us; take back its interrupt.
            synchronized (lock) {
                Thread.interrupted();
            }
            inFlight.set(IDLE);
            return;
        }
        // A listener may leave the interrupt flag set; it would break its next delivery or our park.
        Thread.interrupted();
        if (failure == null) {
            delivered.lazySet(delivered.get() + 1);
            if (consecutiveFailures.get() != 0) {
                consecutiveFailures.set(0);
            }
        } else {
            fail(failure.toString(), failure, false);
        }
    }

    /**
     * Times out the delivery in progress if the watchdog has seen the same one for at least the delivery
     * timeout. The watchdog calls this from its own thread only, at least every quarter of the timeout.
     */
    void checkTimeout(long nowNanos) {
        long delivery = inFlight.get();
        if (delivery == IDLE || delivery == TIMED_OUT) {
            watchedDelivery = IDLE;
            return;
        }
        if (delivery != watchedDelivery) {
            watchedDelivery = delivery;
            watchedSinceNanos = nowNanos;
            return;
        }
        if (nowNanos - watchedSinceNanos < deliveryTimeout.toNanos()) {
            return;
        }
        Reading reading = current;
        synchronized (lock) {
            if (!inFlight.compareAndSet(delivery, TIMED_OUT)) {
                return;
            }
            thread.interrupt();
        }
        watchedDelivery = IDLE;
        fail("delivery of " + reading.topic() + " took longer than " + deliveryTimeout.toMillis() + " ms", null, true);
    }

    private void fail(String message, Throwable cause, boolean timeout) {
        failed.incrementAndGet();
        if (timeout) {
            timedOut.incrementAndGet();
        }
        lastFailure = message;
        int inARow = consecutiveFailures.incrementAndGet();
        if (inARow >= failuresBeforeQuarantine) {
            quarantine(inARow, message);
        } else {
            logFailure(message, cause);
        }
    }

    private void quarantine(int failures, String lastMessage) {
        synchronized (lock) {
            if (state != State.ACTIVE) {
                return;
            }
            state = State.QUARANTINED;
        }
        // The delivery thread drops (and counts) what is still queued; publishers drop from now on.
        LockSupport.unpark(thread);
        warn("Bus subscriber {} of bundle {} (filters {}) is quarantined after {} consecutive failures, the last: {}."
                + " Its readings are dropped and counted until it subscribes again.",
                id, owner, filterTexts, failures, lastMessage);
    }

    private void logFailure(String message, Throwable cause) {
        long now = System.nanoTime();
        long suppressed;
        synchronized (lock) {
            if (failureLogged && now - failureLoggedAtNanos < FAILURE_LOG_INTERVAL_NANOS) {
                unloggedFailures++;
                return;
            }
            failureLogged = true;
            failureLoggedAtNanos = now;
            suppressed = unloggedFailures;
            unloggedFailures = 0;
        }
        String more = suppressed == 0 ? "" : " (" + suppressed + " earlier failures not logged)";
        if (cause == null) {
            warn("Bus subscriber {} of bundle {} failed: {}{}", id, owner, message, more);
        } else {
            warn("Bus subscriber {} of bundle {} failed: {}{}", id, owner, message, more, cause);
        }
    }

    private void warn(String format, Object... arguments) {
        try {
            log.warn(format, arguments);
        } catch (RuntimeException e) {
            // A log service that is going away must not end the delivery thread or the watchdog.
        }
    }

    /** A snapshot of the counters. */
    SubscriberInfo info() {
        long timeouts = timedOut.get(); // before failed, which is counted first, so failed >= timedOut
        return new SubscriberInfo(id, owner.symbolicName(), owner.version(), owner.bundleId(), filterTexts, state,
                delivered.get(), dropped.sum(), failed.get(), timeouts, queue.size(), queue.capacity(), lastFailure);
    }

    long id() {
        return id;
    }

    Owner owner() {
        return owner;
    }

    String threadName() {
        return thread.getName();
    }

    @Override
    public List<String> topicFilters() {
        return filterTexts;
    }

    /** Unsubscribes: the bus stops routing to it and its thread ends. */
    @Override
    public void close() {
        onClose.accept(this);
    }

    /** Marks the subscriber closed and wakes its thread, which ends after the delivery in progress, if any. */
    void stop() {
        state = State.CLOSED;
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
