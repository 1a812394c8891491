package nl.regie.runtime.web.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import nl.regie.api.model.Deletion;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.bus.ReadView;

/**
 * One connected stream client: its filter, its own small bounded queue of events and where its text goes.
 * The publisher side only {@linkplain #offer offers} (never blocks); one writer at a time drains it
 * (the hub's {@code scheduled} flag makes sure), so the sink is only ever written by one thread. A client of a party
 * caller has its own {@link ReadView}, applied by that writer as it takes events from the queue, never on the bus's
 * thread. A client that sees a change as it is (no view, or a view that lets the very same reading through) writes
 * the change's {@linkplain Item#shared() shared text}, rendered once for all such clients; only a reading its view
 * transforms is rendered for this client alone.
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

        /**
         * Writes one batch of UTF-8 text (and starts flushing); an IOException means the client is gone. The array
         * may be shared with other clients and is never changed: the sink may keep it but must not change it.
         */
        void write(byte[] text) throws IOException;

        /** Ends the stream. */
        void close();
    }

    /**
     * A change as the hub hands it to every client whose filter it passes: its event id (the hub's sequence number),
     * the reading as views see it (carrying where its entity is, when known) and, once a writer asks, its SSE text.
     */
    static final class Item {
        private final long epoch;
        private final long id;
        /** The reading, or null for a deletion. */
        private final Reading reading;
        /** The deletion, or null for a reading. */
        private final Deletion deletion;
        /** Rendered at most a few times (writers may race), then shared; each render gives the same bytes. */
        private volatile byte[] shared;

        /**
         * @param location where the reading's entity is when the reading says nothing (the last known location),
         *                 or null
         */
        Item(long id, Reading reading, Location location) {
            this(StreamHub.NO_EPOCH, id, reading, location);
        }

        /**
         * @param epoch the first part of the event's id ({@link EventId}), or {@link StreamHub#NO_EPOCH} for an id of
         *              the sequence number alone
         */
        Item(long epoch, long id, Reading reading, Location location) {
            this.epoch = epoch;
            this.id = id;
            this.reading = reading.location() == null && location != null ? reading.withLocation(location) : reading;
            this.deletion = null;
        }

        /** A deletion as an event. */
        Item(long epoch, long id, Deletion deletion) {
            this.epoch = epoch;
            this.id = id;
            this.reading = null;
            this.deletion = deletion;
        }

        /** The deletion, or null when this is a reading. */
        Deletion deletion() {
            return deletion;
        }

        /** The sequence number, the second part of the event's id. */
        long id() {
            return id;
        }

        /** This item where its entity is, when the reading says nothing and the location is known; same id. */
        Item located(Location location) {
            return reading == null || reading.location() != null || location == null ? this
                    : new Item(epoch, id, reading, location);
        }

        /** The reading, located where its entity is when known. */
        Reading reading() {
            return reading;
        }

        /**
         * The event as SSE text (UTF-8), one array shared by every client that sees the reading unchanged (writers
         * racing on the first call may each render it, to equal bytes; one of the arrays stays).
         */
        byte[] shared() {
            byte[] text = shared;
            if (text == null) {
                text = deletion != null ? SseFormat.deletion(EventId.text(epoch, id), deletion)
                        .getBytes(StandardCharsets.UTF_8) : render(epoch, id, reading);
                shared = text;
            }
            return text;
        }

        static byte[] render(long epoch, long id, Reading reading) {
            return SseFormat.reading(EventId.text(epoch, id), reading, reading.location())
                    .getBytes(StandardCharsets.UTF_8);
        }

        byte[] render(Reading seen) {
            return render(epoch, id, seen);
        }
    }

    /** What an offer did. */
    enum Offer { QUEUED, RESYNC, DROP }

    final long id;
    final StreamFilter filter;
    final Sink sink;
    /** What the client's party may see, or null for everything. */
    private final ReadView view;
    private final ArrayBlockingQueue<Item> queue;
    /**
     * The events a resuming client missed, from the hub's replay buffer: written before anything of the queue, and
     * not bounded by it. Set once, before the client is started; then only its writer takes from it.
     */
    private final ArrayDeque<Item> backlog = new ArrayDeque<>();
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
    /** The writer's scratch lists, reused batch after batch (one writer at a time). */
    private final List<Item> taken = new ArrayList<>();
    private final List<byte[]> parts = new ArrayList<>();

    StreamClient(long id, StreamFilter filter, Sink sink, String greeting, int queueCapacity, int maxOverflows) {
        this(id, filter, sink, greeting, queueCapacity, maxOverflows, null);
    }

    StreamClient(long id, StreamFilter filter, Sink sink, String greeting, int queueCapacity, int maxOverflows,
            ReadView view) {
        this.id = id;
        this.view = view;
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
        return greeting.get() != null || resyncPending.get() || heartbeatDue.get() || !queue.isEmpty()
                || backlogged();
    }

    /** Adds events the client missed, to be written before anything live; before the client is started. */
    void replay(List<Item> missed) {
        synchronized (backlog) {
            backlog.addAll(missed);
        }
    }

    private boolean backlogged() {
        synchronized (backlog) {
            return !backlog.isEmpty();
        }
    }

    /** Takes up to {@code max} events: what is left of the backlog first, then the queue. */
    private void take(int max) {
        synchronized (backlog) {
            while (taken.size() < max && !backlog.isEmpty()) {
                taken.add(backlog.poll());
            }
        }
        if (taken.size() < max) {
            queue.drainTo(taken, max - taken.size());
        }
    }

    /**
     * The next UTF-8 text to write (the greeting, a resync, then up to {@code max} events, else a due heartbeat),
     * in one array, or null when there is nothing to write. Called by the one writer draining this client.
     */
    byte[] nextBytes(int max) {
        String hello = greeting.getAndSet(null);
        if (hello != null) {
            parts.add(utf8(hello));
        }
        if (resyncPending.getAndSet(false)) {
            parts.add(utf8(SseFormat.event(-1, "resync", SseFormat.json(Map.of("reason",
                    "this client fell behind and missed events; reload the state from /api/entities",
                    "resyncs", resyncs.get())))));
        }
        take(max);
        int n = 0;
        for (Item item : taken) {
            byte[] event = render(item);
            if (event != null) {
                parts.add(event);
                n++;
            }
        }
        taken.clear();
        sent.addAndGet(n);
        if (heartbeatDue.getAndSet(false) && parts.isEmpty()) {
            parts.add(utf8(SseFormat.comment("heartbeat")));
        }
        byte[] batch = parts.isEmpty() ? null : concat(parts);
        parts.clear();
        return batch;
    }

    /** {@link #nextBytes} as text. */
    String nextBatch(int max) {
        byte[] batch = nextBytes(max);
        return batch == null ? null : new String(batch, StandardCharsets.UTF_8);
    }

    /**
     * The event as this client sees it: the item's shared text when the client has no view or its view lets the
     * very same reading through, the client's own rendering when the view transforms it, null when it withholds it.
     */
    byte[] render(Item item) {
        if (view == null) {
            return item.shared();
        }
        if (item.deletion() != null) {
            // A party's client hears of a deletion when its view would let a value of that entity and attribute from
            // the deleting source through, about the same entity.
            Deletion d = item.deletion();
            Reading probe = new Reading(d.entity(), d.optionalAttribute().orElse("entity"), Value.of(true), "",
                    d.deletedAt(), d.deletedAt(), d.source(), null);
            Reading seen = view.apply(probe);
            return seen != null && seen.entity().equals(d.entity()) ? item.shared() : null;
        }
        // The view sees where the entity is, so that it can coarsen it; what it lets through says where.
        Reading seen = view.apply(item.reading());
        if (seen == null) {
            return null;
        }
        return seen == item.reading() ? item.shared() : item.render(seen);
    }

    private static byte[] concat(List<byte[]> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A batch reached the client: it is keeping up again. */
    void wrote() {
        overflowsInRow.set(0);
    }

    int queued() {
        synchronized (backlog) {
            return queue.size() + backlog.size();
        }
    }

    long resyncs() {
        return resyncs.get();
    }

    long sent() {
        return sent.get();
    }
}
