package nl.regie.runtime.sovereignty.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import nl.regie.runtime.spi.policy.AccessPolicy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyParserTest {

    @Test
    void readsEveryKeyInEveryFormConfigAdminHandsOver() throws PolicyException {
        Policy policy = PolicyParser.parse(Map.of(
                "defaultParty", "town",
                "plugins", new String[] {"nl.regie.waste=contractor", "com.acme.*=acme"},
                "devices", List.of("bin-*=contractor", "gauge-0?=waterboard"),
                "personal", "Resident/+/address, Vehicle/#",
                "grants", new String[] {"town>police  CrowdFlowObserved/# grid=250", "contractor>town WasteContainer/+/+"},
                "service.pid", "nl.regie.runtime.policy"), 7);
        assertEquals(7, policy.version());
        assertEquals("town", policy.defaultParty());
        assertEquals("contractor", policy.partyOfPlugin("nl.regie.waste"));
        assertEquals("acme", policy.partyOfPlugin("com.acme.sensors"));
        assertEquals("town", policy.partyOfPlugin("nl.regie.lighting"));
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
    void aPluginRuleComesBeforeADeviceRule() throws PolicyException {
        Policy policy = PolicyParser.parse(Map.of("plugins", "nl.x=alpha", "devices", "nl.*=beta"), 1);
        assertEquals("alpha", policy.partyOfSource("nl.x"));
        assertEquals("beta", policy.partyOfSource("nl.y"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "defaultParty | City | party 'City' must be a lower-case letter",
        "plugins | nl.regie.waste | 'nl.regie.waste' has no '='; write {symbolicName}={party}",
        "plugins | nl.regie.waste=contractor,,nl.x=city | element 2 is empty",
        "plugins | nl.a=x, nl.a=y | 'nl.a' is given more than once",
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
        "grants | city>police WasteContainer/# coarse | unknown option 'coarse'",
        "grants | city>police WasteContainer/#, city>police WasteContainer/# grid=5 | repeats the topic filter",
    })
    void everyBadElementIsNamed(String key, String value, String expected) {
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse(Map.of(key, value), 1));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("policy " + key), e.getMessage());
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
        assertEquals("no change", after.changesFrom(after));
    }
}
