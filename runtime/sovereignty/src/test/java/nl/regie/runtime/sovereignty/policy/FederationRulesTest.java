package nl.regie.runtime.sovereignty.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.access.HttpSource;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.federation.ImportedSource;
import nl.regie.runtime.spi.policy.FederationRules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The policy's sites, exports and imports: parsing, refusals, export views and the owner of imported readings. */
class FederationRulesTest {

    private static final Location GAUGE = Location.of(3.1250, 50.9470);
    private static final Instant T = Instant.parse("2026-11-28T03:00:00Z");

    private final List<AuditEvent> audited = new CopyOnWriteArrayList<>();
    private final PolicyEngine engine = new PolicyEngine(audited::add);

    private static final Map<String, Object> ROESELARE = Map.of(
            "devices", "gauge-*=waterboard, res-*=city",
            "personal", "Resident/+/+",
            "sites", "gent, waterboard",
            "exports", new String[] {
                "waterboard>gent WaterObserved/+/waterLevel",
                "waterboard>gent WaterObserved/+/temperature grid=1000",
                "city>gent CrowdFlowObserved/+/peopleCount aggregate=500",
                "city>gent Resident/+/+",
                "gent:city>waterboard Alert/#"},
            "imports", new String[] {"gent:city Alert/#", "waterboard:waterboard WaterObserved/# via=gent"},
            "grants", "gent:city>city Alert/#");

    @Test
    void rulesAreParsedInOrderAndShownThroughTheSpi() throws PolicyException {
        engine.apply(ROESELARE);
        FederationRules rules = engine.federationRules();
        assertEquals(Set.of("gent", "waterboard"), rules.sites());
        assertEquals(5, rules.exports().size());
        assertEquals("waterboard>gent WaterObserved/+/waterLevel", rules.exports().get(0).text());
        assertEquals("waterboard", rules.exports().get(0).owner());
        assertEquals("gent", rules.exports().get(0).site());
        assertEquals("gent:city", rules.imports().get(0).owner());
        assertEquals("gent", rules.imports().get(1).via());
        assertEquals(engine.version(), rules.version());
        assertNotNull(rules.export("waterboard", "gent", "WaterObserved/g1/waterLevel"));
        assertNull(rules.export("waterboard", "waterboard", "WaterObserved/g1/waterLevel"));
        assertNull(rules.export("city", "gent", "WaterObserved/g1/waterLevel"));
        assertTrue(audited.get(audited.size() - 1).detail().contains("federation added [site gent, site waterboard,"
                + " export waterboard>gent WaterObserved/+/waterLevel"), audited.get(audited.size() - 1).detail());
    }

    @Test
    void everyChangeOfTheSitesExportsAndImportsIsAudited() throws PolicyException {
        engine.apply(ROESELARE);
        Map<String, Object> changed = new java.util.HashMap<>(ROESELARE);
        changed.put("sites", "gent");
        changed.put("exports", "waterboard>gent WaterObserved/+/waterLevel grid=500");
        changed.put("imports", "gent:city Alert/#");
        engine.apply(changed);
        AuditEvent last = audited.get(audited.size() - 1);
        assertEquals("applied", last.outcome());
        String detail = last.detail();
        assertTrue(detail.contains("federation added [export waterboard>gent WaterObserved/+/waterLevel grid=500]"),
                detail);
        assertTrue(detail.contains("federation removed [site waterboard, export waterboard>gent"
                + " WaterObserved/+/waterLevel, "), detail);
        assertTrue(detail.contains("import waterboard:waterboard WaterObserved/# via=gent]"), detail);
        engine.apply(Map.of("devices", "gauge-*=waterboard, res-*=city", "personal", "Resident/+/+"));
        assertTrue(audited.get(audited.size() - 1).detail().contains("federation removed [site gent, export"
                + " waterboard>gent WaterObserved/+/waterLevel grid=500, import gent:city Alert/#]"),
                audited.get(audited.size() - 1).detail());
    }

    @Test
    void importRulesAcceptOnlyTheirPartyTopicsAndRelay() throws PolicyException {
        engine.apply(ROESELARE);
        FederationRules rules = engine.federationRules();
        assertNotNull(rules.importRule("gent", "gent", "city", "Alert/flood-1/severity"));
        assertNull(rules.importRule("gent", "gent", "police", "Alert/flood-1/severity"), "another party");
        assertNull(rules.importRule("gent", "gent", "city", "WaterObserved/g1/waterLevel"), "another topic");
        assertNull(rules.importRule("waterboard", "gent", "city", "Alert/flood-1/severity"),
                "one site publishing as another");
        assertNotNull(rules.importRule("gent", "waterboard", "waterboard", "WaterObserved/g1/waterLevel"), "relayed");
        assertNotNull(rules.importRule("waterboard", "waterboard", "waterboard", "WaterObserved/g1/waterLevel"));
        assertNull(rules.importRule("roeselare", "waterboard", "waterboard", "WaterObserved/g1/waterLevel"),
                "a relay the rule does not name");
    }

    @Test
    void withoutRulesNothingLeaves() throws PolicyException {
        engine.apply(Map.of("devices", "gauge-*=waterboard"));
        assertEquals(FederationRules.NONE.exports(), engine.federationRules().exports());
        assertNull(engine.exportView("gent").apply(reading("WaterObserved", "g1", "waterLevel", 2.4, "m", "gauge-1")));
    }

    @Test
    void anExportViewAppliesTheRulesTransforms() throws PolicyException {
        engine.apply(ROESELARE);
        ReadView gent = engine.exportView("gent");
        Reading level = reading("WaterObserved", "g1", "waterLevel", 2.4, "m", "gauge-1");
        assertSame(level, gent.apply(level));
        Reading temperature = reading("WaterObserved", "g1", "temperature", 7.5, "Cel", "gauge-1");
        Reading coarse = gent.apply(temperature);
        assertNotNull(coarse);
        assertTrue(!coarse.location().equals(GAUGE), "grid=1000 moves the location to its cell's centre");
        assertNull(gent.apply(reading("CrowdFlowObserved", "c1", "peopleCount", 12, "count", "res-1")),
                "an aggregate of fewer sources than its minimum leaves nothing");
        gent.apply(reading("CrowdFlowObserved", "c2", "peopleCount", 3, "count", "res-2"));
        Reading counted = gent.apply(reading("CrowdFlowObserved", "c3", "peopleCount", 5, "count", "res-3"));
        assertNotNull(counted, "three sources in the zone");
        assertTrue(counted.entity().localId().startsWith("zone-"), counted.entity().toString());
        assertNull(gent.apply(reading("Resident", "r1", "address", "Ooststraat 1", "res-1")),
                "personal is withheld unless the rule says personal");
        assertNull(engine.exportView("waterboard").apply(level), "no rule for that site");
        assertTrue(audited.stream().anyMatch(e -> e.action().equals("export") && e.outcome().equals("denied")
                && e.detail().contains("is personal")), audited.toString());
    }

    @Test
    void aPartyMayExportToTheSiteOfTheSameName() throws PolicyException {
        engine.apply(Map.of("devices", "gauge-*=waterboard", "sites", "waterboard",
                "exports", "waterboard>waterboard WaterObserved/+/waterLevel"));
        Reading level = reading("WaterObserved", "g1", "waterLevel", 2.4, "m", "gauge-1");
        assertSame(level, engine.exportView("waterboard").apply(level));
    }

    @Test
    void aLocalPartyNamedLikeTheSiteDoesNotPassAsItsOwn() throws PolicyException {
        engine.apply(Map.of("devices", "x-*=gent", "sites", "gent", "exports", "city>gent WaterObserved/#"));
        assertNull(engine.exportView("gent").apply(reading("WaterObserved", "g1", "waterLevel", 1, "m", "x-1")));
    }

    @Test
    void importedReadingsAreOwnedByTheirRemotePartyAndReachLocalPartiesOnlyUnderAGrant() throws PolicyException {
        engine.apply(ROESELARE);
        Reading alert = reading("Alert", "flood-1", "severity", 3, "", ImportedSource.of("gent", "city", "nl.flood"));
        assertEquals("gent:city", engine.partyOfSource(alert.source()));
        assertSame(alert, engine.readView("city", "nl.regie.x").apply(alert), "granted gent:city>city");
        assertNull(engine.readView("waterboard", "nl.regie.y").apply(alert), "not granted to waterboard");
        assertEquals("city", engine.partyOfSource("nl/odd"), "a source with '/' not of the imported form");
    }

    @Test
    void whatAnHttpCallerPublishesIsOwnedByItsTokensParty() throws PolicyException {
        engine.apply(ROESELARE);
        assertEquals("parking", engine.partyOfSource(HttpSource.of("parking", "parking-app")));
        assertEquals("waterboard", engine.partyOfSource("waterboard@http/gauge-feed"));
        assertEquals("city", engine.partyOfSource("Bad@http/x"), "not a party name: the default party");
    }

    @Test
    void importedReadingsLeaveOnlyUnderARuleNamingTheirOwner() throws PolicyException {
        engine.apply(ROESELARE);
        Reading alert = reading("Alert", "flood-1", "severity", 3, "", ImportedSource.of("gent", "city", "nl.flood"));
        assertSame(alert, engine.exportView("waterboard").apply(alert));
        assertNull(engine.exportView("gent").apply(alert));
        Reading level = reading("WaterObserved", "g1", "waterLevel", 2.4, "m",
                ImportedSource.of("waterboard", "waterboard", "gauge-9"));
        assertNull(engine.exportView("gent").apply(level), "imported data is not re-exported without a rule");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "exports | city>gent WaterObserved/# | | exports to the site gent, which the policy's sites do not list (there are none)",
        "sites | Gent | Gent | party 'Gent' must be",
        "sites | gent, gent | gent, gent | 'gent' is given more than once",
        "exports | city>gent Water/#/x | gent | '#' is allowed only as the last level",
        "exports | city>gent WaterObserved/# blur=5 | gent | unknown option 'blur=5'",
        "exports | city>gent WaterObserved/# grid=0 | gent | grid=0 must be a whole number",
        "exports | gent:city>gent Alert/# | gent | would send the site gent its own readings back",
        "exports | paris:city>gent Alert/# | gent | the site paris, which the policy's sites do not list (gent)",
        "imports | gent Alert/# | gent | must start with {site}:{party}",
        "imports | paris:city Alert/# | gent | imports from the site paris, which the policy's sites do not list",
        "imports | gent:city Alert/# via=paris | gent | via=paris names a site the policy's sites do not list",
        "imports | gent:city Alert/# via=gent | gent | is the origin itself",
        "imports | gent:city Alert/# fast | gent | the only option is via=",
        "imports | gent:city alert/# | gent | is not an entity type",
        "grants | paris:city>city Alert/# | gent | the site paris, which the policy's sites do not list",
    })
    void aBadRuleRefusesThePolicyAndKeepsTheOldOne(String key, String value, String sites, String expected)
            throws PolicyException {
        engine.apply(ROESELARE);
        long version = engine.version();
        Map<String, Object> bad = new java.util.HashMap<>();
        bad.put("sites", sites == null ? "" : sites);
        bad.put(key, value);
        PolicyException e = assertThrows(PolicyException.class, () -> engine.apply(bad));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("policy " + key), e.getMessage());
        assertEquals(version, engine.version(), "the old policy stays");
        assertEquals(5, engine.federationRules().exports().size());
        assertEquals("refused", audited.get(audited.size() - 1).outcome());
    }

    private static Reading reading(String type, String id, String attribute, double value, String unit,
            String source) {
        return new Reading(EntityId.of(type, id), attribute, Value.of(value), unit, T, T, source, GAUGE);
    }

    private static Reading reading(String type, String id, String attribute, String value, String source) {
        return new Reading(EntityId.of(type, id), attribute, Value.of(value), "", T, T, source, GAUGE);
    }
}
