package nl.regie.runtime.sovereignty.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

    private static final Location DAM = Location.of(4.8924, 52.3731);
    private static final Location NEAR_DAM = Location.of(4.8930, 52.3733);

    private static final String CITY_KEY = "sha256:" + "c1".repeat(32);
    private static final String CONTRACTOR_KEY = "sha256:" + "c2".repeat(32);
    private static final String POLICE_KEY = "sha256:" + "b0".repeat(32);
    private static final String UNKNOWN_KEY = "sha256:" + "ee".repeat(32);

    private final List<AuditEvent> audited = new CopyOnWriteArrayList<>();
    private final PolicyEngine engine = new PolicyEngine(audited::add);

    @BeforeEach
    void policy() throws PolicyException {
        engine.signers(Map.of("nl.regie.waste", CONTRACTOR_KEY, "nl.regie.lighting", CITY_KEY));
        engine.apply(Map.of(
                "keys", "contractor " + CONTRACTOR_KEY + ", city " + CITY_KEY,
                "devices", "bin-*=contractor, crowd-*=city, res-*=city",
                "personal", "Resident/+/address",
                "grants", new String[] {
                    "contractor>city WasteContainer/+/fillingLevel",
                    "city>police CrowdFlowObserved/+/peopleCount aggregate=250",
                    "city>police Streetlight/# grid=1000",
                    "city>social Resident/+/+",
                    "city>care Resident/+/+ personal"}));
    }

    @Test
    void theSamePartySeesItsOwnReadingUnchanged() {
        ReadView view = engine.readView("contractor", "nl.regie.waste");
        Reading bin = reading("WasteContainer", "bin-001", "temperature", 11.0, "Cel", "bin-001", DAM);
        assertSame(bin, view.apply(bin));
        Reading route = reading("WasteContainer", "bin-001", "full", 1.0, "", "nl.regie.waste", DAM);
        assertSame(route, view.apply(route));
    }

    @Test
    void aGrantLetsItsTopicsThroughAndNothingElse() {
        ReadView view = engine.readView("city", "nl.regie.lighting");
        Reading level = reading("WasteContainer", "bin-001", "fillingLevel", 0.4, "/", "bin-001", DAM);
        assertSame(level, view.apply(level));
        assertNull(view.apply(reading("WasteContainer", "bin-001", "temperature", 11.0, "Cel", "bin-001", DAM)));
    }

    @Test
    void withoutAGrantReadingsAreWithheldCountedAndAuditedOncePerPattern() {
        ReadView view = engine.readView("police", "nl.police.watch");
        for (int i = 1; i <= 5; i++) {
            assertNull(view.apply(reading("WasteContainer", "bin-00" + i, "fillingLevel", 0.1, "/", "bin-00" + i, DAM)));
        }
        assertEquals(5L, engine.deniedReads().get("nl.police.watch"));
        List<AuditEvent> reads = audited.stream().filter(e -> e.kind().equals(AuditEvent.READ)).toList();
        assertEquals(1, reads.size(), reads.toString());
        AuditEvent denial = reads.get(0);
        assertEquals("nl.police.watch", denial.actor());
        assertEquals("police", denial.party());
        assertEquals("WasteContainer/+/fillingLevel", denial.target());
        assertEquals("denied", denial.outcome());
        assertTrue(denial.detail().contains("owned by contractor"), denial.detail());
        // A second view of the same reader audits its own first denial.
        engine.readView("police", "nl.police.watch")
                .apply(reading("WasteContainer", "bin-001", "fillingLevel", 0.1, "/", "bin-001", DAM));
        assertEquals(2, audited.stream().filter(e -> e.kind().equals(AuditEvent.READ)).count());
    }

    @Test
    void personalAttributesNeedThePersonalOption() {
        Reading address = reading("Resident", "r-1", "address", "Dam 1", "res-1");
        Reading age = reading("Resident", "r-1", "age", "42", "res-1");
        ReadView social = engine.readView("social", "social-app");
        assertNull(social.apply(address));
        assertSame(age, social.apply(age));
        AuditEvent denial = audited.stream().filter(e -> e.kind().equals(AuditEvent.READ)).findFirst().orElseThrow();
        assertTrue(denial.detail().contains("is personal"), denial.detail());
        assertSame(address, engine.readView("care", "care-app").apply(address));
    }

    @Test
    void gridMovesTheLocationToTheCentreOfItsCell() {
        ReadView view = engine.readView("police", "nl.police.watch");
        Reading lamp = reading("Streetlight", "lamp-001", "illuminanceLevel", 0.3, "/", "lamp-001", DAM);
        Reading seen = view.apply(lamp);
        assertEquals(lamp.value(), seen.value());
        assertNotEquals(DAM, seen.location());
        assertTrue(seen.location().distanceMetres(DAM) <= 1000 * Math.sqrt(2) / 2 + 1);
        Location nearby = view.apply(lamp.withLocation(NEAR_DAM)).location();
        assertEquals(seen.location(), nearby, "two lamps in one cell share its centre");
    }

    @Test
    void aggregateSumsTheLatestCountsPerZoneAndWithholdsTheRest() {
        ReadView view = engine.readView("police", "nl.police.watch");
        assertNull(view.apply(reading("CrowdFlowObserved", "crowd-001", "peopleCount", 100, "count", "crowd-001", DAM)),
                "one source: its own value, withheld");
        assertNull(view.apply(reading("CrowdFlowObserved", "crowd-002", "peopleCount", 50, "count", "crowd-002",
                NEAR_DAM)), "two sources: either can be worked out from the other, withheld");
        Reading first = view.apply(reading("CrowdFlowObserved", "crowd-004", "peopleCount", 10, "count", "crowd-004",
                DAM));
        assertTrue(first.entity().localId().startsWith("zone-250m_"), first.entity().toString());
        assertEquals("CrowdFlowObserved", first.entity().type());
        assertEquals(160.0, ((Value.Number) first.value()).value());
        assertEquals(first.entity().localId(), first.source(), "the sum's source is its zone, never a device");
        Reading update = view.apply(reading("CrowdFlowObserved", "crowd-001", "peopleCount", 120, "count", "crowd-001",
                DAM));
        assertEquals(first.entity(), update.entity());
        assertEquals(180.0, ((Value.Number) update.value()).value());
        assertEquals(new ZoneGrid(250).snap(DAM), update.location());
        // A counter alone in another zone is withheld: its sum would be its own value.
        assertNull(view.apply(reading("CrowdFlowObserved", "crowd-003", "peopleCount", 7, "count", "crowd-003",
                Location.of(4.95, 52.36))));
        // Anything but a count of an aggregated type is withheld.
        assertNull(view.apply(reading("CrowdFlowObserved", "crowd-001", "peopleCount", "many", "crowd-001")));
        assertEquals(Map.of("nl.police.watch", 3L), engine.withheldSums());
    }

    @Test
    void manyEntitiesOfOneSourceAreStillOneSource() {
        ReadView view = engine.readView("police", "nl.police.watch");
        for (int i = 0; i < 10; i++) {
            assertNull(view.apply(reading("CrowdFlowObserved", "gate-" + i, "peopleCount", 10, "count", "crowd-gw", DAM)),
                    "ten counters of one gateway are one source");
        }
        assertNull(view.apply(reading("CrowdFlowObserved", "crowd-002", "peopleCount", 1, "count", "crowd-002", DAM)));
        Reading sum = view.apply(reading("CrowdFlowObserved", "crowd-003", "peopleCount", 1, "count", "crowd-003", DAM));
        assertEquals(102.0, ((Value.Number) sum.value()).value());
        assertNotEquals("crowd-003", sum.source());
    }

    @Test
    void theFewestSourcesAreConfigurablePerGrant() throws PolicyException {
        engine.apply(Map.of("devices", "crowd-*=city",
                "grants", "city>police CrowdFlowObserved/+/peopleCount aggregate=250 minSources=2"));
        ReadView view = engine.readView("police", "nl.police.watch");
        assertNull(view.apply(reading("CrowdFlowObserved", "crowd-001", "peopleCount", 100, "count", "crowd-001", DAM)));
        Reading pair = view.apply(reading("CrowdFlowObserved", "crowd-002", "peopleCount", 5, "count", "crowd-002", DAM));
        assertEquals(105.0, ((Value.Number) pair.value()).value());
    }

    @Test
    void anEntityThatMovesLeavesItsOldZone() {
        ReadView view = engine.readView("police", "nl.police.watch");
        Location far = Location.of(4.95, 52.36);
        view.apply(reading("CrowdFlowObserved", "crowd-001", "peopleCount", 100, "count", "crowd-001", DAM));
        view.apply(reading("CrowdFlowObserved", "crowd-002", "peopleCount", 1, "count", "crowd-002", DAM));
        view.apply(reading("CrowdFlowObserved", "crowd-003", "peopleCount", 2, "count", "crowd-003", DAM));
        view.apply(reading("CrowdFlowObserved", "crowd-001", "peopleCount", 30, "count", "crowd-001", far));
        assertNull(view.apply(reading("CrowdFlowObserved", "crowd-002", "peopleCount", 5, "count", "crowd-002", DAM)),
                "crowd-001 left: two sources remain at Dam, too few");
        view.apply(reading("CrowdFlowObserved", "crowd-004", "peopleCount", 4, "count", "crowd-004", DAM));
        Reading dam = view.apply(reading("CrowdFlowObserved", "crowd-005", "peopleCount", 8, "count", "crowd-005", DAM));
        assertEquals(19.0, ((Value.Number) dam.value()).value(), "crowd-001 no longer counts at Dam");
    }

    @Test
    void theFirstApplyWithoutConfigurationSaysSo() throws PolicyException {
        List<AuditEvent> events = new java.util.ArrayList<>();
        new PolicyEngine(events::add).apply(Map.of("component.name", "nl.regie.runtime.sovereignty.policy.PolicyComponent"));
        assertEquals("v1: no configuration: every device acts for city, no plugin key is trusted, nothing is shared", events.get(0).detail());
    }

    @Test
    void aGrantOfOneEntityCoversThatEntityOnly() throws PolicyException {
        engine.apply(Map.of("devices", "bin-*=contractor",
                "grants", "contractor>city WasteContainer/bin-001/fillingLevel, contractor>city WasteContainer/+/temperature"));
        ReadView view = engine.readView("city", "nl.regie.lighting");
        Reading one = reading("WasteContainer", "bin-001", "fillingLevel", 0.4, "/", "bin-001", DAM);
        assertSame(one, view.apply(one));
        assertNull(view.apply(reading("WasteContainer", "bin-002", "fillingLevel", 0.4, "/", "bin-002", DAM)));
        Reading warm = reading("WasteContainer", "bin-002", "temperature", 20, "Cel", "bin-002", DAM);
        assertSame(warm, view.apply(warm));
    }

    @Test
    void anExistingViewSeesAPolicyChangeAtOnce() throws PolicyException {
        ReadView view = engine.readView("police", "nl.police.watch");
        Reading level = reading("WasteContainer", "bin-001", "fillingLevel", 0.4, "/", "bin-001", DAM);
        assertNull(view.apply(level));
        engine.apply(Map.of("devices", "bin-*=contractor", "grants", "contractor>police WasteContainer/# grid=500"));
        Reading seen = view.apply(level);
        assertEquals(new ZoneGrid(500).snap(DAM), seen.location());
        engine.apply(Map.of("devices", "bin-*=contractor"));
        assertNull(view.apply(level));
    }

    @Test
    void aPluginsViewFollowsThePluginToItsNewParty() throws PolicyException {
        engine.signers(Map.of("nl.regie.waste", CONTRACTOR_KEY, "nl.police.watch", POLICE_KEY));
        engine.apply(Map.of("keys", "city " + POLICE_KEY + ", contractor " + CONTRACTOR_KEY));
        ReadView view = engine.pluginView("nl.police.watch");
        Reading lamp = reading("Streetlight", "lamp-001", "illuminanceLevel", 0.3, "/", "lamp-001", DAM);
        assertSame(lamp, view.apply(lamp), "while its key acts for the city the city's lamp is its own");
        engine.apply(Map.of("keys", "police " + POLICE_KEY + ", contractor " + CONTRACTOR_KEY,
                "grants", "city>police Streetlight/# grid=1000"));
        assertEquals(new ZoneGrid(1000).snap(DAM), view.apply(lamp).location());
        AuditEvent denial = null;
        assertNull(view.apply(reading("WasteContainer", "bin-001", "fillingLevel", 0.4, "/", "nl.regie.waste", DAM)));
        for (AuditEvent event : audited) {
            denial = event.kind().equals(AuditEvent.READ) ? event : denial;
        }
        assertEquals("police", denial.party());
    }

    @Test
    void aBadPolicyIsRefusedWholeAuditedAndTheOldOneStays() {
        long version = engine.version();
        PolicyException e = assertThrows(PolicyException.class,
                () -> engine.apply(Map.of("keys", "other " + CONTRACTOR_KEY, "grants", "city>police X/# grid=-1")));
        assertTrue(e.getMessage().contains("grid=-1"), e.getMessage());
        assertEquals(version, engine.version());
        assertEquals("contractor", engine.partyOfPlugin("nl.regie.waste"));
        AuditEvent refusal = audited.get(audited.size() - 1);
        assertEquals(AuditEvent.POLICY, refusal.kind());
        assertEquals("refused", refusal.outcome());
        assertTrue(refusal.detail().contains("grid=-1") && refusal.detail().contains("stays in force"), refusal.detail());
    }

    @Test
    void applyingIsAuditedWithWhatChanged() throws PolicyException {
        engine.apply(Map.of("keys", "contractor " + CONTRACTOR_KEY, "grants", "contractor>city WasteContainer/#"));
        AuditEvent applied = audited.get(audited.size() - 1);
        assertEquals("applied", applied.outcome());
        assertTrue(applied.detail().contains("grants added [contractor>city WasteContainer/#]"), applied.detail());
        assertTrue(applied.detail().contains("devices removed"), applied.detail());
        assertTrue(applied.detail().contains("keys removed [city " + CITY_KEY + "]"), applied.detail());
    }

    @Test
    void theKeyDecidesThePartyNeverTheSymbolicName() {
        // An impostor named like the contractor's waste plugin, signed with the city's key, acts for the city.
        engine.signers(Map.of("nl.regie.waste", CITY_KEY));
        assertEquals("city", engine.partyOfPlugin("nl.regie.waste"));
        assertEquals("city", engine.partyOfSource("nl.regie.waste"));
        assertEquals(CITY_KEY, engine.keyOfPlugin("nl.regie.waste").orElseThrow());
        // Named like a city plugin, signed with the contractor's key: the contractor's, and reads no city data.
        engine.signers(Map.of("nl.regie.lighting", CONTRACTOR_KEY));
        ReadView view = engine.pluginView("nl.regie.lighting");
        assertEquals("contractor", engine.partyOfPlugin("nl.regie.lighting"));
        assertNull(view.apply(reading("CrowdFlowObserved", "crowd-1", "peopleCount", 5, "count", "crowd-1", DAM)));
        assertNull(view.apply(reading("Streetlight", "lamp-1", "illuminanceLevel", 0.3, "/", "lamp-1", DAM)));
    }

    @Test
    void anUnsignedPluginOrAnUnlistedKeyActsForNoPartyAndReadsNothingOfAnyones() {
        engine.signers(Map.of("nl.dev.sketch", "", "nl.stranger", UNKNOWN_KEY, "nl.dev.other", ""));
        assertEquals(AccessPolicy.NO_PARTY, engine.partyOfPlugin("nl.dev.sketch"));
        assertEquals(AccessPolicy.NO_PARTY, engine.partyOfPlugin("nl.stranger"));
        assertEquals(AccessPolicy.NO_PARTY, engine.partyOfPlugin("nl.never.installed"));
        assertTrue(engine.keyOfPlugin("nl.dev.sketch").isEmpty());
        assertTrue(engine.partyOfKey(UNKNOWN_KEY).isEmpty());
        assertEquals("city", engine.partyOfKey(CITY_KEY).orElseThrow());
        ReadView view = engine.pluginView("nl.dev.sketch");
        assertNull(view.apply(reading("CrowdFlowObserved", "crowd-1", "peopleCount", 5, "count", "crowd-1", DAM)));
        assertNull(view.apply(reading("WasteContainer", "bin-1", "fillingLevel", 0.4, "/", "bin-1", DAM)));
        // Not even another unsigned plugin's readings: what it publishes is owned by no party.
        assertEquals(AccessPolicy.NO_PARTY, engine.partyOfSource("nl.dev.other"));
        assertNull(view.apply(reading("Streetlight", "lamp-1", "illuminanceLevel", 0.3, "/", "nl.dev.other", DAM)));
        AuditEvent denial = audited.stream().filter(e -> e.kind().equals(AuditEvent.READ)).findFirst().orElseThrow();
        assertEquals(AccessPolicy.NO_PARTY, denial.party());
        assertTrue(denial.detail().contains("acts for no party"), denial.detail());
        // And a city reader sees nothing of what an unsigned plugin publishes: no grant can name its owner.
        assertNull(engine.pluginView("nl.regie.lighting").apply(
                reading("Streetlight", "lamp-1", "illuminanceLevel", 0.3, "/", "nl.dev.other", DAM)));
    }

    @Test
    void aPluginsViewFollowsItsNewKeyAtOnce() {
        ReadView view = engine.pluginView("nl.regie.lighting");
        Reading crowd = reading("CrowdFlowObserved", "crowd-1", "peopleCount", 5, "count", "crowd-1", DAM);
        assertSame(crowd, view.apply(crowd));
        engine.signers(Map.of("nl.regie.lighting", ""));
        assertNull(view.apply(crowd), "updated to an unsigned jar, it reads nothing");
        engine.signers(Map.of("nl.regie.lighting", CITY_KEY));
        assertSame(crowd, view.apply(crowd));
    }

    private static Reading reading(String type, String id, String attribute, double value, String unit, String source,
            Location location) {
        Instant now = Instant.parse("2026-11-28T03:00:00Z");
        return new Reading(EntityId.of(type, id), attribute, Value.of(value), unit, now, now, source, location);
    }

    private static Reading reading(String type, String id, String attribute, String value, String source) {
        return Reading.of(EntityId.of(type, id), attribute, Value.of(value), "", source);
    }
}
