package nl.regie.runtime.sovereignty.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import nl.regie.runtime.spi.policy.AccessPolicy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyParserTest {

    private static final String CONTRACTOR_KEY = "sha256:" + "c2".repeat(32);
    private static final String ACME_KEY = "sha256:" + "ac".repeat(32);

    @Test
    void readsEveryKeyInEveryFormConfigAdminHandsOver() throws PolicyException {
        Policy policy = PolicyParser.parse(Map.of(
                "defaultParty", "town",
                "keys", new String[] {"contractor " + CONTRACTOR_KEY, "acme SHA256:" + "AB:".repeat(31) + "AB"},
                "devices", List.of("bin-*=contractor", "gauge-0?=waterboard"),
                "personal", "Resident/+/address, Vehicle/#",
                "grants", new String[] {"town>police  CrowdFlowObserved/# grid=250", "contractor>town WasteContainer/+/+"},
                "service.pid", "nl.regie.runtime.policy"), 7);
        assertEquals(7, policy.version());
        assertEquals("town", policy.defaultParty());
        assertEquals("contractor", policy.partyOfKey(CONTRACTOR_KEY));
        assertEquals("acme", policy.partyOfKey("sha256:" + "ab".repeat(32)));
        assertNull(policy.partyOfKey("sha256:" + "00".repeat(32)));
        assertEquals(AccessPolicy.NO_PARTY, policy.partyOfPlugin("nl.regie.waste"), "no plugin runs: no signer known");
        assertEquals("contractor", policy.partyOfSource("bin-001"));
        assertEquals("waterboard", policy.partyOfSource("gauge-01"));
        assertEquals("town", policy.partyOfSource("gauge-100"));
        assertTrue(policy.personal("Resident/r-1/address"));
        assertTrue(policy.personal("Vehicle/v-1/speed"));
        assertFalse(policy.personal("Resident/r-1/age"));
        Grant grant = policy.grant("town", "police", "CrowdFlowObserved/crowd-001/peopleCount");
        assertEquals(250, grant.grid());
        assertEquals("town>police CrowdFlowObserved/# grid=250", grant.toString());
    }

    @Test
    void withoutConfigurationEverythingIsTheCitys() throws PolicyException {
        Policy policy = PolicyParser.parse(Map.of("component.name", "x"), 1);
        assertEquals(AccessPolicy.DEFAULT_PARTY, policy.partyOfSource("bin-001"));
        assertTrue(policy.grants().isEmpty());
    }

    @Test
    void aRunningPluginComesBeforeADeviceRule() throws PolicyException {
        Policy policy = PolicyParser.parse(Map.of("keys", "alpha " + CONTRACTOR_KEY, "devices", "nl.*=beta"), 1)
                .withSigners(Map.of("nl.x", CONTRACTOR_KEY));
        assertEquals("alpha", policy.partyOfSource("nl.x"));
        assertEquals("beta", policy.partyOfSource("nl.y"));
    }

    @Test
    void theOldPluginsRuleIsRefusedPointingToKeys() {
        PolicyException e = assertThrows(PolicyException.class,
                () -> PolicyParser.parse(Map.of("plugins", "nl.regie.waste=contractor"), 1));
        assertTrue(e.getMessage().startsWith("policy plugins: a plugin's party no longer comes from its symbolic name"),
                e.getMessage());
        assertTrue(e.getMessage().contains("keys = {party} sha256:<fingerprint>"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "defaultParty | City | party 'City' must be a lower-case letter",
        "keys | city | must be '{party} sha256:<fingerprint>'",
        "keys | city sha256:abcd | 'sha256:abcd' is not a key fingerprint",
        "keys | city md5:ab | 'md5:ab' is not a key fingerprint",
        "keys | City sha256:0000000000000000000000000000000000000000000000000000000000000000 | party 'City' must be",
        "keys | city sha256:0000000000000000000000000000000000000000000000000000000000000000 x | must be '{party} sha256",
        "keys | city sha256:0000000000000000000000000000000000000000000000000000000000000000,"
                + " police SHA256:0000000000000000000000000000000000000000000000000000000000000000"
                + " | is listed already, for city; a key acts for one party",
        "keys | city sha256:0000000000000000000000000000000000000000000000000000000000000000,,"
                + " | element 2 is empty",
        "devices | bin/1=contractor | 'bin/1' is not a name or pattern",
        "devices | bin-*=Contractor | party 'Contractor' must be",
        "personal | Resident/+/Address | level 3 'Address' is not an attribute",
        "grants | city police WasteContainer/# | must start with {owner}>{reader}",
        "grants | city>police | must be '{owner}>{reader} {topicFilter}",
        "grants | city>city WasteContainer/# | grants city to itself",
        "grants | city>police Waste/#/x | '#' is allowed only as the last level",
        "grants | city>police WasteContainer/# grid=0 | grid=0 must be a whole number of metres from 1 to 100000",
        "grants | city>police WasteContainer/# grid=ten | grid=ten must be a whole number of metres",
        "grants | city>police WasteContainer/# aggregate=100001 | aggregate=100001 must be a whole number",
        "grants | city>police WasteContainer/# grid=10 aggregate=10 | has both grid= and aggregate=",
        "grants | city>police WasteContainer/# aggregate=10 minSources=1 | minSources=1 must be a whole number from 2 to 1000",
        "grants | city>police WasteContainer/# aggregate=10 minSources=x | minSources=x must be a whole number from 2",
        "grants | city>police WasteContainer/# minSources=3 | minSources= applies to aggregate= only",
        "grants | city>police WasteContainer/# coarse | unknown option 'coarse'",
        "grants | city>police WasteContainer/#, city>police WasteContainer/# grid=5 | repeats the topic filter",
        "services | nl.acme.sms notifies | must be '{symbolicName} {kind} {value}...' or 'party:{party} {kind}",
        "services | nl.acme.sms listens /acme | 'listens' is not a kind of service: use drives, notifies, serves",
        "services | nl/acme drives Streetlight | 'nl/acme' is neither a plugin's symbolic name or pattern",
        "services | party:Water drives FloodGate | party 'Water' must be a lower-case letter",
        "services | nl.acme drives Flood-Gate | 'Flood-Gate' is not an entity type (nor '*')",
        "services | nl.acme notifies Waterboard | 'Waterboard' is not a party",
        "services | nl.acme serves /acme/* | '/acme/*' is not a plain path",
        "services | nl.acme serves acme | 'acme' is not a path: it must start with '/'",
    })
    void everyBadElementIsNamed(String key, String value, String expected) {
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse(Map.of(key, value), 1));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("policy " + key), e.getMessage());
    }

    @Test
    void servicesAreGrantedByPluginNameOrPatternAndByParty() throws PolicyException {
        Policy policy = PolicyParser.parse(Map.of(
                "keys", "waterboard " + CONTRACTOR_KEY + ", acme " + ACME_KEY,
                "services", new String[] {"nl.acme.sms notifies waterboard city", "nl.acme.* serves /acme",
                    "party:waterboard drives FloodGate", "nl.dijkwacht.gates drives Sluice FloodGate",
                    "nl.acme.sms notifies *"}), 1)
                .withSigners(Map.of("nl.dijkwacht.flood", CONTRACTOR_KEY, "nl.dijkwacht.gates", CONTRACTOR_KEY,
                        "nl.acme.sms", ACME_KEY, "nl.acmex", ACME_KEY, "nl.regie.lighting", ACME_KEY));
        assertEquals(List.of("waterboard", "city", "*"), policy.grantedServices("nl.acme.sms", "notifies"));
        assertEquals(List.of("/acme"), policy.grantedServices("nl.acme.sms", "serves"));
        assertEquals(List.of(), policy.grantedServices("nl.acme.sms", "drives"));
        assertEquals(List.of("FloodGate", "Sluice"), policy.grantedServices("nl.dijkwacht.gates", "drives"));
        assertEquals(List.of("FloodGate"), policy.grantedServices("nl.dijkwacht.flood", "drives"));
        assertEquals(List.of(), policy.grantedServices("nl.regie.lighting", "drives"));
        assertEquals(List.of(), policy.grantedServices("nl.acmex", "serves"));
        // A rule by name grants nothing to a plugin that acts for no party: unsigned, or its key not listed.
        Policy unsigned = policy.withSigners(Map.of("nl.acme.sms", "", "nl.dijkwacht.gates", "sha256:" + "00".repeat(32)));
        assertEquals(List.of(), unsigned.grantedServices("nl.acme.sms", "notifies"));
        assertEquals(List.of(), unsigned.grantedServices("nl.dijkwacht.gates", "drives"));
    }

    @Test
    void withoutServiceRulesNothingIsGranted() throws PolicyException {
        Policy policy = PolicyParser.parse(Map.of(), 1);
        for (String kind : List.of("drives", "notifies", "serves")) {
            assertEquals(List.of(), policy.grantedServices("nl.regie.lighting", kind));
        }
        assertEquals(List.of(), Policy.defaults().grantedServices("nl.regie.lighting", "serves"));
    }

    @Test
    void aValueOfTheWrongTypeIsNamed() {
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse(Map.of("grants", 5), 1));
        assertEquals("policy grants must be text, comma-separated, was Integer 5", e.getMessage());
    }

    @Test
    void changesListWhatWasAddedAndRemoved() throws PolicyException {
        Policy before = PolicyParser.parse(Map.of("grants", "a>b X/#, a>c Y/#"), 1);
        Policy after = PolicyParser.parse(Map.of("defaultParty", "town", "grants", "a>b X/#, a>d Z/# personal"), 2);
        assertEquals("default party city -> town; grants added [a>d Z/# personal]; grants removed [a>c Y/#]",
                after.changesFrom(before));
        Policy granted = PolicyParser.parse(Map.of("defaultParty", "town", "grants", "a>b X/#, a>d Z/# personal",
                "services", "nl.acme   serves /acme"), 3);
        assertEquals("services added [nl.acme serves /acme]", granted.changesFrom(after));
        assertEquals("no change", after.changesFrom(after));
    }
}
