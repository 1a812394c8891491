package nl.regie.runtime.web.http;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import nl.regie.api.model.Deletion;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.bus.ReadView;

/**
 * The fan-out behind {@code GET /api/stream}, plain Java. {@link #publish} runs on the bus's delivery thread: it gives
 * each reading the next event id ({@link EventId}: this start's epoch and a sequence number), keeps it in a bounded
 * replay buffer (the last {@code replayCapacity} events, whoever was connected), filters it per client and offers it
 * to that client's bounded queue, never blocking and never writing;
 * a client whose queue overflows gets its queue cleared and a {@code resync} event, and is dropped after
 * {@code maxOverflows} overflows in a row without catching up. Writing happens on {@code writers}: at most one
 * drain per client at a time, and a drain never waits for a client: when its sink is not ready it stops, and the
 * sink {@linkplain #wake wakes} the client once it can take more.
 *
 * <p>A client that {@linkplain #register registers} with the id of the last event it saw gets, before anything live,
 * exactly the events after it that the buffer holds and its filter passes (its view applies as to live events); the
 * id, the buffer and the fan-out are one step under the hub's lock, so each event reaches it once, replayed or live.
 * When the buffer cannot say what it missed, it gets one {@code reset} event ({@link Reset}) instead, carrying the id
 * of the newest event, so that it reloads the state and resumes from there.
 */
final class StreamHub implements AutoCloseable {

    /** Events written per flush. */
    static final int BATCH = 64;
    /** The epoch of a hub whose event ids are the sequence number alone (tests). */
    static final long NO_EPOCH = -1;
    /** The replay buffer of a hub made without saying its size. */
    static final int DEFAULT_REPLAY = 1_024;

    /** Why a resuming client is told to reload rather than given what it missed. */
    enum Reset {
        /** Its id is from another start of the stream (the runtime or the stream restarted): the buffer is gone. */
        RESTARTED("restarted", "the stream restarted since event %s; reload the state from /api/entities"),
        /** Its id is older than the oldest event the replay buffer still holds: it missed more than the buffer keeps. */
        EXPIRED("expired", "event %s is older than the %d events the stream keeps to replay; reload the state from"
                + " /api/entities"),
        /** Its id is ahead of every id given in this start: never given by this stream. */
        UNKNOWN("unknown", "event %s was never given by this stream; reload the state from /api/entities");

        final String reason;
        final String detail;

        Reset(String reason, String detail) {
            this.reason = reason;
            this.detail = detail;
        }
    }

    private final int maxClients;
    private final int queueCapacity;
    private final int maxOverflows;
    private final Function<EntityId, Location> locator;
    private final Executor writers;
    private final Map<Long, StreamClient> clients = new ConcurrentHashMap<>();
    private final long epoch;
    /** The last event id's sequence number; under the hub's lock. */
    private long sequence;
    /** The last {@code replay.length} events, a ring: event {@code n} at {@code (n - 1) % length}; under the lock. */
    private final StreamClient.Item[] replay;
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong[] resets = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
    private final AtomicLong clientIds = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /**
     * The entity types some client streams, or null when some client streams every type: lets {@link #publish} pass
     * over a reading no client wants without looking at each client.
     */
    private volatile Set<String> wantedTypes = Set.of();
    private volatile boolean closed;

    /**
     * @param locator where an entity is when a reading carries no location (the city state), may answer null
     */
    StreamHub(int maxClients, int queueCapacity, int maxOverflows, Function<EntityId, Location> locator,
            Executor writers) {
        this(maxClients, queueCapacity, maxOverflows, locator, writers, NO_EPOCH, DEFAULT_REPLAY);
    }

    /**
     * @param epoch          the first part of every event id this hub gives ({@link StreamEpoch}), or {@link #NO_EPOCH}
     * @param replayCapacity events kept to replay to a client that resumes, at least 0
     */
    StreamHub(int maxClients, int queueCapacity, int maxOverflows, Function<EntityId, Location> locator,
            Executor writers, long epoch, int replayCapacity) {
        if (replayCapacity < 0) {
            throw new IllegalArgumentException("replay capacity must be at least 0, was " + replayCapacity);
        }
        this.epoch = epoch;
        this.replay = new StreamClient.Item[replayCapacity];
        this.maxClients = maxClients;
        this.queueCapacity = queueCapacity;
        this.maxOverflows = maxOverflows;
        this.locator = locator;
        this.writers = writers;
    }

    /**
     * Adds a client, or answers null when {@code maxClients} are connected or the hub is closed. Events queue
     * from now on, but nothing is written to the sink until {@link #start}: the caller may finish setting it up.
     */
    synchronized StreamClient register(StreamFilter filter, StreamClient.Sink sink) {
        return register(filter, sink, null);
    }

    /** Registers like {@link #register(StreamFilter, StreamClient.Sink)}, with text to write before any event. */
    synchronized StreamClient register(StreamFilter filter, StreamClient.Sink sink, String greeting) {
        return register(filter, sink, greeting, null);
    }

    /** Registers a client that sees readings through {@code view} (null: as they are), applied by its writer. */
    synchronized StreamClient register(StreamFilter filter, StreamClient.Sink sink, String greeting, ReadView view) {
        return register(filter, sink, greeting, view, null);
    }

    /**
     * Registers a client that resumes after the event {@code lastSeen} (null: a new client, nothing to replay): it
     * gets what it missed from the replay buffer, or a {@code reset} event when the buffer cannot say (see
     * {@link Reset}), then the live events.
     */
    synchronized StreamClient register(StreamFilter filter, StreamClient.Sink sink, String greeting, ReadView view,
            EventId lastSeen) {
        if (closed || clients.size() >= maxClients) {
            return null;
        }
        Reset reset = lastSeen == null ? null : resetFor(lastSeen);
        if (reset != null) {
            resets[reset.ordinal()].incrementAndGet();
            String detail = reset == Reset.EXPIRED ? String.format(reset.detail, lastSeen, replay.length)
                    : String.format(reset.detail, lastSeen);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("reason", reset.reason);
            data.put("detail", detail);
            data.put("lastEventId", lastSeen.toString());
            String event = SseFormat.event(EventId.text(epoch, sequence), "reset", SseFormat.json(data));
            greeting = greeting == null ? event : greeting + event;
        }
        StreamClient client = new StreamClient(clientIds.incrementAndGet(), filter, sink, greeting, queueCapacity,
                maxOverflows, view);
        if (lastSeen != null && reset == null) {
            List<StreamClient.Item> missed = missedBy(filter, lastSeen.sequence());
            replayed.addAndGet(missed.size());
            client.replay(missed);
        }
        client.scheduled.set(true);
        clients.put(client.id, client);
        updateWantedTypes();
        return client;
    }

    /** Why a client that last saw {@code lastSeen} must reload, or null when the buffer holds all it missed. */
    private Reset resetFor(EventId lastSeen) {
        if (lastSeen.epoch() != epoch) {
            return Reset.RESTARTED;
        }
        if (lastSeen.sequence() > sequence) {
            return Reset.UNKNOWN;
        }
        long oldestKept = Math.max(1, sequence - replay.length + 1);
        return lastSeen.sequence() + 1 < oldestKept ? Reset.EXPIRED : null;
    }

    /** The buffered events after {@code after} that the filter passes, located; under the lock. */
    private List<StreamClient.Item> missedBy(StreamFilter filter, long after) {
        List<StreamClient.Item> missed = new ArrayList<>();
        for (long n = after + 1; n <= sequence; n++) {
            StreamClient.Item item = replay[(int) ((n - 1) % replay.length)];
            if (item.deletion() != null) {
                if (filter.types().isEmpty() || filter.types().contains(item.deletion().entity().type())) {
                    missed.add(item); // where a deleted entity was is not known any more: every area hears of it
                }
                continue;
            }
            Reading reading = item.reading();
            if (!filter.types().isEmpty() && !filter.types().contains(reading.entityType())) {
                continue;
            }
            Location location = reading.location() != null ? reading.location() : locator.apply(reading.entity());
            if (filter.covers(location)) {
                missed.add(item.located(location));
            }
        }
        return missed;
    }

    /** Lets the writers at a registered client. */
    void start(StreamClient client) {
        client.scheduled.set(false);
        if (client.closed.get() || client.hasWork()) {
            schedule(client);
        }
    }

    boolean full() {
        return clients.size() >= maxClients;
    }

    int size() {
        return clients.size();
    }

    /** Clients dropped for falling behind. */
    long dropped() {
        return dropped.get();
    }

    /** Removes a client (gone, failed or dropped); its sink is closed by its writer, never by the caller. */
    void remove(StreamClient client) {
        if (clients.remove(client.id, client)) {
            updateWantedTypes();
            client.closed.set(true);
            retire(client);
            schedule(client);
        }
    }

    /**
     * The bus listener: offers the reading to every client whose filter it passes, as one {@link StreamClient.Item}
     * shared by all of them (one event id, rendered at most once for the clients that see it unchanged). Never
     * blocks.
     */
    void publish(Reading reading) {
        synchronized (this) {
            // The id, the buffer and the fan-out in one step: a client registering meanwhile gets each event once.
            long id = ++sequence;
            StreamClient.Item item = fanOut(id, reading);
            if (replay.length > 0) {
                replay[(int) ((id - 1) % replay.length)] = item != null ? item : new StreamClient.Item(epoch, id,
                        reading, null);
            }
        }
    }

    /**
     * The bus listener for deletions: an event id, the replay buffer and every client whose types include the
     * entity's (a deleted entity's location is no longer known, so area filters pass it). Never blocks.
     */
    void delete(Deletion deletion) {
        synchronized (this) {
            long id = ++sequence;
            StreamClient.Item item = new StreamClient.Item(epoch, id, deletion);
            if (replay.length > 0) {
                replay[(int) ((id - 1) % replay.length)] = item;
            }
            String type = deletion.entity().type();
            Set<String> wanted = wantedTypes;
            if (wanted != null && !wanted.contains(type)) {
                return;
            }
            for (StreamClient client : clients.values()) {
                if (!client.filter.types().isEmpty() && !client.filter.types().contains(type)) {
                    continue;
                }
                if (client.offer(item) == StreamClient.Offer.DROP) {
                    dropped.incrementAndGet();
                    remove(client);
                } else {
                    schedule(client);
                }
            }
        }
    }

    /** Offers event {@code id} to every client whose filter passes it; the item made for them, or null if none. */
    private StreamClient.Item fanOut(long id, Reading reading) {
        String type = reading.entityType();
        Set<String> wanted = wantedTypes;
        if (wanted != null && !wanted.contains(type)) {
            return null;
        }
        Location location = reading.location();
        boolean looked = location != null;
        StreamClient.Item item = null;
        for (StreamClient client : clients.values()) {
            StreamFilter filter = client.filter;
            if (!filter.types().isEmpty() && !filter.types().contains(type)) {
                continue;
            }
            if (!looked) {
                location = locator.apply(reading.entity());
                looked = true;
            }
            if (!filter.covers(location)) {
                continue;
            }
            if (item == null) {
                item = new StreamClient.Item(epoch, id, reading, location);
            }
            if (client.offer(item) == StreamClient.Offer.DROP) {
                dropped.incrementAndGet();
                remove(client);
            } else {
                schedule(client);
            }
        }
        return item;
    }

    /** Recomputes {@link #wantedTypes} from the clients connected now; the last change of the clients runs last. */
    private synchronized void updateWantedTypes() {
        Set<String> types = new HashSet<>();
        for (StreamClient client : clients.values()) {
            if (client.filter.types().isEmpty()) {
                wantedTypes = null;
                return;
            }
            types.addAll(client.filter.types());
        }
        wantedTypes = Set.copyOf(types);
    }

    /** Makes a heartbeat due on every client (when nothing else is written, a comment goes out). */
    void heartbeat() {
        for (StreamClient client : clients.values()) {
            client.heartbeat();
            schedule(client);
        }
    }

    /** The client's sink can take more text again. */
    void wake(StreamClient client) {
        client.woken.set(true);
        schedule(client);
    }

    private void schedule(StreamClient client) {
        // Reading first spares the publisher a contended write for every event of a client already scheduled.
        if (!client.scheduled.get() && client.scheduled.compareAndSet(false, true)) {
            try {
                writers.execute(() -> drain(client));
            } catch (RejectedExecutionException e) {
                client.scheduled.set(false);
            }
        }
    }

    /** Runs on a writer thread: writes what the client has waiting, or closes its sink once it is removed. */
    void drain(StreamClient client) {
        boolean blocked = false;
        try {
            while (!client.closed.get()) {
                if (!client.sink.ready()) {
                    blocked = true;
                    break;
                }
                byte[] batch = client.nextBytes(BATCH);
                if (batch == null) {
                    break;
                }
                client.sink.write(batch);
                client.wrote();
            }
        } catch (Exception e) {
            remove(client);
        } finally {
            if (client.closed.get()) {
                closeSink(client);
            }
            client.scheduled.set(false);
            boolean woken = client.woken.getAndSet(false);
            if (!client.closed.get() && (woken || !blocked) && client.hasWork()) {
                schedule(client);
            }
        }
    }

    private static void closeSink(StreamClient client) {
        if (client.sinkClosed.compareAndSet(false, true)) {
            try {
                client.sink.close();
            } catch (RuntimeException e) {
                // the client is gone either way
            }
        }
    }

    /** Ends every stream; call after the writers have stopped. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        for (StreamClient client : List.copyOf(clients.values())) {
            clients.remove(client.id);
            client.closed.set(true);
            closeSink(client);
        }
        updateWantedTypes();
    }

    // Metrics for GET /metrics (MetricsServlet): totals over the clients connected now and those gone.

    private final AtomicLong sentByGone = new AtomicLong();
    private final AtomicLong resyncsByGone = new AtomicLong();
    private final AtomicLong sentReported = new AtomicLong();
    private final AtomicLong resyncsReported = new AtomicLong();

    /** Keeps a removed client's counts in the totals. */
    private void retire(StreamClient client) {
        sentByGone.addAndGet(client.sent());
        resyncsByGone.addAndGet(client.resyncs());
    }

    /**
     * Events written to clients since the hub started, connected or gone. Never goes down; a client being removed
     * while this is read may be missed or counted twice until the next reading.
     */
    long eventsSent() {
        long total = sentByGone.get();
        for (StreamClient client : clients.values()) {
            total += client.sent();
        }
        return sentReported.accumulateAndGet(total, Math::max);
    }

    /** Resyncs (queue overflows) of all clients since the hub started, as {@link #eventsSent()} counts. */
    long resyncs() {
        long total = resyncsByGone.get();
        for (StreamClient client : clients.values()) {
            total += client.resyncs();
        }
        return resyncsReported.accumulateAndGet(total, Math::max);
    }

    /** Events in the replay buffer now. */
    synchronized int replayBuffered() {
        return (int) Math.min(sequence, replay.length);
    }

    /** The replay buffer's size: events kept to replay. */
    int replayCapacity() {
        return replay.length;
    }

    /** Events replayed to resuming clients since the hub started. */
    long replayed() {
        return replayed.get();
    }

    /** Resuming clients told to reload, for one reason, since the hub started. */
    long resets(Reset reason) {
        return resets[reason.ordinal()].get();
    }

    /** The id of the newest event, as text; the epoch and 0 before the first. */
    synchronized String lastEventId() {
        return EventId.text(epoch, sequence);
    }

    /** Events waiting in the connected clients' queues. */
    long queuedEvents() {
        long total = 0;
        for (StreamClient client : clients.values()) {
            total += client.queued();
        }
        return total;
    }
}
