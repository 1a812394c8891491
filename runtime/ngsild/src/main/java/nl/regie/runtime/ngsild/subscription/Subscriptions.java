package nl.regie.runtime.ngsild.subscription;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.model.Representation;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;
import nl.regie.runtime.ngsild.subscription.Deliveries.Notice;
import nl.regie.runtime.ngsild.subscription.Subscription.Subscriber;
import nl.regie.runtime.spi.access.HttpCallers;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.VisibleEntities;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The subscriptions and what triggers them: each reading of the bus is matched against the subscriptions that select
 * its entity type and watch its attribute; for each, the reading and its entity pass through the subscriber's
 * {@link ReadView} (the operator's policy, as {@code /api/entities} applies it), and only what the subscriber's party
 * may see is matched against {@code q} and {@code geoQ} and notified. Throttling, expiry and {@code isActive} are
 * applied before anything is queued; {@code timeInterval} subscriptions are notified by {@link #tick}. A subscription
 * notifies only while the token that made it stands ({@link HttpCallers}): a token removed, given a new secret or
 * other scopes stops its subscriptions, each change it misses counted as a failure with the reason. At most
 * {@code maxPerParty} subscriptions per party. Plain Java; thread-safe (readings come on the bus thread, changes on
 * request threads).
 */
public final class Subscriptions {

    /** The most entities in one periodic notification. */
    public static final int MAX_PERIODIC_ENTITIES = 1_000;

    /** Where subscriptions are kept across a restart. */
    public interface Store {
        void put(Subscription subscription);

        void remove(String id);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final CityState city;
    private final AccessPolicy policy;
    private final HttpCallers callers;
    private final Consumer<Notice> deliveries;
    private final Contexts contexts;
    private final Clock clock;
    private final int maxPerParty;
    private final Store store;
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    private volatile Map<String, List<Entry>> byType = Map.of();

    /**
     * @param callers    whether the token that made a subscription still stands
     * @param deliveries where notifications go ({@link Deliveries#offer} outside tests)
     */
    public Subscriptions(CityState city, AccessPolicy policy, HttpCallers callers, Consumer<Notice> deliveries,
            Contexts contexts, Clock clock, int maxPerParty, Store store) {
        this.city = city;
        this.policy = policy;
        this.callers = callers;
        this.deliveries = deliveries;
        this.contexts = contexts;
        this.clock = clock;
        this.maxPerParty = maxPerParty;
        this.store = store;
    }

    /** One subscription with its compiled filter and its delivery counters. */
    public record Entry(Matcher matcher, DeliveryStatus status, Instant[] nextDue) {
        public Subscription subscription() {
            return matcher.subscription();
        }
    }

    /** Takes in a subscription read back at start, without storing it again. */
    public void restore(Subscription s) {
        byId.put(s.id(), new Entry(Matcher.of(s, contexts), new DeliveryStatus(), new Instant[] {clock.instant()}));
        reindex();
    }

    /**
     * Adds a subscription.
     *
     * @throws NgsiLdException AlreadyExists for a taken id, 403 when the party has its most subscriptions,
     *                         BadRequestData for a q or geoQ that does not parse
     */
    public synchronized Subscription create(Subscription s) {
        Matcher matcher = Matcher.of(s, contexts);
        if (byId.containsKey(s.id())) {
            throw new NgsiLdException(ProblemType.ALREADY_EXISTS, "subscription " + s.id() + " already exists");
        }
        long ofParty = byId.values().stream().filter(e -> e.subscription().owner().party().equals(s.owner().party()))
                .count();
        if (ofParty >= maxPerParty) {
            throw new NgsiLdException(ProblemType.FORBIDDEN, "party '" + s.owner().party() + "' has " + ofParty
                    + " subscriptions, the most the operator allows (maxPerParty); delete one first");
        }
        store.put(s);
        byId.put(s.id(), new Entry(matcher, new DeliveryStatus(), new Instant[] {clock.instant()}));
        reindex();
        return s;
    }

    /** Replaces a subscription (a PATCH), keeping its counters. */
    public synchronized Subscription replace(Subscription s) {
        Matcher matcher = Matcher.of(s, contexts);
        Entry old = byId.get(s.id());
        if (old == null) {
            throw NgsiLdException.notFound("no subscription " + s.id());
        }
        store.put(s);
        byId.put(s.id(), new Entry(matcher, old.status(), new Instant[] {clock.instant()}));
        reindex();
        return s;
    }

    /** Removes a subscription. */
    public synchronized void delete(String id) {
        if (byId.remove(id) == null) {
            throw NgsiLdException.notFound("no subscription " + id);
        }
        store.remove(id);
        reindex();
    }

    /** The subscription, if the caller may see it: its own party's, or any for the operator. */
    public Optional<Entry> get(String id, Subscriber caller) {
        Entry e = byId.get(id);
        return e != null && mayManage(caller, e.subscription()) ? Optional.of(e) : Optional.empty();
    }

    /** The caller's subscriptions, by id. */
    public List<Entry> list(Subscriber caller) {
        return byId.values().stream().filter(e -> mayManage(caller, e.subscription()))
                .sorted(Comparator.comparing(e -> e.subscription().id())).toList();
    }

    /** How many subscriptions there are. */
    public int size() {
        return byId.size();
    }

    private static boolean mayManage(Subscriber caller, Subscription s) {
        return caller.operator() || caller.party().equals(s.owner().party());
    }

    private void reindex() {
        Map<String, List<Entry>> index = new LinkedHashMap<>();
        for (Entry e : byId.values()) {
            e.subscription().entities().stream().map(Subscription.EntitySelector::type).distinct()
                    .forEach(t -> index.computeIfAbsent(t, k -> new ArrayList<>()).add(e));
        }
        index.replaceAll((k, v) -> List.copyOf(v));
        byType = Map.copyOf(index);
    }

    /** A reading on the bus: notifies every subscription it concerns, as its subscriber may see it. */
    public void onReading(Reading reading) {
        List<Entry> candidates = byType.get(reading.entity().type());
        if (candidates == null) {
            return;
        }
        Instant now = clock.instant();
        for (Entry e : candidates) {
            try {
                offer(e, reading, now);
            } catch (NgsiLdException tooComplex) {
                // A caller's pattern past its bound (BoundedMatch): this subscription misses the change, no other.
                e.status().refused(now, tooComplex.getMessage());
            }
        }
    }

    private void offer(Entry e, Reading reading, Instant now) {
        Subscription s = e.subscription();
        if (!s.active() || s.expired(now) || s.timeInterval() > 0
                || !e.matcher().watches(reading.entity(), reading.attribute()) || !stands(e, now)) {
            return;
        }
        EntityState seen = visible(s, reading);
        if (seen == null || !e.matcher().passes(seen)) {
            return;
        }
        if (e.status().admit(now, s.throttling())) {
            deliveries.accept(notice(e, List.of(seen), now));
        }
    }

    /** Sends the periodic notifications that are due, and nothing else. */
    public void tick() {
        Instant now = clock.instant();
        for (Entry e : byId.values()) {
            Subscription s = e.subscription();
            if (s.timeInterval() == 0 || !s.active() || s.expired(now)) {
                continue;
            }
            synchronized (e) {
                if (now.isBefore(e.nextDue()[0])) {
                    continue;
                }
                e.nextDue()[0] = now.plusSeconds(s.timeInterval());
            }
            if (!stands(e, now)) {
                continue;
            }
            try {
                List<EntityState> matches = periodic(e);
                if (!matches.isEmpty()) {
                    deliveries.accept(notice(e, matches, now));
                }
            } catch (NgsiLdException tooComplex) {
                e.status().refused(now, tooComplex.getMessage());
            }
        }
    }

    /** Whether the subscription's token stands; if not, the change it misses is counted with the reason. */
    private boolean stands(Entry e, Instant now) {
        Subscriber owner = e.subscription().owner();
        if (owner.operator() || callers.inForce(owner.token(), owner.grant())) {
            return true;
        }
        e.status().refused(now, "the token '" + owner.token() + "' that made this subscription was removed or changed"
                + " (secret, party or scopes) since: nothing is notified while it does not stand as it did");
        return false;
    }

    private List<EntityState> periodic(Entry e) {
        Subscription s = e.subscription();
        ReadView view = s.owner().operator() ? null : policy.readView(s.owner().party(), s.owner().token());
        Set<String> types = s.entities().stream().map(Subscription.EntitySelector::type).collect(Collectors.toSet());
        List<EntityState> result = new ArrayList<>();
        for (String type : types) {
            List<EntityState> ofType = city.byType(type).stream().filter(x -> e.matcher().selects(x.id())).toList();
            List<EntityState> seen = view == null ? ofType : VisibleEntities.of(ofType, view, types::contains);
            for (EntityState x : seen) {
                if (e.matcher().selects(x.id()) && e.matcher().passes(x) && result.size() < MAX_PERIODIC_ENTITIES) {
                    result.add(x);
                }
            }
        }
        return result;
    }

    /**
     * The reading's entity as the subscriber sees it, the reading in it (the city state may not have taken it in yet),
     * or null when the subscriber may not see the reading as it is.
     */
    private EntityState visible(Subscription s, Reading reading) {
        EntityId id = reading.entity();
        EntityState current = city.entity(id).orElse(null);
        Map<String, AttributeState> attributes = new LinkedHashMap<>();
        if (current != null) {
            attributes.putAll(current.attributes());
        }
        attributes.put(reading.attribute(), new AttributeState(reading.value(), reading.unit(),
                reading.observedAt(), reading.source()));
        EntityState entity = new EntityState(id, reading.location() != null ? reading.location()
                : current == null ? null : current.location(), attributes, reading.observedAt());
        if (s.owner().operator()) {
            return entity;
        }
        ReadView view = policy.readView(s.owner().party(), s.owner().token());
        Reading seen = view.apply(reading);
        if (seen == null || !seen.entity().equals(id) || !seen.attribute().equals(reading.attribute())) {
            return null;
        }
        for (EntityState e : VisibleEntities.of(List.of(entity), view, type -> true)) {
            if (e.id().equals(id)) {
                return e;
            }
        }
        return null;
    }

    /** The notification of these entities, as the subscription asks for it. */
    Notice notice(Entry e, List<EntityState> entities, Instant now) {
        Subscription s = e.subscription();
        LdContext names = e.matcher().names();
        boolean ld = s.endpoint().accept().equals("application/ld+json");
        Set<String> attrs = s.attributes().isEmpty() ? null : s.attributes();
        List<Object> data = new ArrayList<>();
        for (EntityState x : entities) {
            data.add(Representation.entity(x, s.format(), names, attrs, null));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", "urn:ngsi-ld:Notification:" + UUID.randomUUID());
        body.put("type", "Notification");
        body.put("subscriptionId", s.id());
        body.put("notifiedAt", now.toString());
        body.put("data", data);
        Map<String, String> headers = new LinkedHashMap<>();
        if (ld) {
            body.put("@context", names.valueWithCore());
            headers.put("Content-Type", "application/ld+json");
        } else {
            headers.put("Content-Type", "application/json");
            headers.put("Link", "<" + names.link() + ">; rel=\"" + LdContext.REL + "\"; type=\"application/ld+json\"");
        }
        if (!s.endpoint().mqtt()) {
            headers.putAll(s.endpoint().receiverInfo());
        }
        try {
            return new Notice(s.endpoint(), MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8),
                    headers, e.status());
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a notification does not write as JSON", ex);
        }
    }
}
