package nl.regie.notifiers.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The messages of one channel on their way to its gateway, sent from one daemon thread the outbox names and stops:
 * at most the rate limit allows; a message the gateway does not take (down, or refusing) is tried again after the
 * backoff's wait, and fails for good with the last reason once its attempts are used up. A notifier only queues, so a
 * gateway that is down never holds up the runtime's notification thread or the alert that caused the notification.
 * Holds at most {@code capacity} messages; a message over that fails at once ({@value #FULL}).
 */
public final class Outbox implements AutoCloseable {

    /** The reason of a message the full outbox could not take. */
    public static final String FULL = "outbox full";
    /** The reason of a message still queued when the outbox stopped. */
    public static final String STOPPED = "not sent: the notifier stopped";

    /** The channel's gateway. */
    @FunctionalInterface
    public interface Gateway {
        /**
         * Hands one message over.
         *
         * @return the gateway's id for the message (for delivery receipts), or null
         * @throws Exception when the gateway is unreachable or refuses the message; its message is the reason
         */
        String send(Message message) throws Exception;
    }

    /**
     * One message to one resident.
     *
     * @param notificationId the notification it carries
     * @param to             the resident
     * @param subject        the subject line
     * @param text           the text
     */
    public record Message(String notificationId, Contact to, String subject, String text) {
    }

    /** How the outbox waits for its next slot: {@code TimeUnit.NANOSECONDS::sleep}, or a test's clock. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /** The gateway's state as the last attempts saw it, for the plugin's health check. */
    public record Status(int waiting, Instant lastFailureAt, String lastFailure, Instant lastSuccessAt) {
        /** Whether the last attempt failed and messages are waiting. */
        public boolean failing() {
            return waiting > 0 && lastFailureAt != null && (lastSuccessAt == null || lastFailureAt.isAfter(lastSuccessAt));
        }
    }

    private static final class Attempt implements Delayed {
        final Message message;
        final int number;
        final long dueNanos;

        Attempt(Message message, int number, long dueNanos) {
            this.message = message;
            this.number = number;
            this.dueNanos = dueNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueNanos, ((Attempt) other).dueNanos);
        }
    }

    private final Gateway gateway;
    private final Backoff backoff;
    private final RateLimiter limiter;
    private final DeliveryBook book;
    private final int capacity;
    private final Consumer<String> warn;
    private final Sleeper sleeper;
    private final DelayQueue<Attempt> queue = new DelayQueue<>();
    private final AtomicInteger held = new AtomicInteger();
    private final Thread thread;
    private volatile boolean closed;
    private volatile Instant lastFailureAt;
    private volatile String lastFailure;
    private volatile Instant lastSuccessAt;

    /**
     * Starts the outbox's thread.
     *
     * @param threadName the thread's name
     * @param warn       where a failed attempt is logged (its text has addresses masked)
     */
    public Outbox(String threadName, Gateway gateway, Backoff backoff, RateLimiter limiter, DeliveryBook book,
            int capacity, Consumer<String> warn) {
        this(threadName, gateway, backoff, limiter, book, capacity, warn, TimeUnit.NANOSECONDS::sleep);
    }

    Outbox(String threadName, Gateway gateway, Backoff backoff, RateLimiter limiter, DeliveryBook book, int capacity,
            Consumer<String> warn, Sleeper sleeper) {
        this.sleeper = sleeper;
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.book = Objects.requireNonNull(book, "book");
        this.capacity = capacity;
        this.warn = Objects.requireNonNull(warn, "warn");
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a message; never blocks. A message the outbox cannot take fails at once, recorded in the book. */
    public boolean offer(Message message) {
        if (closed) {
            book.failed(message.notificationId(), message.to(), STOPPED);
            return false;
        }
        if (held.incrementAndGet() > capacity) {
            held.decrementAndGet();
            book.failed(message.notificationId(), message.to(), FULL);
            return false;
        }
        queue.add(new Attempt(message, 1, System.nanoTime()));
        return true;
    }

    /** The gateway's state as the last attempts saw it. */
    public Status status() {
        return new Status(held.get(), lastFailureAt, lastFailure, lastSuccessAt);
    }

    /** Stops the thread; messages still queued fail ({@value #STOPPED}), recorded in the book. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(5_000);
        // drainTo takes only the attempts that are due: take those waiting for a retry too.
        List<Attempt> left = List.of(queue.toArray(new Attempt[0]));
        queue.clear();
        for (Attempt attempt : left) {
            book.failed(attempt.message.notificationId(), attempt.message.to(), STOPPED);
        }
        if (!left.isEmpty()) {
            warn.accept(left.size() + " message(s) not sent: the notifier stopped");
        }
    }

    /** Whether the outbox's thread runs. */
    public boolean running() {
        return thread.isAlive();
    }

    private void run() {
        while (!closed) {
            Attempt attempt;
            try {
                attempt = queue.take();
                long wait = limiter.reserve();
                if (wait > 0) {
                    sleeper.sleep(wait); // the gateway's rate: waiting for a time, not a condition
                }
            } catch (InterruptedException stopping) {
                continue; // close() interrupts; the loop condition tells
            }
            if (closed) {
                queue.add(attempt); // close() fails it with the rest
                return;
            }
            attempt(attempt);
        }
    }

    private void attempt(Attempt attempt) {
        Message message = attempt.message;
        String gatewayId;
        try {
            gatewayId = gateway.send(message);
        } catch (Exception e) {
            String reason = Mask.scrub(reasonOf(e), List.of(message.to()));
            lastFailure = reason;
            lastFailureAt = Instant.now();
            if (attempt.number < backoff.maxAttempts()) {
                long wait = backoff.after(attempt.number).toNanos();
                warn.accept("Attempt " + attempt.number + " of " + backoff.maxAttempts() + " to send notification "
                        + message.notificationId() + " to " + message.to().masked() + " failed, retrying in "
                        + TimeUnit.NANOSECONDS.toMillis(wait) + " ms: " + reason);
                book.retrying(message.notificationId());
                queue.add(new Attempt(message, attempt.number + 1, System.nanoTime() + wait));
            } else {
                held.decrementAndGet();
                warn.accept("Notification " + message.notificationId() + " to " + message.to().masked()
                        + " failed after " + attempt.number + " attempt(s): " + reason);
                book.failed(message.notificationId(), message.to(), reason);
            }
            return;
        }
        lastSuccessAt = Instant.now();
        held.decrementAndGet();
        book.sent(message.notificationId(), message.to(), gatewayId);
    }

    private static String reasonOf(Throwable e) {
        StringBuilder reason = new StringBuilder();
        for (Throwable t = e; t != null && reason.length() < 500; t = t.getCause()) {
            if (reason.length() > 0) {
                reason.append(": ");
            }
            String text = t.getMessage();
            reason.append(text == null || text.isBlank() ? t.getClass().getSimpleName() : text.strip());
            if (t.getCause() == t) {
                break;
            }
        }
        return reason.toString().replaceAll("\\s+", " ");
    }
}
