package nl.regie.runtime.ngsild.subscription;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import nl.regie.runtime.ngsild.subscription.Subscription.Endpoint;

/**
 * Notifications on their way: one bounded queue per endpoint (a full queue drops the new notification and counts it
 * in its subscription's status), drained in order by one task at a time on a shared scheduler, each notification
 * tried up to {@code attempts} times with a backoff that doubles from {@code backoff}, waiting on the scheduler, never
 * sleeping. An endpoint that fails holds up only its own queue. Thread-safe.
 */
public final class Deliveries implements AutoCloseable {

    /** One notification to send. */
    public record Notice(Endpoint endpoint, byte[] body, Map<String, String> headers, DeliveryStatus status) {
    }

    private final ScheduledExecutorService scheduler;
    private final Transport http;
    private final Transport mqtt;
    private final EndpointRule rule;
    private final Clock clock;
    private final int capacity;
    private final int attempts;
    private final Duration backoff;
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();
    private final AtomicLong droppedTotal = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param capacity notifications one endpoint can have waiting
     * @param attempts tries per notification, at least 1
     * @param backoff  the wait before the second try; doubled before each further one
     */
    public Deliveries(ScheduledExecutorService scheduler, Transport http, Transport mqtt, EndpointRule rule,
            Clock clock, int capacity, int attempts, Duration backoff) {
        this.scheduler = scheduler;
        this.http = http;
        this.mqtt = mqtt;
        this.rule = rule;
        this.clock = clock;
        this.capacity = capacity;
        this.attempts = Math.max(1, attempts);
        this.backoff = backoff;
    }

    /** Queues a notification; when its endpoint's queue is full it is dropped and counted. */
    public void offer(Notice notice) {
        if (closed) {
            return;
        }
        Queue queue = queues.computeIfAbsent(notice.endpoint().uri(), uri -> new Queue());
        boolean start;
        synchronized (queue) {
            if (queue.waiting.size() >= capacity) {
                notice.status().dropped();
                droppedTotal.incrementAndGet();
                return;
            }
            queue.waiting.add(notice);
            start = !queue.running;
            queue.running = true;
        }
        if (start) {
            submit(queue, 0, 0);
        }
    }

    /** Notifications dropped because an endpoint's queue was full, since the start. */
    public long dropped() {
        return droppedTotal.get();
    }

    /** Notifications waiting, over all endpoints. */
    public int waiting() {
        int n = 0;
        for (Queue q : queues.values()) {
            synchronized (q) {
                n += q.waiting.size();
            }
        }
        return n;
    }

    private void submit(Queue queue, int attempt, long delayMillis) {
        try {
            scheduler.schedule(() -> drain(queue, attempt), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closing: what is left is not sent.
        }
    }

    /** Sends the head of the queue; on to the next, or a retry of this one later. */
    private void drain(Queue queue, int attempt) {
        Notice notice;
        synchronized (queue) {
            notice = queue.waiting.peek();
            if (notice == null || closed) {
                queue.running = false;
                return;
            }
        }
        String error = null;
        try {
            rule.check(notice.endpoint().uri());
            (notice.endpoint().mqtt() ? mqtt : http).send(notice.endpoint(), notice.body(), notice.headers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (error != null && attempt + 1 < attempts && !closed) {
            submit(queue, attempt + 1, backoff.toMillis() << attempt);
            return;
        }
        if (error == null) {
            notice.status().sent(clock.instant());
        } else {
            notice.status().failed(clock.instant(), error);
        }
        synchronized (queue) {
            queue.waiting.poll();
            if (queue.waiting.isEmpty()) {
                queue.running = false;
                return;
            }
        }
        submit(queue, 0, 0);
    }

    @Override
    public void close() {
        closed = true;
        http.close();
        mqtt.close();
    }

    private static final class Queue {
        final ArrayDeque<Notice> waiting = new ArrayDeque<>();
        boolean running;
    }
}
