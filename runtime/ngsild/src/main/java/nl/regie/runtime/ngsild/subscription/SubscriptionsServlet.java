package nl.regie.runtime.ngsild.subscription;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Reading;
import nl.regie.api.state.CityState;
import nl.regie.runtime.ngsild.http.MediaTypes;
import nl.regie.runtime.ngsild.http.NgsiLdServlet;
import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;
import nl.regie.runtime.ngsild.subscription.Subscription.Subscriber;
import nl.regie.runtime.spi.access.HttpCaller;
import nl.regie.runtime.spi.access.HttpCallers;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.RuntimeBus;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.state.FullCityState;
import nl.regie.runtime.statefiles.StateFiles;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * {@code /ngsi-ld/v1/subscriptions}: create (POST), list (GET), read (GET {id}), change (PATCH {id}) and delete
 * (DELETE {id}) NGSI-LD subscriptions, and the notifications they trigger ({@link Subscriptions}, {@link Deliveries},
 * over {@link HttpTransport} and {@link MqttTransport}). The subscriber is the caller's token: its party sees and
 * manages its own subscriptions (the operator all), each entity type of a subscription must be one the token reads,
 * and every notification shows only what the party may see. Endpoints are checked by the operator's
 * {@link EndpointRule}. Subscriptions are kept in {@code <state dir>/ngsild/subscriptions}
 * ({@link SubscriptionFiles}).
 */
@Component(service = Servlet.class, configurationPid = SubscriptionsServlet.PID)
@HttpWhiteboardServletPattern({"/ngsi-ld/v1/subscriptions", "/ngsi-ld/v1/subscriptions/*"})
@Designate(ocd = SubscriptionsServlet.Config.class)
public class SubscriptionsServlet extends NgsiLdServlet {

    private static final long serialVersionUID = 1L;

    /** The configuration PID. */
    public static final String PID = "nl.regie.runtime.ngsild.subscriptions";
    /** The framework property naming the state folder. */
    static final String STATE_DIR_PROPERTY = "regie.state.dir";
    static final String BASE = "/ngsi-ld/v1/subscriptions";
    /** Readings the notifier's bus subscription can have waiting. */
    static final int BUS_QUEUE = 100_000;

    /** The notifications' bounds and where they may go. */
    @ObjectClassDefinition(id = PID, name = "Regie NGSI-LD subscriptions",
            description = "Where NGSI-LD notifications may be sent, and their bounds.")
    public @interface Config {

        @AttributeDefinition(name = "Allowed internal endpoints", required = false,
                description = "Host names, addresses and networks (10.0.0.0/8, 127.0.0.1) notifications may go to"
                        + " although they are loopback, private or link-local; none by default")
        String[] allowedEndpoints() default {};

        @AttributeDefinition(name = "Public endpoints",
                description = "Whether endpoints whose addresses are all public are allowed")
        boolean publicEndpoints() default true;

        @AttributeDefinition(name = "Subscriptions per party", min = "0", max = "100000")
        int maxPerParty() default 100;

        @AttributeDefinition(name = "Queue per endpoint", min = "1", max = "100000",
                description = "Notifications one endpoint can have waiting; more are dropped and counted")
        int queuePerEndpoint() default 1_000;

        @AttributeDefinition(name = "Timeout (ms)", min = "100", max = "60000")
        int timeoutMillis() default 5_000;

        @AttributeDefinition(name = "Attempts per notification", min = "1", max = "10")
        int attempts() default 3;

        @AttributeDefinition(name = "First backoff (ms)", min = "1", max = "60000",
                description = "The wait before the second attempt; doubled before each further one")
        int backoffMillis() default 500;

        @AttributeDefinition(name = "Sender threads", min = "1", max = "32")
        int senders() default 2;
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final transient Subscriptions subscriptions;
    private final transient Deliveries deliveries;
    private final transient EndpointRule rule;
    private final transient Clock clock;
    private final transient ScheduledExecutorService scheduler;
    private final transient RuntimeBus bus;
    private final transient Owner owner;
    /** On {@code #} while there is at least one subscription, null otherwise; guarded by this. */
    private transient Subscription onBus;
    private final transient SubscriptionFiles files;

    @Activate
    public SubscriptionsServlet(@Reference RuntimeBus bus, @Reference(service = FullCityState.class) CityState city,
            @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy,
            @Reference HttpCallers callers, BundleContext context, Config config,
            @Reference(service = LoggerFactory.class) Logger log) throws IOException {
        this(bus, Owner.of(context.getBundle()), city, policy, callers, config, stateFolder(context), log,
                Clock.systemUTC());
    }

    SubscriptionsServlet(RuntimeBus bus, Owner owner, CityState city, AccessPolicy policy, HttpCallers callers,
            Config config, Path folder, Logger log, Clock clock) throws IOException {
        super(Contexts.shipped(), log);
        this.clock = clock;
        this.rule = new EndpointRule(Arrays.asList(config.allowedEndpoints()), config.publicEndpoints(),
                java.net.InetAddress::getAllByName);
        scheduler = Executors.newScheduledThreadPool(config.senders(), threads("regie-ngsild-notify-"));
        Duration timeout = Duration.ofMillis(config.timeoutMillis());
        deliveries = new Deliveries(scheduler, new HttpTransport(timeout), new MqttTransport(timeout),
                rule, clock, config.queuePerEndpoint(), config.attempts(), Duration.ofMillis(config.backoffMillis()));
        StateFiles.Log fileLog = (level, message) -> {
            switch (level) {
                case ERROR -> log.error(message);
                case WARN -> log.warn(message);
                default -> log.info(message);
            }
        };
        files = folder == null ? null : SubscriptionFiles.open(folder, contexts, fileLog, log::warn);
        Subscriptions.Store store = files != null ? files : new Subscriptions.Store() {
            @Override
            public void put(nl.regie.runtime.ngsild.subscription.Subscription s) {
            }

            @Override
            public void remove(String id) {
            }
        };
        subscriptions = new Subscriptions(city, policy, callers, deliveries::offer, contexts, clock,
                config.maxPerParty(), store);
        if (files != null) {
            for (var s : files.loaded(log::warn)) {
                try {
                    subscriptions.restore(s);
                } catch (NgsiLdException e) {
                    log.warn("NGSI-LD subscription {} left out: {}", s.id(), e.getMessage());
                }
            }
        }
        scheduler.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        this.bus = bus;
        this.owner = owner;
        followBus();
    }

    private static Path stateFolder(BundleContext context) {
        String dir = context.getProperty(STATE_DIR_PROPERTY);
        return dir == null || dir.isBlank() ? null : Path.of(dir, "ngsild", "subscriptions");
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private void tick() {
        try {
            subscriptions.tick();
        } catch (RuntimeException e) {
            // A periodic notification that cannot be made now is tried at the next tick.
        }
    }

    /**
     * Subscribes to every reading while there is a subscription, and not otherwise: with none, the bus does not queue
     * each of its readings for this servlet.
     */
    private synchronized void followBus() {
        if (subscriptions.size() > 0 && onBus == null) {
            onBus = bus.subscribe(owner, List.of("#"), new ReadingListener() {
                @Override
                public void onReading(Reading reading) {
                    subscriptions.onReading(reading);
                }
            }, BUS_QUEUE);
        } else if (subscriptions.size() == 0 && onBus != null) {
            onBus.close();
            onBus = null;
        }
    }

    /** Whether this servlet is subscribed on the bus now. */
    synchronized boolean onBus() {
        return onBus != null;
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            if (onBus != null) {
                onBus.close();
                onBus = null;
            }
        }
        deliveries.close();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (files != null) {
            files.close();
        }
    }

    Subscriptions subscriptions() {
        return subscriptions;
    }

    @Override
    protected void handle(String method, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        HttpCaller caller = caller(request);
        Subscriber subscriber = new Subscriber(caller.party(), caller.name(), caller.operator(), caller.grant());
        List<String> path = segments(request);
        if (path.isEmpty()) {
            switch (method) {
                case "POST" -> create(request, response, caller, subscriber);
                case "GET" -> list(request, response, subscriber);
                default -> throw notAllowed(response, method, "GET, POST");
            }
            return;
        }
        if (path.size() > 1) {
            throw NgsiLdException.badData("'" + String.join("/", path) + "' is not a subscription id");
        }
        String id = path.get(0);
        switch (method) {
            case "GET" -> read(request, response, id, subscriber);
            case "PATCH" -> patch(request, response, id, caller, subscriber);
            case "DELETE" -> {
                find(id, subscriber);
                subscriptions.delete(id);
                followBus();
                noContent(response);
            }
            default -> throw notAllowed(response, method, "GET, PATCH, DELETE");
        }
    }

    private void create(HttpServletRequest request, HttpServletResponse response, HttpCaller caller,
            Subscriber subscriber) throws IOException {
        Request body = request(request);
        var s = SubscriptionBody.parse(body.json(), body.names(), subscriber, body.context(), origin(request),
                clock.instant());
        admit(s, caller);
        subscriptions.create(s);
        followBus();
        response.setStatus(201);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Location", BASE + "/" + s.id());
    }

    private void patch(HttpServletRequest request, HttpServletResponse response, String id, HttpCaller caller,
            Subscriber subscriber) throws IOException {
        Subscriptions.Entry entry = find(id, subscriber);
        Request body = request(request);
        var old = entry.subscription();
        ObjectNode current = MAPPER.valueToTree(SubscriptionJson.answer(old, body.names(), null, null));
        ObjectNode merged = SubscriptionBody.merge(current, body.json());
        merged.remove("@context");
        // A party's token that changes a subscription takes it over (so a new token revives one its revoked token
        // made); the operator changes it on its owner's behalf.
        Subscriber owner = subscriber.operator() ? old.owner() : subscriber;
        var s = SubscriptionBody.parse(merged, body.names(), owner, old.context(), old.origin(), clock.instant());
        if (!s.id().equals(old.id())) {
            throw NgsiLdException.badData("a PATCH may not change the subscription's 'id'");
        }
        admit(s, caller);
        subscriptions.replace(s);
        noContent(response);
    }

    /** The checks that need the caller and the network: each type readable, the endpoint allowed. */
    private void admit(nl.regie.runtime.ngsild.subscription.Subscription s, HttpCaller caller) {
        if (!caller.operator()) {
            for (var e : s.entities()) {
                if (!caller.mayRead(e.type())) {
                    throw new NgsiLdException(ProblemType.FORBIDDEN, "token '" + caller.name()
                            + "' lacks the scope read:" + e.type() + " to subscribe to " + e.type());
                }
            }
        }
        rule.check(s.endpoint().uri());
    }

    private void read(HttpServletRequest request, HttpServletResponse response, String id, Subscriber subscriber)
            throws IOException {
        Subscriptions.Entry e = find(id, subscriber);
        LdContext names = linkContext(request);
        write(request, response, names, SubscriptionJson.answer(e.subscription(), names, e.status().snapshot(),
                clock.instant()));
    }

    private void list(HttpServletRequest request, HttpServletResponse response, Subscriber subscriber)
            throws IOException {
        LdContext names = linkContext(request);
        int limit = number(request, "limit", 20, 1000);
        int offset = number(request, "offset", 0, Integer.MAX_VALUE);
        List<Subscriptions.Entry> all = subscriptions.list(subscriber);
        List<Object> page = new ArrayList<>();
        for (int i = offset; i < all.size() && page.size() < limit; i++) {
            Subscriptions.Entry e = all.get(i);
            page.add(SubscriptionJson.answer(e.subscription(), names, e.status().snapshot(), clock.instant()));
        }
        if ("true".equals(request.getParameter("count"))) {
            response.setHeader("NGSILD-Results-Count", Integer.toString(all.size()));
        }
        write(request, response, names, page);
    }

    private Subscriptions.Entry find(String id, Subscriber subscriber) {
        return subscriptions.get(id, subscriber).orElseThrow(() -> NgsiLdException.notFound("no subscription "
                + id));
    }

    private static int number(HttpServletRequest request, String name, int otherwise, int max) {
        String text = request.getParameter(name);
        if (text == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(text);
            if (n < 0 || n > max || name.equals("limit") && n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw NgsiLdException.badData("'" + name + "' must be a whole number from " + (name.equals("limit") ? 1 : 0)
                    + " to " + max);
        }
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, LdContext names,
            Object body) throws IOException {
        String mediaType = MediaTypes.answer(request.getHeader("Accept"));
        Object context = contextValue(mediaType, names);
        if (context != null) {
            List<Map<String, Object>> answers = body instanceof List<?> list ? castList(list) : List.of(castMap(body));
            answers.forEach(a -> a.put("@context", context));
        }
        answer(response, 200, mediaType, names, body);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static List<Map<String, Object>> castList(List<?> list) {
        return list.stream().map(SubscriptionsServlet::castMap).toList();
    }

    /** The request's body, and the context to keep: {@code @context} in JSON-LD, the Link header's URL in JSON. */
    private record Request(JsonNode json, LdContext names, JsonNode context) {
    }

    private Request request(HttpServletRequest request) throws IOException {
        Body body = body(request);
        if (!body.json().isObject()) {
            throw NgsiLdException.badData("the body must be a JSON object");
        }
        ObjectNode json = (ObjectNode) body.json();
        JsonNode context = json.remove("@context");
        return new Request(json, body.context(), context != null ? context : TextNode.valueOf(body.context().link()));
    }

    private static String origin(HttpServletRequest request) {
        return request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort();
    }
}
