package nl.regie.runtime.web.http;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.Servlet;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Deletion;
import nl.regie.api.model.Reading;
import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.spi.access.HttpCaller;
import nl.regie.runtime.spi.access.HttpCallers;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.RuntimeBus;
import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.state.FullCityState;
import nl.regie.runtime.web.access.Caller;
import nl.regie.runtime.web.json.Json;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * {@code GET /api/stream?type=T&near=lon,lat,metres&bbox=w,s,e,n}: entity changes, alerts and deletions as
 * Server-Sent Events.
 * One subscription to every topic, as the runtime bundle with a large queue, feeds a {@link StreamHub}; each client
 * has a queue of {@value #CLIENT_QUEUE} events, and one that overflows it gets a {@code resync} event (reload the
 * state) and is dropped after {@value #MAX_OVERFLOWS} overflows in a row. Writing runs on {@value #WRITERS} daemon
 * threads {@code regie-stream-N} with async requests and non-blocking output (Servlet 3.1 {@code WriteListener}), so
 * a client whose socket is full holds no thread: its events wait in its queue. A client's writer starts
 * {@value #LINGER_MILLIS} ms after the first event it has waiting, so that one write (and flush) carries every event
 * that arrives meanwhile rather than one each; a heartbeat comment goes out every
 * {@value #HEARTBEAT_SECONDS} s when nothing else did, which also finds clients that went away.
 *
 * <p>Every event has an id {@code {epoch}-{sequence}} ({@link EventId}; the epoch grows at each start, counted in
 * {@code <state dir>/stream/epoch}), and the last {@link Config#replayEvents()} events are kept: a client that
 * reconnects with {@code Last-Event-ID} gets exactly the events after it that its filter and view pass, or, when they
 * are no longer kept (or the id is from another start, or was never given), one {@code reset} event telling it to
 * reload. A {@code Last-Event-ID} that is not such an id is 400.
 *
 * <p>A caller other than the operator streams only the entity types its token reads (asking for another is 403) and
 * sees each reading through its own {@link nl.regie.runtime.spi.bus.ReadView} of the policy.
 */
@Component(service = {Servlet.class, MetricSource.class}, configurationPid = StreamServlet.PID,
        property = {"osgi.http.whiteboard.servlet.asyncSupported=true", MetricSource.ORDER + ":Integer=70"})
@HttpWhiteboardServletPattern("/api/stream")
@Designate(ocd = StreamServlet.Config.class)
public class StreamServlet extends GuardedServlet implements MetricSource {

    /** The framework property naming the state folder; the epoch counter is kept in its {@code stream} folder. */
    static final String STATE_DIR_PROPERTY = "regie.state.dir";

    private static final long serialVersionUID = 1L;

    /** The configuration PID. */
    public static final String PID = "nl.regie.runtime.stream";

    /** The stream's configuration; a change restarts the stream (a new epoch: resuming clients are told to reload). */
    @ObjectClassDefinition(id = PID, name = "Regie live stream",
            description = "The live stream /api/stream: how many events it keeps for clients that resume.")
    public @interface Config {

        /** Events kept to replay to a client that reconnects with Last-Event-ID. */
        @AttributeDefinition(name = "Replay buffer (events)", min = "0", max = "1000000",
                description = "The last events kept, whoever was connected, to replay to a client that reconnects"
                        + " with Last-Event-ID; a client that missed more is sent a reset event (reload the state).")
        int replayEvents() default DEFAULT_REPLAY_EVENTS;
    }

    /** Events kept to replay by default: about two minutes of the demo city, a few MB. */
    static final int DEFAULT_REPLAY_EVENTS = 10_000;
    /** The header a resuming client sends. */
    static final String LAST_EVENT_ID = "Last-Event-ID";

    /** Connected clients at most; one more gets 503. */
    static final int MAX_CLIENTS = 1_000;
    /** Events a client can have waiting before it must resync. */
    static final int CLIENT_QUEUE = 256;
    /** Overflows in a row (no write completing in between) after which a client is dropped. */
    static final int MAX_OVERFLOWS = 3;
    /** Readings the stream's own bus subscription can have waiting. */
    static final int BUS_QUEUE = 100_000;
    static final int WRITERS = 4;
    /** How long a client's events wait to be written together; a little latency for far fewer writes. */
    static final long LINGER_MILLIS = 5;
    static final int HEARTBEAT_SECONDS = 15;
    static final long RETRY_MILLIS = 3_000;

    private final transient StreamHub hub;
    private final transient ScheduledExecutorService writers;
    private final transient Subscription subscription;
    private final transient AccessPolicy policy;
    private final transient HttpCallers callers;
    /** The caller of each connected client, whose token must still stand for the stream to go on. */
    private final transient Map<StreamClient, HttpCaller> owners = new ConcurrentHashMap<>();
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile AuditLog audit;

    /** Streams the bus, as the runtime bundle; each caller sees what the policy lets its party see. */
    @Activate
    public StreamServlet(@Reference RuntimeBus bus, @Reference(service = FullCityState.class) CityState cityState,
            @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy,
            @Reference HttpCallers callers, BundleContext context, Config config,
            @Reference(service = LoggerFactory.class) Logger log) {
        this(bus, Owner.of(context.getBundle()), cityState, policy, callers, MAX_CLIENTS, HEARTBEAT_SECONDS,
                epoch(context, log), config.replayEvents());
    }

    StreamServlet(RuntimeBus bus, Owner owner, CityState cityState, AccessPolicy policy, int maxClients,
            long heartbeatSeconds) {
        this(bus, owner, cityState, policy, (name, grant) -> true, maxClients, heartbeatSeconds, 1,
                DEFAULT_REPLAY_EVENTS);
    }

    /**
     * @param callers      whether a client's token still stands; checked every second
     * @param epoch        the first part of every event id ({@link StreamEpoch})
     * @param replayEvents events kept to replay to resuming clients
     */
    StreamServlet(RuntimeBus bus, Owner owner, CityState cityState, AccessPolicy policy, HttpCallers callers,
            int maxClients, long heartbeatSeconds, long epoch, int replayEvents) {
        this.policy = policy;
        this.callers = callers;
        writers = Executors.newScheduledThreadPool(WRITERS, daemonThreads());
        hub = new StreamHub(maxClients, CLIENT_QUEUE, MAX_OVERFLOWS,
                id -> cityState.entity(id).map(EntityState::location).orElse(null), lingering(writers, LINGER_MILLIS),
                epoch, Math.max(0, replayEvents));
        writers.scheduleAtFixedRate(hub::heartbeat, heartbeatSeconds, heartbeatSeconds, TimeUnit.SECONDS);
        writers.scheduleWithFixedDelay(this::endRevoked, 1, 1, TimeUnit.SECONDS);
        subscription = bus.subscribe(owner, List.of("#"), new ReadingListener() {
            @Override
            public void onReading(Reading reading) {
                hub.publish(reading);
            }

            @Override
            public void onDelete(Deletion deletion) {
                hub.delete(deletion);
            }
        }, BUS_QUEUE);
    }

    /** This start's epoch, counted in {@code <state dir>/stream}; a fallback is logged with its reason. */
    private static long epoch(BundleContext context, Logger log) {
        String dir = context.getProperty(STATE_DIR_PROPERTY);
        Path folder = dir == null || dir.isBlank() ? null : Path.of(dir).resolve("stream");
        StreamEpoch.Start start = StreamEpoch.next(folder, Clock.systemUTC());
        if (start.reason() != null && folder != null) {
            log.warn("Live stream: {}; event ids still never repeat unless the clock was set back", start.reason());
        }
        return start.epoch();
    }

    @Deactivate
    void deactivate() {
        subscription.close();
        writers.shutdownNow();
        try {
            writers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        hub.close();
    }

    StreamHub hub() {
        return hub;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        StreamFilter filter;
        try {
            filter = StreamFilter.parse(request.getParameterMap());
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        EventId lastSeen;
        try {
            lastSeen = EventId.parse(request.getHeader(LAST_EVENT_ID));
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI(),
                    Map.of("header", LAST_EVENT_ID));
            return;
        }
        Caller caller = Caller.of(request);
        Set<String> readable = caller.readTypes();
        if (readable != null) {
            Set<String> refused = new TreeSet<>(filter.types());
            refused.removeAll(readable);
            if (!refused.isEmpty() || readable.isEmpty()) {
                String scope = refused.isEmpty() ? "read:<EntityType>" : "read:" + refused.iterator().next();
                refused(caller, request.getMethod(), request.getRequestURI(), scope);
                Json.problem(response, 403, "Forbidden", "token '" + caller.name() + "' lacks the scope " + scope
                        + " to stream " + (refused.isEmpty() ? "anything" : refused), request.getRequestURI(),
                        Map.of("scope", scope));
                return;
            }
            filter = new StreamFilter(filter.types().isEmpty() ? readable : filter.types(), filter.near(),
                    filter.metres(), filter.bbox());
        }
        if (hub.full()) {
            tooMany(request, response);
            return;
        }
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        ServletOutputStream out = response.getOutputStream();
        StreamClient client = hub.register(filter, new StreamClient.Sink() {
            @Override
            public boolean ready() {
                return out.isReady();
            }

            @Override
            public void write(byte[] text) throws IOException {
                out.write(text);
                if (out.isReady()) {
                    out.flush();
                }
            }

            @Override
            public void close() {
                try {
                    async.complete();
                } catch (IllegalStateException e) {
                    // already completed
                }
            }
        }, SseFormat.retry(RETRY_MILLIS) + SseFormat.comment("connected"),
                caller.operator() ? null : policy.readView(caller.party(), caller.name()), lastSeen);
        if (client == null) {
            tooMany(request, response);
            async.complete();
            return;
        }
        owners.put(client, caller);
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                gone(client);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                gone(client);
            }

            @Override
            public void onError(AsyncEvent event) {
                gone(client);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not restarted
            }
        });
        out.setWriteListener(new WriteListener() {
            @Override
            public void onWritePossible() {
                hub.wake(client);
            }

            @Override
            public void onError(Throwable failure) {
                gone(client);
            }
        });
        hub.start(client);
    }

    private void gone(StreamClient client) {
        owners.remove(client);
        hub.remove(client);
    }

    /**
     * Ends the streams whose token no longer stands (removed from the configuration, given a new secret, another
     * party or other scopes): a revoked token stops receiving within about a second. Each is audited.
     */
    void endRevoked() {
        for (Map.Entry<StreamClient, HttpCaller> e : owners.entrySet()) {
            HttpCaller caller = e.getValue();
            if (!callers.inForce(caller) && owners.remove(e.getKey(), caller)) {
                hub.remove(e.getKey());
                AuditLog log = audit;
                if (log != null) {
                    log.record(new AuditEvent(Instant.now(), AuditEvent.ACCESS, caller.name(), caller.party(), "GET",
                            "/api/stream", "401", "stream ended: the token was revoked or changed"));
                }
            }
        }
    }

    private void tooMany(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Retry-After", "30");
        Json.problem(response, 503, "Service Unavailable", "already " + hub.size()
                + " stream clients connected, the most allowed", request.getRequestURI(), Map.of());
    }

    private void refused(Caller caller, String method, String target, String scope) {
        AuditLog log = audit;
        if (log != null) {
            log.record(new AuditEvent(Instant.now(), AuditEvent.ACCESS, caller.name(), caller.party(), method,
                    target, "403", "needs scope " + scope));
        }
    }

    /** Runs each task on {@code writers}, {@code millis} after it is handed over. */
    static Executor lingering(ScheduledExecutorService writers, long millis) {
        return task -> writers.schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "regie-stream-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Writes the {@code regie_stream_*} families: clients, queued events, events sent, resyncs and drops. */
    @Override
    public void collect(MetricWriter out) {
        write(out, hub());
    }

    /** Writes a hub's figures. */
    static void write(MetricWriter out, StreamHub hub) {
        out.gauge("regie_stream_clients", "Clients connected to the live stream (/api/stream).").sample(hub.size());
        out.gauge("regie_stream_queued_events", "Events waiting in the stream clients' queues.").sample(hub.queuedEvents());
        out.counter("regie_stream_events_sent_total", "Events written to stream clients.").sample(hub.eventsSent());
        out.counter("regie_stream_resyncs_total",
                "Stream client queue overflows: the queue was cleared and a resync event sent.").sample(hub.resyncs());
        out.counter("regie_stream_clients_dropped_total", "Stream clients dropped for falling behind.")
                .sample(hub.dropped());
        out.gauge("regie_stream_replay_buffer_events", "Events the live stream keeps to replay to resuming clients.")
                .sample(hub.replayBuffered());
        out.gauge("regie_stream_replay_buffer_capacity", "Events the live stream's replay buffer can keep.")
                .sample(hub.replayCapacity());
        out.counter("regie_stream_replayed_events_total", "Events replayed to clients that resumed with Last-Event-ID.")
                .sample(hub.replayed());
        MetricWriter.Family resets = out.counter("regie_stream_resets_total",
                "Clients that resumed with a Last-Event-ID the replay buffer could not serve, told to reload, by reason.");
        for (StreamHub.Reset reason : StreamHub.Reset.values()) {
            resets.sample(hub.resets(reason), "reason", reason.reason);
        }
    }
}
