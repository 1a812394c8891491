package nl.regie.runtime.core.notify;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import nl.regie.api.notify.Notification;
import nl.regie.api.notify.Notifier;

/**
 * One {@link Notifier} service as the dispatcher calls it: on one daemon worker thread of its own,
 * {@code regie-notify-<bundle>-<serviceId>}, for as long as the notifier is registered. Each delivery is handed to that
 * thread and waited for up to a time limit; a delivery that overruns is interrupted. A notifier that ignores the
 * interrupt is stuck: its thread is still busy, and it gets nothing more until that delivery returns. Only the
 * dispatching thread calls {@link #deliver}; {@link #close} ends the worker.
 */
final class NotifierEntry implements AutoCloseable {

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

    /** One delivery: what to deliver, and what the notifier threw (completed with null when it returned). */
    private record Job(Notification notification, CompletableFuture<Throwable> done) {
    }

    private static final long INTERRUPT_GRACE_MILLIS = 100;
    /** How long {@link #close} waits for the worker to end. */
    private static final long CLOSE_GRACE_MILLIS = 1_000;

    private final Notifier notifier;
    private final long serviceId;
    private final String bundle;
    private final Predicate<Notification> mayReceive;
    private final SynchronousQueue<Job> handoff = new SynchronousQueue<>();
    private final Thread worker;
    private volatile boolean closed;
    /** The last job handed over: written by the dispatching thread, read by {@link #stuck} from any. */
    private volatile Job last;

    /**
     * @param mayReceive whether the notifier may be given a notification, asked before each delivery (its plugin's
     *                   declared scope and the policy in force)
     */
    NotifierEntry(Notifier notifier, long serviceId, String bundle, Predicate<Notification> mayReceive) {
        this.notifier = notifier;
        this.serviceId = serviceId;
        this.bundle = bundle;
        this.mayReceive = mayReceive;
        this.worker = new Thread(this::work, "regie-notify-" + bundle + "-" + serviceId);
        worker.setDaemon(true);
        worker.start();
    }

    long serviceId() {
        return serviceId;
    }

    String bundle() {
        return bundle;
    }

    /** Whether the notifier may be given this notification now. */
    boolean mayReceive(Notification notification) {
        return mayReceive.test(notification);
    }

    /**
     * Delivers one notification and waits for it, at most {@code timeout}.
     *
     * @throws InterruptedException when the dispatcher is stopped meanwhile (the worker is interrupted too)
     */
    Outcome deliver(Notification notification, Duration timeout) throws InterruptedException {
        if (last != null && !last.done().isDone()) {
            return Outcome.STUCK;
        }
        Job job = new Job(notification, new CompletableFuture<>());
        long limit = Math.max(1, timeout.toMillis());
        // The worker is idle (the last job is done), so it takes the job at once, or as soon as it loops back.
        if (!handoff.offer(job, limit, TimeUnit.MILLISECONDS)) {
            return closed ? Outcome.STUCK : Outcome.TIMED_OUT;
        }
        last = job;
        try {
            return ended(job.done().get(limit, TimeUnit.MILLISECONDS));
        } catch (TimeoutException overran) {
            worker.interrupt();
            // A notifier that stops when interrupted is not stuck: give it a moment to return.
            try {
                job.done().get(INTERRUPT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // stuck: the next delivery finds the job not done
            } catch (ExecutionException impossible) {
                throw new IllegalStateException(impossible);
            }
            return Outcome.TIMED_OUT;
        } catch (InterruptedException stopping) {
            worker.interrupt();
            throw stopping;
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible); // the worker completes with a value, never exceptionally
        }
    }

    private static Outcome ended(Throwable failure) {
        return failure == null ? Outcome.DELIVERED : new Outcome(Result.FAILED, failure);
    }

    /** Ends the worker thread: interrupts a delivery still running and waits a moment for the thread to end. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        worker.interrupt();
        worker.join(CLOSE_GRACE_MILLIS);
    }

    /** Whether a delivery that overran its time limit is still running (the notifier gets nothing until it returns). */
    boolean stuck() {
        Job job = last;
        return job != null && !job.done().isDone();
    }

    /** Whether the worker thread is still alive (a stuck notifier may keep it so after {@link #close}). */
    boolean workerAlive() {
        return worker.isAlive();
    }

    private void work() {
        while (!closed) {
            Job job;
            try {
                job = handoff.take();
            } catch (InterruptedException e) {
                continue; // an interrupt meant for an overrun delivery, or close(): the loop condition tells
            }
            Throwable failure = null;
            try {
                notifier.deliver(job.notification());
            } catch (Throwable e) { // the worker is the notifier's alone: whatever it throws is its failure
                failure = e;
            }
            job.done().complete(failure);
        }
    }
}
