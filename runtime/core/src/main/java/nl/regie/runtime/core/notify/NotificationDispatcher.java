package nl.regie.runtime.core.notify;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import nl.regie.api.notify.Notification;
import nl.regie.api.notify.Notifier;
import nl.regie.runtime.core.scope.ScopeGuard;
import nl.regie.runtime.core.scope.Scopes;
import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;
import nl.regie.runtime.spi.policy.ServiceKinds;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Delivers notifications to every {@link Notifier} service (a whiteboard), asynchronously, on one daemon thread
 * {@value #THREAD_NAME}. Shared by every plugin's {@link BundleNotifications} view; runtime-internal.
 *
 * <p><b>Queue.</b> {@link #dispatch} never blocks: it puts the notification in a bounded queue; when the queue is
 * full the notification is dropped, counted and logged (rate-limited).
 *
 * <p><b>Isolation.</b> Each delivery runs on a worker thread of its own with a time limit; on timeout the worker is
 * interrupted. An exception or a timeout is logged with the notifier's bundle and counted, and the next notifier
 * still gets the notification. A notifier still stuck in an earlier delivery (it ignored the interrupt) is skipped
 * and counted as failed until it returns, so it holds at most one thread.
 *
 * <p><b>Who may be a notifier.</b> A notifier sees what residents are warned of, and where. The runtime's own
 * notifiers get every notification; a plugin's notifier is tracked only if its declared scope says {@code notifies}
 * and the policy grants it some of the same parties (else it is ignored with a warning, and the refusal audited), and
 * it is given a notification only when the sending plugin's party is among them under the policy in force; what it
 * is not given is counted as withheld.
 */
@Component(immediate = true, service = {Dispatcher.class, MetricSource.class},
        property = MetricSource.ORDER + ":Integer=60")
public final class NotificationDispatcher implements Dispatcher, MetricSource {

    /** The name of the dispatching thread. */
    public static final String THREAD_NAME = "regie-notify";
    /** Notifications that can wait for delivery. */
    static final int QUEUE_CAPACITY = 10_000;
    /** How long one notifier may take for one notification. */
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(5);

    private static final long OVERFLOW_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long STOP_GRACE_MILLIS = 1_000;

    private final BlockingQueue<Notification> queue;
    private final Duration timeout;
    private final Logger log;
    private final Thread thread;
    /** By service id, so notifiers are called in the order they registered. */
    private final ConcurrentSkipListMap<Long, NotifierEntry> notifiers = new ConcurrentSkipListMap<>();

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong withheld = new AtomicLong();
    /** Null outside a framework, where tests track notifiers directly. */
    private final Scopes scopes;
    private final AtomicLong overflowLoggedAt = new AtomicLong(System.nanoTime() - OVERFLOW_LOG_INTERVAL_NANOS);
    private volatile boolean stopped;

    /** Starts the dispatching thread. */
    @Activate
    public NotificationDispatcher(@Reference(name = "logger", service = LoggerFactory.class) Logger log,
            @Reference(name = "scopes") Scopes scopes) {
        this(QUEUE_CAPACITY, DELIVERY_TIMEOUT, log, scopes);
    }

    /**
     * A dispatcher outside a framework (the test kit): notifiers come only through {@link #register}, trusted as the
     * runtime's own; starts the dispatching thread.
     */
    public static NotificationDispatcher embedded(Logger log) {
        return new NotificationDispatcher(QUEUE_CAPACITY, DELIVERY_TIMEOUT, log);
    }

    /** A dispatcher with its own limits, for tests, which track notifiers directly; starts the dispatching thread. */
    NotificationDispatcher(int queueCapacity, Duration timeout, Logger log) {
        this(queueCapacity, timeout, log, null);
    }

    private NotificationDispatcher(int queueCapacity, Duration timeout, Logger log, Scopes scopes) {
        this.scopes = scopes;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.log = Objects.requireNonNull(log, "log");
        this.thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the dispatching thread and interrupts any delivery in progress; what is still queued is not sent. */
    @Deactivate
    public void deactivate() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(STOP_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (NotifierEntry notifier : notifiers.values()) {
            close(notifier);
        }
        if (!queue.isEmpty()) {
            log.warn("Notification dispatcher stopped with {} notification(s) not delivered", queue.size());
        }
    }

    /**
     * Queues a notification for every notifier; never blocks.
     *
     * @return whether it was queued; false when the queue is full or the dispatcher has stopped (counted as dropped)
     */
    @Override
    public boolean dispatch(Notification notification) {
        Objects.requireNonNull(notification, "notification is required");
        if (!stopped && queue.offer(notification)) {
            accepted.incrementAndGet();
            return true;
        }
        long total = dropped.incrementAndGet();
        long now = System.nanoTime();
        long last = overflowLoggedAt.get();
        if (now - last >= OVERFLOW_LOG_INTERVAL_NANOS && overflowLoggedAt.compareAndSet(last, now)) {
            log.warn("Notification queue full ({} waiting) or stopped: dropped notification {} from {} ({}); {} dropped"
                    + " so far", queue.size(), notification.id(), notification.source(), notification.subject(), total);
        }
        return false;
    }

    @Reference(name = "notifiers", service = Notifier.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeNotifier")
    void addNotifier(Notifier notifier, ServiceReference<Notifier> reference) {
        Bundle bundle = reference.getBundle();
        if (bundle == null) {
            return; // unregistered meanwhile
        }
        track(notifier, (Long) reference.getProperty(Constants.SERVICE_ID), bundle.getSymbolicName(),
                scopes.forBundle(bundle));
    }

    void removeNotifier(ServiceReference<Notifier> reference) {
        untrack((Long) reference.getProperty(Constants.SERVICE_ID));
    }

    /** Adds a notifier as if registered as a service with this id by this bundle, outside a framework: it gets everything. */
    public void register(Notifier notifier, long serviceId, String bundle) {
        track(notifier, serviceId, bundle);
    }

    /** Adds a notifier of the runtime's, named by its service id and its bundle's symbolic name: it gets everything. */
    void track(Notifier notifier, long serviceId, String bundle) {
        notifiers.put(serviceId, new NotifierEntry(notifier, serviceId, bundle, notification -> true));
    }

    /**
     * Adds a notifier of the bundle {@code guard} stands for, unless the bundle may deliver no one's notifications
     * (logged, naming the service, the plugin and why).
     *
     * @return whether it was tracked
     */
    boolean track(Notifier notifier, long serviceId, String bundle, ScopeGuard guard) {
        String refusal = guard.serviceRefusal(ServiceKinds.NOTIFIES, List.of(), "Notifier service " + serviceId);
        if (refusal != null) {
            log.warn("Ignoring Notifier service {}: {}", serviceId, refusal);
            return false;
        }
        notifiers.put(serviceId, new NotifierEntry(notifier, serviceId, bundle,
                notification -> guard.mayDeliverFrom(notification.source())));
        return true;
    }

    void untrack(long serviceId) {
        NotifierEntry entry = notifiers.remove(serviceId);
        if (entry != null) {
            close(entry);
        }
    }

    /** Ends a notifier's worker thread; one stuck in its notifier past the grace is named. */
    private void close(NotifierEntry entry) {
        try {
            entry.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (entry.workerAlive()) {
            log.warn("Notifier {} of bundle {} did not return from a delivery when interrupted; its thread is left to"
                    + " end by itself", entry.serviceId(), entry.bundle());
        }
    }

    /** Notifications taken for delivery so far. */
    public long accepted() {
        return accepted.get();
    }

    /** Deliveries (one notification to one notifier) that succeeded. */
    public long delivered() {
        return delivered.get();
    }

    /** Deliveries that threw, or were skipped because the notifier was still stuck. */
    public long failed() {
        return failed.get();
    }

    /** Deliveries that ran out of time. */
    public long timedOut() {
        return timedOut.get();
    }

    /** Notifications dropped because the queue was full or the dispatcher had stopped. */
    public long dropped() {
        return dropped.get();
    }

    /** The service ids of the notifiers stuck in a delivery that overran its time limit. */
    List<Long> stuck() {
        return notifiers.values().stream().filter(NotifierEntry::stuck).map(NotifierEntry::serviceId).toList();
    }

    /** Deliveries not made because the notifier may not be given the sender's notifications. */
    public long withheld() {
        return withheld.get();
    }

    /** Notifications waiting. */
    public int queued() {
        return queue.size();
    }

    /** Whether the dispatching thread runs. */
    boolean running() {
        return thread.isAlive();
    }

    private void run() {
        while (!stopped) {
            Notification notification;
            try {
                notification = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            for (NotifierEntry notifier : List.copyOf(notifiers.values())) {
                if (stopped) {
                    return;
                }
                if (notifier.mayReceive(notification)) {
                    deliver(notifier, notification);
                } else {
                    withheld.incrementAndGet();
                }
            }
        }
    }

    private void deliver(NotifierEntry notifier, Notification notification) {
        NotifierEntry.Outcome outcome;
        try {
            outcome = notifier.deliver(notification, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        switch (outcome.result()) {
            case DELIVERED -> delivered.incrementAndGet();
            case FAILED -> {
                failed.incrementAndGet();
                log.warn("Notifier {} of bundle {} failed to deliver notification {} from {}: {}", notifier.serviceId(),
                        notifier.bundle(), notification.id(), notification.source(), outcome.failure().toString(),
                        outcome.failure());
            }
            case TIMED_OUT -> {
                timedOut.incrementAndGet();
                log.warn("Notifier {} of bundle {} took more than {} ms to deliver notification {} from {}; interrupted",
                        notifier.serviceId(), notifier.bundle(), timeout.toMillis(), notification.id(),
                        notification.source());
            }
            case STUCK -> {
                failed.incrementAndGet();
                log.warn("Notifier {} of bundle {} is still stuck in an earlier delivery; notification {} from {} was"
                        + " not delivered to it", notifier.serviceId(), notifier.bundle(), notification.id(),
                        notification.source());
            }
        }
    }

    /** Writes the {@code regie_notifications_*} families. */
    @Override
    public void collect(MetricWriter out) {
        out.counter("regie_notifications_accepted_total", "Notifications taken for delivery.").sample(accepted());
        out.counter("regie_notifications_delivered_total", "Deliveries of a notification to a notifier that succeeded.")
                .sample(delivered());
        out.counter("regie_notifications_failed_total", "Deliveries that threw, or were skipped for a stuck notifier.")
                .sample(failed());
        out.counter("regie_notifications_timed_out_total", "Deliveries that ran out of time.").sample(timedOut());
        out.counter("regie_notifications_dropped_total", "Notifications dropped: queue full or dispatcher stopped.")
                .sample(dropped());
        out.counter("regie_notifications_withheld_total", "Deliveries not made: the notifier's plugin may not deliver"
                + " the sending plugin's party's notifications (its declared notifies and the policy's grant).")
                .sample(withheld());
        out.gauge("regie_notifications_queued", "Notifications waiting.").sample(queued());
    }
}
