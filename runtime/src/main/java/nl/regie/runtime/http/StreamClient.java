package nl.regie.runtime.http;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;

/**
 * One connected stream client: its filter, its own small bounded queue of events and where its text goes.
 * The publisher side only {@linkplain #offer offers} (never blocks); one writer at a time drains it
 * (the hub's {@code scheduled} flag makes sure), so the sink is only ever written by one thread.
 */
final class StreamClient {

    /** Where a client's text goes; nothing here may block. */
    interface Sink {
        /**
         * Whether {@link #write} may be called now. When not, the sink calls {@link StreamHub#wake} once it can
         * take more (a servlet's WriteListener); meanwhile the client's events wait in its queue.
         */
        default boolean ready() {
            return true;
        }

        /** Writes (and starts flushing); an IOException means the client is gone. */
        void write(String text) throws IOException;

        /** Ends the stream. */
        void close();
    }

    /** An event waiting in a queue: its sequence number, the reading and where its entity is (or null). */
    record Item(long id, Reading reading, Location location) {
    }

    /** What an offer did. */
    enum Offer { QUEUED, RESYNC, DROP }

    final long id;
    final StreamFilter filter;
    final Sink sink;
    private final ArrayBlockingQueue<Item> queue;
    private final int maxOverflows;
    private final AtomicBoolean resyncPending = new AtomicBoolean();
    private final AtomicBoolean heartbeatDue = new AtomicBoolean();
    final AtomicBoolean scheduled = new AtomicBoolean();
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicBoolean sinkClosed = new AtomicBoolean();
    /** Set when the sink became writable again while a drain may have been finishing. */
    final AtomicBoolean woken = new AtomicBoolean();
    private final AtomicReference<String> greeting;
    private final AtomicInteger overflowsInRow = new AtomicInteger();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();

    StreamClient(long id, StreamFilter filter, Sink sink, String greeting, int queueCapacity, int maxOverflows) {
        this.id = id;
        this.greeting = new AtomicReference<>(greeting);
        this.filter = filter;
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.maxOverflows = maxOverflows;
    }

    /**
     * Queues an event without blocking. A full queue is cleared and a {@code resync} event is due instead;
     * {@link Offer#DROP} when that happens more than {@code maxOverflows} times without the client catching up
     * (a write completing) in between.
     */
    Offer offer(Item item) {
        if (queue.offer(item)) {
            return Offer.QUEUED;
        }
        queue.clear();
        resyncs.incrementAndGet();
        resyncPending.set(true);
        if (overflowsInRow.incrementAndGet() > maxOverflows) {
            return Offer.DROP;
        }
        queue.offer(item);
        return Offer.RESYNC;
    }

    void heartbeat() {
        heartbeatDue.set(true);
    }

    boolean hasWork() {
        return greeting.get() != null || resyncPending.get() || heartbeatDue.get() || !queue.isEmpty();
    }

    /** The next text to write (a resync first, then up to {@code max} events, else a due heartbeat), or null. */
    String nextBatch(int max) {
        StringBuilder batch = new StringBuilder();
        String hello = greeting.getAndSet(null);
        if (hello != null) {
            batch.append(hello);
        }
        if (resyncPending.getAndSet(false)) {
            batch.append(SseFormat.event(-1, "resync", SseFormat.json(Map.of("reason",
                    "this client fell behind and missed events; reload the state from /api/entities",
                    "resyncs", resyncs.get()))));
        }
        Item item;
        int n = 0;
        while (n < max && (item = queue.poll()) != null) {
            batch.append(SseFormat.reading(item.id(), item.reading(), item.location()));
            n++;
        }
        sent.addAndGet(n);
        if (heartbeatDue.getAndSet(false) && batch.isEmpty()) {
            batch.append(SseFormat.comment("heartbeat"));
        }
        return batch.isEmpty() ? null : batch.toString();
    }

    /** A batch reached the client: it is keeping up again. */
    void wrote() {
        overflowsInRow.set(0);
    }

    int queued() {
        return queue.size();
    }

    long resyncs() {
        return resyncs.get();
    }

    long sent() {
        return sent.get();
    }
}
