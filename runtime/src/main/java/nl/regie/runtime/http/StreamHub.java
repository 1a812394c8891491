package nl.regie.runtime.http;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;

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
        if (closed || clients.size() >= maxClients) {
            return null;
        }
        StreamClient client = new StreamClient(clientIds.incrementAndGet(), filter, sink, greeting, queueCapacity,
                maxOverflows);
        client.scheduled.set(true);
        clients.put(client.id, client);
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
            client.closed.set(true);
            schedule(client);
        }
    }

    /** The bus listener: offers the reading to every client whose filter it passes. Never blocks. */
    void publish(Reading reading) {
        if (clients.isEmpty()) {
            return;
        }
        Location location = reading.location();
        boolean looked = location != null;
        long id = -1;
        StreamClient.Item item = null;
        for (StreamClient client : clients.values()) {
            if (!client.filter.types().isEmpty() && !client.filter.types().contains(reading.entityType())) {
                continue;
            }
            if (!looked) {
                location = locator.apply(reading.entity());
                looked = true;
            }
            Location at = location;
            if (!client.filter.matches(reading, e -> at)) {
                continue;
            }
            if (item == null) {
                id = sequence.incrementAndGet();
                item = new StreamClient.Item(id, reading, location);
            }
            if (client.offer(item) == StreamClient.Offer.DROP) {
                dropped.incrementAndGet();
                remove(client);
            } else {
                schedule(client);
            }
        }
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
        if (client.scheduled.compareAndSet(false, true)) {
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
                String batch = client.nextBatch(BATCH);
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
    }
}
