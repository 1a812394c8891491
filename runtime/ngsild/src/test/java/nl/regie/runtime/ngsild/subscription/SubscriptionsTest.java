package nl.regie.runtime.ngsild.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;
import nl.regie.runtime.ngsild.subscription.Deliveries.Notice;
import nl.regie.runtime.ngsild.subscription.Subscription.Subscriber;
import nl.regie.runtime.sovereignty.policy.PolicyEngine;
import nl.regie.runtime.testing.MutableClock;
import nl.regie.runtime.testing.RecordingAuditLog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * What triggers a subscription and what its notification holds: entity selectors, watched attributes, q and geoQ,
 * throttling, expiry, isActive, periodic notifications, the subscriber's party's view, and the bound per party. On the
 * real policy engine, a city state in a map and a test clock.
 */
class SubscriptionsTest {

    private static final Instant T0 = Instant.parse("2030-05-01T08:00:00Z");
    private static final String REGIE_ORIGIN = "http://localhost:8080";
    private static final Subscriber CONTRACTOR = new Subscriber("contractor", "contractor-app", false);
    private static final Subscriber WATERBOARD = new Subscriber("waterboard", "wb-app", false);

    private final ObjectMapper mapper = new ObjectMapper();
    private final Contexts contexts = Contexts.shipped();
    private final MutableClock clock = new MutableClock(T0);
    private final MapCity city = new MapCity();
    private final PolicyEngine policy = new PolicyEngine(new RecordingAuditLog());
    private final List<Notice> sent = new ArrayList<>();
    private final List<String> stored = new ArrayList<>();
    private final Subscriptions subscriptions;

    SubscriptionsTest() throws Exception {
        // The bins belong to the contractor, everything else to the city; no grants: neither sees the other's.
        policy.apply(Map.of("defaultParty", "city", "devices", "bin-*=contractor"));
        subscriptions = new Subscriptions(city, policy, (name, grant) -> true, sent::add, contexts, clock, 3, new Subscriptions.Store() {
            @Override
            public void put(Subscription s) {
                stored.add("put " + s.id());
            }

            @Override
            public void remove(String id) {
                stored.add("remove " + id);
            }
        });
    }

    private Subscription subscription(Subscriber owner, String json) throws Exception {
        LdContext names = LdContext.fromLink("<" + REGIE_ORIGIN + Contexts.REGIE_PATH + ">; rel=\"" + LdContext.REL
                + "\"", contexts, List.of(REGIE_ORIGIN));
        return SubscriptionBody.parse(mapper.readTree(json.replace('\'', '"')), names, owner,
                TextNode.valueOf(names.link()), REGIE_ORIGIN, clock.instant());
    }

    private static String body(String members) {
        return "{'type': 'Subscription', " + members + ", 'notification': {'format': 'keyValues', 'endpoint':"
                + " {'uri': 'http://hooks.example.org/n'}}}";
    }

    private void publish(String type, String id, String attribute, double value, double lon, double lat) {
        clock.advance(java.time.Duration.ofSeconds(1));
        Reading r = new Reading(EntityId.of(type, id), attribute, Value.of(value), "%", clock.instant(),
                clock.instant(), id, Location.of(lon, lat));
        subscriptions.onReading(r);
        city.apply(r);
    }

    private JsonNode body(Notice notice) throws Exception {
        return mapper.readTree(new String(notice.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aChangeOfAWatchedAttributeOfASelectedEntityIsNotifiedWithTheEntityAsTheSubscriberSeesIt() throws Exception {
        subscriptions.create(subscription(CONTRACTOR, body("'id': 'urn:s:1', 'entities': [{'type': 'WasteContainer',"
                + " 'idPattern': '.*bin-00[12]'}], 'watchedAttributes': ['fillingLevel']")));
        publish("WasteContainer", "bin-001", "temperature", 20, 4.9, 52.37);
        publish("WasteContainer", "bin-001", "fillingLevel", 80, 4.9, 52.37);
        Instant notified = clock.instant();
        publish("WasteContainer", "bin-003", "fillingLevel", 80, 4.9, 52.37);
        publish("Streetlight", "lamp-1", "fillingLevel", 80, 4.9, 52.37);

        assertEquals(1, sent.size(), "only bin-001's fillingLevel");
        JsonNode n = body(sent.get(0));
        assertEquals("Notification", n.get("type").asText());
        assertTrue(n.get("id").asText().startsWith("urn:ngsi-ld:Notification:"));
        assertEquals("urn:s:1", n.get("subscriptionId").asText());
        assertEquals(notified.toString(), n.get("notifiedAt").asText());
        JsonNode entity = n.get("data").get(0);
        assertEquals("urn:ngsi-ld:WasteContainer:bin-001", entity.get("id").asText());
        assertEquals("WasteContainer", entity.get("type").asText());
        assertEquals(80.0, entity.get("fillingLevel").asDouble(), "keyValues, the new value");
        assertEquals(20.0, entity.get("temperature").asDouble(), "the rest of the entity");
        assertEquals("application/json", sent.get(0).headers().get("Content-Type"));
        assertTrue(sent.get(0).headers().get("Link").contains(Contexts.REGIE_PATH), sent.get(0).headers().toString());
        assertEquals(List.of("put urn:s:1"), stored);
    }

    @Test
    void aSubscriptionOfOnePartyNeverReceivesAnotherPartysPrivateEntities() throws Exception {
        subscriptions.create(subscription(WATERBOARD, body("'entities': [{'type': 'WasteContainer'}]")));
        subscriptions.create(subscription(CONTRACTOR, body("'entities': [{'type': 'WasteContainer'}]")));
        publish("WasteContainer", "bin-001", "fillingLevel", 80, 4.9, 52.37);

        assertEquals(1, sent.size());
        assertTrue(new String(sent.get(0).body(), StandardCharsets.UTF_8).contains("bin-001"));
        // The waterboard's subscription got nothing, not even an empty notification.
        Subscription wb = subscriptions.list(WATERBOARD).get(0).subscription();
        assertFalse(sent.stream().anyMatch(n -> new String(n.body(), StandardCharsets.UTF_8).contains(wb.id())));
    }

    @Test
    void qAndGeoQFilterOnTheEntityAfterTheChange() throws Exception {
        subscriptions.create(subscription(CONTRACTOR, body("'entities': [{'type': 'WasteContainer'}],"
                + " 'q': 'fillingLevel>70', 'geoQ': {'georel': 'near;maxDistance==1000', 'geometry': 'Point',"
                + " 'coordinates': [4.9, 52.37]}")));
        publish("WasteContainer", "bin-001", "fillingLevel", 50, 4.9, 52.37);
        publish("WasteContainer", "bin-002", "fillingLevel", 90, 5.2, 52.37);
        assertEquals(0, sent.size(), "too low; too far");
        publish("WasteContainer", "bin-001", "fillingLevel", 75, 4.9, 52.37);
        assertEquals(1, sent.size());
    }

    @Test
    void throttlingSkipsNotificationsUntilItsTimeHasPassed() throws Exception {
        subscriptions.create(subscription(CONTRACTOR, body("'id': 'urn:s:t', 'entities': [{'type':"
                + " 'WasteContainer'}], 'throttling': 10")));
        publish("WasteContainer", "bin-001", "fillingLevel", 1, 4.9, 52.37);
        publish("WasteContainer", "bin-001", "fillingLevel", 2, 4.9, 52.37);
        publish("WasteContainer", "bin-001", "fillingLevel", 3, 4.9, 52.37);
        assertEquals(1, sent.size());
        clock.advance(java.time.Duration.ofSeconds(10));
        publish("WasteContainer", "bin-001", "fillingLevel", 4, 4.9, 52.37);
        assertEquals(2, sent.size());
        assertEquals(2, subscriptions.get("urn:s:t", CONTRACTOR).orElseThrow().status().snapshot().throttled());
    }

    @Test
    void anExpiredOrPausedSubscriptionNotifiesNothingAndSaysSo() throws Exception {
        subscriptions.create(subscription(CONTRACTOR, body("'id': 'urn:s:e', 'entities': [{'type':"
                + " 'WasteContainer'}], 'expiresAt': '2030-05-01T08:00:05Z'")));
        subscriptions.create(subscription(CONTRACTOR, body("'id': 'urn:s:p', 'entities': [{'type':"
                + " 'WasteContainer'}], 'isActive': false")));
        publish("WasteContainer", "bin-001", "fillingLevel", 1, 4.9, 52.37);
        assertEquals(1, sent.size(), "the paused one sent nothing");
        clock.advance(java.time.Duration.ofSeconds(5));
        publish("WasteContainer", "bin-001", "fillingLevel", 2, 4.9, 52.37);
        assertEquals(1, sent.size(), "the expired one sent nothing more");
        assertEquals("expired", subscriptions.get("urn:s:e", CONTRACTOR).orElseThrow().subscription()
                .status(clock.instant()));
        assertEquals("paused", subscriptions.get("urn:s:p", CONTRACTOR).orElseThrow().subscription()
                .status(clock.instant()));
    }

    @Test
    void aPeriodicSubscriptionNotifiesEveryMatchingEntityItsPartySeesAtEachInterval() throws Exception {
        publish("WasteContainer", "bin-001", "fillingLevel", 10, 4.9, 52.37);
        publish("WasteContainer", "bin-002", "fillingLevel", 20, 4.9, 52.37);
        subscriptions.create(subscription(CONTRACTOR, body("'entities': [{'type': 'WasteContainer'}],"
                + " 'timeInterval': 60")));
        subscriptions.create(subscription(WATERBOARD, body("'entities': [{'type': 'WasteContainer'}],"
                + " 'timeInterval': 60")));
        publish("WasteContainer", "bin-001", "fillingLevel", 11, 4.9, 52.37);
        assertEquals(0, sent.size(), "a periodic subscription is not notified on change");
        subscriptions.tick();
        assertEquals(1, sent.size(), "the contractor's; the waterboard sees no bin");
        assertEquals(2, body(sent.get(0)).get("data").size());
        subscriptions.tick();
        assertEquals(1, sent.size(), "not due yet");
        clock.advance(java.time.Duration.ofSeconds(60));
        subscriptions.tick();
        assertEquals(2, sent.size());
    }

    @Test
    void notificationAttributesAndJsonLdFormat() throws Exception {
        subscriptions.create(subscription(CONTRACTOR, "{'type': 'Subscription', 'entities': [{'type':"
                + " 'WasteContainer'}], 'notification': {'attributes': ['fillingLevel'], 'endpoint': {'uri':"
                + " 'http://hooks.example.org/n', 'accept': 'application/ld+json'}}}"));
        publish("WasteContainer", "bin-001", "fillingLevel", 60, 4.9, 52.37);
        publish("WasteContainer", "bin-001", "temperature", 20, 4.9, 52.37);
        assertEquals(2, sent.size());
        JsonNode n = body(sent.get(1));
        assertEquals("application/ld+json", sent.get(1).headers().get("Content-Type"));
        assertEquals(null, sent.get(1).headers().get("Link"));
        assertTrue(n.get("@context").get(0).asText().endsWith(Contexts.REGIE_PATH), n.toString());
        assertEquals(Contexts.CORE, n.get("@context").get(1).asText(), "the core context last");
        JsonNode entity = n.get("data").get(0);
        assertEquals("Property", entity.get("fillingLevel").get("type").asText(), "normalized by default");
        assertEquals(60.0, entity.get("fillingLevel").get("value").asDouble());
        assertFalse(entity.has("temperature"), "only the attributes asked for: " + entity);
    }

    @Test
    void thePartysBoundAndTakenIdsAreRefused() throws Exception {
        subscriptions.create(subscription(CONTRACTOR, body("'id': 'urn:s:a', 'entities': [{'type': 'WasteContainer'}]")));
        NgsiLdException taken = assertThrows(NgsiLdException.class, () -> subscriptions.create(subscription(CONTRACTOR,
                body("'id': 'urn:s:a', 'entities': [{'type': 'WasteContainer'}]"))));
        assertEquals(ProblemType.ALREADY_EXISTS, taken.type());
        subscriptions.create(subscription(CONTRACTOR, body("'entities': [{'type': 'WasteContainer'}]")));
        subscriptions.create(subscription(CONTRACTOR, body("'entities': [{'type': 'WasteContainer'}]")));
        NgsiLdException bound = assertThrows(NgsiLdException.class, () -> subscriptions.create(subscription(CONTRACTOR,
                body("'entities': [{'type': 'WasteContainer'}]"))));
        assertEquals(ProblemType.FORBIDDEN, bound.type());
        assertTrue(bound.getMessage().contains("has 3 subscriptions"), bound.getMessage());
        // Another party has its own bound, and sees none of the contractor's.
        subscriptions.create(subscription(WATERBOARD, body("'entities': [{'type': 'WasteContainer'}]")));
        assertEquals(1, subscriptions.list(WATERBOARD).size());
        assertTrue(subscriptions.get("urn:s:a", WATERBOARD).isEmpty());
    }

    @Test
    void aHostileIdPatternCostsBoundedWorkAndOnlyItsOwnSubscription() throws Exception {
        subscriptions.create(subscription(CONTRACTOR, body("'id': 'urn:s:evil', 'entities': [{'type':"
                + " 'WasteContainer', 'idPattern': '(.*a){12}b'}]")));
        subscriptions.create(subscription(CONTRACTOR, body("'id': 'urn:s:good', 'entities': [{'type':"
                + " 'WasteContainer'}]")));
        publish("WasteContainer", "bin-" + "a".repeat(40) + "_", "fillingLevel", 1, 4.9, 52.37);
        assertEquals(1, sent.size(), "the good one is notified");
        DeliveryStatus.Snapshot evil = subscriptions.get("urn:s:evil", CONTRACTOR).orElseThrow().status().snapshot();
        assertEquals(1, evil.timesFailed());
        assertTrue(evil.lastError().contains("more than 200000 steps"), evil.lastError());
    }

    @Test
    void aQThatDoesNotParseIsRefusedWhenMade() throws Exception {
        Subscription bad = subscription(CONTRACTOR, body("'entities': [{'type': 'WasteContainer'}], 'q': 'a>>'"));
        NgsiLdException e = assertThrows(NgsiLdException.class, () -> subscriptions.create(bad));
        assertEquals(ProblemType.INVALID_REQUEST, e.type());
        assertEquals(0, subscriptions.size());
    }

    @Test
    void subscriptionsSurviveARestartInTheirFiles(@TempDir Path dir) throws Exception {
        Subscription made = subscription(CONTRACTOR, body("'id': 'urn:s:kept', 'entities': [{'type':"
                + " 'WasteContainer', 'idPattern': ':bin-'}], 'q': 'fillingLevel>70', 'throttling': 5,"
                + " 'watchedAttributes': ['fillingLevel']"));
        List<String> problems = new ArrayList<>();
        try (SubscriptionFiles files = SubscriptionFiles.open(dir, contexts, (level, m) -> { }, problems::add)) {
            files.put(made);
            files.put(subscription(CONTRACTOR, body("'id': 'urn:s:gone', 'entities': [{'type': 'Streetlight'}]")));
            files.remove("urn:s:gone");
        }
        try (SubscriptionFiles files = SubscriptionFiles.open(dir, contexts, (level, m) -> { }, problems::add)) {
            List<Subscription> back = files.loaded(problems::add);
            assertEquals(1, back.size());
            Subscription s = back.get(0);
            assertEquals("urn:s:kept", s.id());
            assertEquals(CONTRACTOR, s.owner());
            assertEquals("fillingLevel>70", s.q());
            assertEquals(5, s.throttling());
            assertEquals(made.entities().get(0).idPattern(), s.entities().get(0).idPattern());
            assertEquals(made.watched(), s.watched());
            assertEquals(made.endpoint(), s.endpoint());
            // It works after the restart.
            subscriptions.restore(s);
            publish("WasteContainer", "bin-001", "fillingLevel", 80, 4.9, 52.37);
            assertEquals(1, sent.size());
        }
        assertEquals(List.of(), problems);
    }
}
