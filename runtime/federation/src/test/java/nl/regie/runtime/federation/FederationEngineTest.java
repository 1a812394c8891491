package nl.regie.runtime.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.sovereignty.policy.PolicyEngine;
import nl.regie.runtime.sovereignty.policy.PolicyException;
import nl.regie.runtime.spi.audit.AuditEvent;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three sites' engines joined by hand (what the broker would carry, carried here by the test), each with the real
 * policy engine: what leaves, what enters, as whom, and every refusal.
 */
class FederationEngineTest {

    private static final Instant T = Instant.parse("2026-11-28T03:00:00Z");
    private static final Location GAUGE = Location.of(3.1250, 50.9470);

    /** Roeselare's clock; Gent's and the water board's run 2 s later, so the lag is 2 s. */
    private final Clock clock = Clock.fixed(T.plusSeconds(5), ZoneOffset.UTC);
    private final Clock later = Clock.fixed(T.plusSeconds(7), ZoneOffset.UTC);
    private final Site roeselare = new Site("roeselare", Map.of(
            "devices", "gauge-*=waterboard, res-*=city",
            "personal", "WaterObserved/+/observer",
            "sites", "gent, waterboard",
            "exports", new String[] {"waterboard>gent WaterObserved/+/waterLevel",
                "waterboard>gent WaterObserved/+/observer"}), 3, clock);
    private final Site gent = new Site("gent", Map.of(
            "sites", "roeselare, waterboard",
            "imports", "roeselare:waterboard WaterObserved/+/waterLevel",
            "exports", "roeselare:waterboard>waterboard WaterObserved/#",
            "grants", "roeselare:waterboard>city WaterObserved/#"), 3, later);
    private final Site waterboard = new Site("waterboard", Map.of(
            "sites", "roeselare, gent",
            "imports", "roeselare:waterboard WaterObserved/# via=gent"), 3, later);

    /** One site: its policy, its engine, what it sent, what reached its bus, what it audited. */
    private final class Site {
        final PolicyEngine policy;
        final FederationEngine engine;
        final List<Outgoing> outbox = new ArrayList<>();
        final List<Reading> bus = new ArrayList<>();
        final List<String> publishers = new ArrayList<>();
        final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
        int outboxCapacity = 1000;

        Site(String name, Map<String, Object> rules, int maxHops, Clock clock) {
            policy = new PolicyEngine(audit::add);
            try {
                policy.apply(rules);
            } catch (PolicyException e) {
                throw new AssertionError(e);
            }
            engine = new FederationEngine(name, policy, (publisher, reading) -> {
                publishers.add(publisher);
                bus.add(reading);
            }, message -> outbox.size() < outboxCapacity && outbox.add(message), audit::add, clock, maxHops, 1000);
        }

        void deliverTo(Site other) {
            for (Outgoing message : outbox) {
                other.engine.receive(message.topic(), message.payload(), message.properties());
            }
        }
    }

    @BeforeEach
    void quiet() {
        roeselare.audit.clear();
        gent.audit.clear();
    }

    @Test
    void aReadingLeavesUnderItsRuleAndArrivesOwnedByTheRemoteParty() {
        roeselare.engine.export(level("gauge-1", 2.4));
        assertEquals(1, roeselare.outbox.size());
        Outgoing message = roeselare.outbox.get(0);
        assertEquals("regie/v1/roeselare/share/gent/WaterObserved/g1/waterLevel", message.topic());
        assertEquals("roeselare", message.properties().get(WireFormat.ORIGIN_SITE));
        assertEquals("waterboard", message.properties().get(WireFormat.ORIGIN_PARTY));
        assertEquals("1", message.properties().get(WireFormat.HOPS));
        assertTrue(message.properties().get(WireFormat.READING_ID).startsWith("roeselare-"));
        roeselare.deliverTo(gent);
        assertEquals(1, gent.bus.size());
        Reading arrived = gent.bus.get(0);
        assertEquals("roeselare:waterboard/gauge-1", arrived.source());
        assertEquals(2.4, arrived.number().getAsDouble());
        assertEquals(T, arrived.observedAt());
        assertEquals(GAUGE, arrived.location());
        assertEquals("federation:roeselare", gent.publishers.get(0));
        assertEquals("roeselare:waterboard", gent.policy.partyOfSource(arrived.source()));
        assertEquals(Map.of("roeselare:waterboard WaterObserved/+/waterLevel", 1L), gent.engine.imported());
        roeselare.engine.sent(message);
        assertEquals(Map.of("waterboard>gent WaterObserved/+/waterLevel", 1L), roeselare.engine.exported());
        assertEquals(2000, gent.engine.lagMillis(), "exported at T+5 s by Roeselare's clock, received at T+7 s");
        assertEquals(T.plusSeconds(7), arrived.receivedAt());
    }

    @Test
    void nothingLeavesWithoutARuleAndPersonalAttributesStay() {
        roeselare.engine.export(level("res-1", 2.4));
        roeselare.engine.export(new Reading(EntityId.of("WaterObserved", "g1"), "observer", Value.of("J. Peeters"),
                "", T, T, "gauge-1", GAUGE));
        roeselare.engine.export(new Reading(EntityId.of("WaterObserved", "g1"), "flow", Value.of(3.0), "m3/s", T, T,
                "gauge-1", GAUGE));
        assertEquals(List.of(), roeselare.outbox);
    }

    @Test
    void aDuplicateIsDroppedAndCounted() {
        roeselare.engine.export(level("gauge-1", 2.4));
        roeselare.deliverTo(gent);
        roeselare.deliverTo(gent);
        assertEquals(1, gent.bus.size());
        assertEquals(1L, gent.engine.refused().get("duplicate"));
        assertEquals("duplicate", gent.engine.lastRefusal().reason());
    }

    @Test
    void readingsOutsideTheImportRulesAreRefusedAndTheGoodOnesStillArrive() {
        Map<String, String> props = properties("roeselare", "city", 1, "x-1");
        gent.engine.receive("regie/v1/roeselare/share/gent/WaterObserved/g1/waterLevel", payload(2.0), props);
        gent.engine.receive("regie/v1/roeselare/share/gent/WaterObserved/g1/flow", payload(2.0),
                properties("roeselare", "waterboard", 1, "x-2"));
        // A site publishing in its own namespace a reading it claims to come from another site.
        gent.engine.receive("regie/v1/waterboard/share/gent/WaterObserved/g1/waterLevel", payload(2.0),
                properties("roeselare", "waterboard", 1, "x-3"));
        gent.engine.receive("regie/v1/roeselare/share/antwerp/WaterObserved/g1/waterLevel", payload(2.0),
                properties("roeselare", "waterboard", 1, "x-4"));
        assertEquals(4L, gent.engine.refused().get("outside-grant"));
        roeselare.engine.export(level("gauge-1", 2.4));
        roeselare.deliverTo(gent);
        assertEquals(1, gent.bus.size(), "the good link keeps working");
    }

    @Test
    void malformedInputIsRefusedWithItsReasonAndAuditedAtMostOnceAMinute() {
        String topic = "regie/v1/roeselare/share/gent/WaterObserved/g1/waterLevel";
        gent.engine.receive(topic, "not json".getBytes(StandardCharsets.UTF_8),
                properties("roeselare", "waterboard", 1, "m-1"));
        gent.engine.receive(topic, payload(1.0), Map.of());
        gent.engine.receive("regie/v2/roeselare/share/gent/WaterObserved/g1/waterLevel", payload(1.0),
                properties("roeselare", "waterboard", 1, "m-3"));
        assertEquals(3L, gent.engine.refused().get("malformed"));
        assertTrue(gent.engine.lastRefusal().detail().contains("wire version v2"), gent.engine.lastRefusal().detail());
        List<AuditEvent> refusals = gent.audit.stream().filter(e -> e.kind().equals(AuditEvent.FEDERATION)).toList();
        assertEquals(1, refusals.size(), refusals.toString());
        assertEquals("roeselare", refusals.get(0).actor());
        assertTrue(refusals.get(0).detail().startsWith("malformed: payload is not JSON"), refusals.get(0).detail());
    }

    @Test
    void refusalsWithinAMinuteAreCountedAndThenAuditedAsOneEntryWithTheirNumber() throws Exception {
        Instant[] now = {T};
        Clock moving = new Clock() {
            @Override
            public Instant instant() {
                return now[0];
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        List<AuditEvent> audit = new ArrayList<>();
        PolicyEngine policy = new PolicyEngine(event -> { });
        policy.apply(Map.of("sites", "roeselare", "imports", "roeselare:waterboard WaterObserved/+/waterLevel"));
        FederationEngine engine = new FederationEngine("gent", policy, (publisher, reading) -> { }, message -> true,
                audit::add, moving, 3, 1000);
        String topic = "regie/v1/roeselare/share/gent/WaterObserved/g1/flow";
        for (int second : new int[] {0, 10, 20}) {
            now[0] = T.plusSeconds(second);
            engine.receive(topic, payload(1.0), properties("roeselare", "waterboard", 1, "g-" + second));
        }
        assertEquals(1, audit.size(), audit.toString());
        now[0] = T.plusSeconds(30);
        engine.auditCounted();
        assertEquals(1, audit.size(), "the minute is not over: " + audit);
        now[0] = T.plusSeconds(61);
        engine.auditCounted();
        assertEquals(2, audit.size(), audit.toString());
        assertEquals("roeselare", audit.get(1).actor());
        assertTrue(audit.get(1).detail().startsWith("outside-grant: 2 more refused for this reason since the last"
                + " entry; the last: no import rule accepts WaterObserved/g1/flow"), audit.get(1).detail());
        engine.auditCounted();
        assertEquals(2, audit.size(), "nothing counted since: " + audit);
        now[0] = T.plusSeconds(70);
        engine.receive(topic, payload(1.0), properties("roeselare", "waterboard", 1, "g-70"));
        now[0] = T.plusSeconds(125);
        engine.receive(topic, payload(1.0), properties("roeselare", "waterboard", 1, "g-125"));
        assertEquals(3, audit.size(), audit.toString());
        assertTrue(audit.get(2).detail().contains("; 1 more refused for this reason since the last entry"),
                audit.get(2).detail());
        assertEquals(5L, engine.refused().get("outside-grant"), "every one counted");
    }

    @Test
    void aHopCountOverTheLimitIsRefused() {
        gent.engine.receive("regie/v1/roeselare/share/gent/WaterObserved/g1/waterLevel", payload(1.0),
                properties("roeselare", "waterboard", 4, "h-1"));
        assertEquals(1L, gent.engine.refused().get("hops"));
        assertEquals(List.of(), gent.bus);
    }

    @Test
    void aReadingOfThisSiteThatComesBackIsALoop() {
        roeselare.engine.receive("regie/v1/gent/share/roeselare/WaterObserved/g1/waterLevel", payload(1.0),
                properties("roeselare", "waterboard", 2, "l-1"));
        assertEquals(1L, roeselare.engine.refused().get("loop"));
    }

    @Test
    void aReExportKeepsItsIdAndCountsAHop() {
        roeselare.engine.export(level("gauge-1", 2.4));
        roeselare.deliverTo(gent);
        Reading imported = gent.bus.get(0);
        gent.engine.export(imported);
        assertEquals(1, gent.outbox.size(), "to the water board, by the rule naming the imported owner");
        Outgoing relayed = gent.outbox.get(0);
        assertEquals("regie/v1/gent/share/waterboard/WaterObserved/g1/waterLevel", relayed.topic());
        assertEquals("2", relayed.properties().get(WireFormat.HOPS));
        assertEquals("roeselare", relayed.properties().get(WireFormat.ORIGIN_SITE));
        assertEquals(roeselare.outbox.get(0).properties().get(WireFormat.READING_ID),
                relayed.properties().get(WireFormat.READING_ID));
        gent.deliverTo(waterboard);
        assertEquals(1, waterboard.bus.size());
        assertEquals("roeselare:waterboard/gauge-1", waterboard.bus.get(0).source());
    }

    @Test
    void aFullOutboxDropsAndCounts() {
        roeselare.outboxCapacity = 1;
        roeselare.engine.export(level("gauge-1", 2.4));
        roeselare.engine.export(level("gauge-2", 2.5));
        assertEquals(1, roeselare.outbox.size());
        assertEquals(1L, roeselare.engine.dropped().get("queue-full"));
    }

    @Test
    void readingIdsDifferPerReadingAndPerStart() {
        roeselare.engine.export(level("gauge-1", 2.4));
        roeselare.engine.export(level("gauge-1", 2.5));
        Site again = new Site("roeselare", Map.of("devices", "gauge-*=waterboard", "sites", "gent",
                "exports", "waterboard>gent WaterObserved/+/waterLevel"), 3, clock);
        again.engine.export(level("gauge-1", 2.4));
        String first = roeselare.outbox.get(0).properties().get(WireFormat.READING_ID);
        assertNotEquals(first, roeselare.outbox.get(1).properties().get(WireFormat.READING_ID));
        assertNotEquals(first, again.outbox.get(0).properties().get(WireFormat.READING_ID));
    }

    private static Reading level(String source, double metres) {
        return new Reading(EntityId.of("WaterObserved", "g1"), "waterLevel", Value.of(metres), "m", T, T, source,
                GAUGE);
    }

    private static byte[] payload(double value) {
        return ("{\"v\":1,\"value\":" + value + ",\"unit\":\"m\",\"observedAt\":\"" + T + "\",\"source\":\"gauge-1\","
                + "\"exportedAt\":" + T.toEpochMilli() + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> properties(String site, String party, int hops, String id) {
        Map<String, String> properties = new HashMap<>();
        properties.put(WireFormat.ORIGIN_SITE, site);
        properties.put(WireFormat.ORIGIN_PARTY, party);
        properties.put(WireFormat.HOPS, Integer.toString(hops));
        properties.put(WireFormat.READING_ID, id);
        return properties;
    }
}
