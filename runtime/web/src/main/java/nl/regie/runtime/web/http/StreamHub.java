package nl.regie.runtime.web.http;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.bus.ReadView;

/**
 * The fan-out behind {@code GET /api/stream}, plain Java. {@link #publish} runs on the bus's delivery thread: it
 * filters each reading per client and offers it to that client's bounded queue, never blocking and never writing;
 * a client whose queue overflows gets its queue cleared and a {@code resync} event, and is dropped after
 * {@code maxOverflows} overflows in a row without catching up. Writing happens on {@code writers}: at most one
 * drain per client at a time, and a drain never waits for a client: when its sink is not ready it stops, and the
 * sink {@linkplain #wake wakes} the client once it can take more.
 */
final class StreamHub implements AutoCloseable {

    /** Events written per flush. */
    static final int BATCH = 64;

    private final int maxClients;
    private final int queueCapacity;
    private final int maxOverflows;
    private final Function<EntityId, Location> locator;
    private final Executor writers;
    private final Map<Long, StreamClient> clients = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
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
        if (closed || clients.size() >= maxClients) {
            return null;
        }
        StreamClient client = new StreamClient(clientIds.incrementAndGet(), filter, sink, greeting, queueCapacity,
                maxOverflows, view);
        client.scheduled.set(true);
        clients.put(client.id, client);
        updateWantedTypes();
        return client;
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
        String type = reading.entityType();
        Set<String> wanted = wantedTypes;
        if (wanted != null && !wanted.contains(type)) {
            return;
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
                item = new StreamClient.Item(sequence.incrementAndGet(), reading, location);
            }
            if (client.offer(item) == StreamClient.Offer.DROP) {
                dropped.incrementAndGet();
                remove(client);
            } else {
                schedule(client);
            }
        }
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

    /** Events waiting in the connected clients' queues. */
    long queuedEvents() {
        long total = 0;
        for (StreamClient client : clients.values()) {
            total += client.queued();
        }
        return total;
    }
}
