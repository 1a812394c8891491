package nl.regie.runtime.core.bus;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.model.Deletion;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.bus.ReadView;

/**
 * The calls of one {@link Subscriber}'s listener: each delivery, its outcome counted, and its time watched.
 *
 * <p>A plugin's subscription has a {@link ReadView}: each reading passes through it on the delivery thread, just
 * before the listener is called, so the policy's cost is paid by the subscriber and never by the publisher; a
 * reading the view withholds is not delivered (the policy audits and counts that). The runtime's own
 * subscriptions have none and get every reading as published.
 *
 * <p>Who calls what: the subscriber's delivery thread calls {@link #deliver}; the {@link Watchdog} calls
 * {@link #checkTimeout} from its own thread; any thread reads the counters. Delivery threads never read the
 * clock, which keeps them fast: the watchdog notices a delivery that stays the same for the timeout.
 */
final class Deliveries {

    private static final long IDLE = 0;
    private static final long TIMED_OUT = -1;

    private final Subscriber subscriber;
    private final Thread thread;
    /** Both may change while the bus runs ({@link #limits}): read by the watchdog and on a failure, never per delivery. */
    private volatile Duration deliveryTimeout;
    private volatile int failuresBeforeQuarantine;
    private final SubscriberLog log;
    /** Null for a subscription that sees everything; replaced when the subscription is taken over. */
    private volatile ReadView view;

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile String lastFailure = "";

    /** The delivery in progress, for the watchdog: its sequence number, IDLE, or TIMED_OUT once the watchdog took it. */
    private final AtomicLong inFlight = new AtomicLong(IDLE);
    /** The reading or deletion in delivery; written before inFlight, so whoever reads inFlight sees it. */
    private Object current;
    private long deliveries;
    private long watchedDelivery;
    private long watchedSinceNanos;
    /** Guards the watchdog's interrupt, so the delivery thread can take it back. */
    private final Object interruptLock = new Object();

    Deliveries(Subscriber subscriber, Thread thread, BusSettings settings, SubscriberLog log, ReadView view) {
        this.view = view;
        this.subscriber = subscriber;
        this.thread = thread;
        this.deliveryTimeout = settings.deliveryTimeout();
        this.failuresBeforeQuarantine = settings.failuresBeforeQuarantine();
        this.log = log;
    }

    /** Takes a new delivery timeout and quarantine threshold; the delivery in progress is judged by the new timeout. */
    void limits(Duration timeout, int failures) {
        this.deliveryTimeout = timeout;
        this.failuresBeforeQuarantine = failures;
    }

    /** Calls the listener with one reading on the delivery thread, and counts the outcome. */
    void deliver(ReadingListener listener, Reading reading) {
        ReadView through = view;
        if (through != null) {
            reading = seen(through, reading);
            if (reading == null) {
                return;
            }
        }
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
        ended(delivery, failure);
    }

    /**
     * Calls the listener with a deletion, as {@link #deliver(ReadingListener, Reading)} does a reading. Through a read
     * view, a plugin gets a deletion only when the view would let a reading of that entity and attribute from the
     * deleting source through to it, about the same entity.
     */
    void deliver(ReadingListener listener, Deletion deletion) {
        ReadView through = view;
        if (through != null && !sees(through, deletion)) {
            return;
        }
        long delivery = ++deliveries;
        current = deletion;
        inFlight.lazySet(delivery);
        Throwable failure = null;
        try {
            listener.onDelete(deletion);
        } catch (Exception | Error e) {
            failure = e;
        }
        ended(delivery, failure);
    }

    private boolean sees(ReadView through, Deletion deletion) {
        Reading probe = new Reading(deletion.entity(), deletion.optionalAttribute().orElse(PROBE_ATTRIBUTE),
                Value.of(true), "", deletion.deletedAt(), deletion.deletedAt(), deletion.source(), null);
        Reading seen = seen(through, probe);
        return seen != null && seen.entity().equals(deletion.entity());
    }

    /** The attribute a whole entity's deletion is shown to a read view as. */
    private static final String PROBE_ATTRIBUTE = "entity";

    /** Counts the outcome of a delivery. */
    private void ended(long delivery, Throwable failure) {
        if (!inFlight.compareAndSet(delivery, IDLE)) {
            // The watchdog has counted this delivery as timed out and interrupted us; take back its interrupt.
            synchronized (interruptLock) {
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
        Duration timeout = deliveryTimeout;
        if (nowNanos - watchedSinceNanos < timeout.toNanos()) {
            return;
        }
        Object item = current;
        String topic = item instanceof Reading r ? r.topic() : ((Deletion) item).topic();
        synchronized (interruptLock) {
            if (!inFlight.compareAndSet(delivery, TIMED_OUT)) {
                return;
            }
            thread.interrupt();
        }
        watchedDelivery = IDLE;
        fail("delivery of " + topic + " took longer than " + timeout.toMillis() + " ms", null, true);
    }

    private void fail(String message, Throwable cause, boolean timeout) {
        failed.incrementAndGet();
        if (timeout) {
            timedOut.incrementAndGet();
        }
        lastFailure = message;
        int inARow = consecutiveFailures.incrementAndGet();
        if (inARow >= failuresBeforeQuarantine) {
            subscriber.quarantine(inARow, message);
        } else {
            log.failure(subscriber.id(), subscriber.owner(), message, cause);
        }
    }

    /** The reading as the view lets the subscriber see it, or null; a view that throws withholds it, counted as failed. */
    private Reading seen(ReadView through, Reading reading) {
        try {
            return through.apply(reading);
        } catch (RuntimeException e) {
            fail("the read policy failed on " + reading.topic() + ": " + e, e, false);
            return null;
        }
    }

    /** Lets a new listener start with its own read view and without the failures in a row of the one before. */
    void takeOver(ReadView newView) {
        view = newView;
        consecutiveFailures.set(0);
    }

    long delivered() {
        return delivered.get();
    }

    long failed() {
        return failed.get();
    }

    long timedOut() {
        return timedOut.get();
    }

    String lastFailure() {
        return lastFailure;
    }
}
