package nl.regie.runtime.notify;

import java.time.Duration;

import nl.regie.api.notify.Notification;
import nl.regie.api.notify.Notifier;

/**
 * One {@link Notifier} service as the dispatcher calls it: each delivery on a fresh daemon worker thread
 * {@code regie-notify-<bundle>-<serviceId>}, waited for up to a time limit and interrupted when it overruns. A
 * worker that ignores the interrupt is remembered as stuck, and the notifier gets nothing more until it returns.
 * Only the dispatching thread calls {@link #deliver}.
 */
final class NotifierEntry {

    /** How a delivery ended. */
    enum Result {
        DELIVERED, FAILED, TIMED_OUT, STUCK
    }

    /**
     * How a delivery ended, with the notifier's exception when it failed.
     *
     * @param result  how it ended
     * @param failure what the notifier threw, or {@code null}
     */
    record Outcome(Result result, Throwable failure) {
        static final Outcome DELIVERED = new Outcome(Result.DELIVERED, null);
        static final Outcome TIMED_OUT = new Outcome(Result.TIMED_OUT, null);
        static final Outcome STUCK = new Outcome(Result.STUCK, null);
    }

    private static final long INTERRUPT_GRACE_MILLIS = 100;

    private final Notifier notifier;
    private final long serviceId;
    private final String bundle;
    /** A worker that overran its time limit and may still be running. */
    private volatile Thread stuck;

    NotifierEntry(Notifier notifier, long serviceId, String bundle) {
        this.notifier = notifier;
        this.serviceId = serviceId;
        this.bundle = bundle;
    }

    long serviceId() {
        return serviceId;
    }

    String bundle() {
        return bundle;
    }

    /**
     * Delivers one notification and waits for it, at most {@code timeout}.
     *
     * @throws InterruptedException when the dispatcher is stopped meanwhile (the worker is interrupted too)
     */
    Outcome deliver(Notification notification, Duration timeout) throws InterruptedException {
        Thread previous = stuck;
        if (previous != null) {
            if (previous.isAlive()) {
                return Outcome.STUCK;
            }
            stuck = null;
        }
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(() -> {
            try {
                notifier.deliver(notification);
            } catch (Throwable e) { // the worker is the notifier's alone: whatever it throws is its failure
                failure[0] = e;
            }
        }, "regie-notify-" + bundle + "-" + serviceId);
        worker.setDaemon(true);
        worker.start();
        try {
            worker.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            worker.interrupt();
            stuck = worker;
            throw e;
        }
        if (worker.isAlive()) {
            worker.interrupt();
            // A notifier that stops when interrupted is not stuck: give it a moment to return.
            worker.join(INTERRUPT_GRACE_MILLIS);
            if (worker.isAlive()) {
                stuck = worker;
            }
            return Outcome.TIMED_OUT;
        }
        // join() made the worker's write visible.
        return failure[0] == null ? Outcome.DELIVERED : new Outcome(Result.FAILED, failure[0]);
    }

    /** Interrupts a worker still stuck in a delivery, when the dispatcher stops. */
    void interruptStuck() {
        Thread worker = stuck;
        if (worker != null) {
            worker.interrupt();
        }
    }
}
