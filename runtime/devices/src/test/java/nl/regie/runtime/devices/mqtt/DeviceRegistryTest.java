package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import nl.regie.api.model.EntityId;

import org.junit.jupiter.api.Test;

/** The device registry read from configuration. */
class DeviceRegistryTest {

    @Test
    void registryEntriesThatAreMalformedAreSkippedWithTheReason() {
        DeviceRegistry.Parsed parsed = DeviceRegistry.parse(new String[] {
            "gw-1=urn:ngsi-ld:WaterObserved:g1", "no-equals", "bad id=urn:ngsi-ld:X:y", "gw-2=urn:ngsi:X:y",
            "gw-3=urn:ngsi-ld:WaterObserved:g1", "gw-4=", " ", "gw-1=urn:ngsi-ld:WaterObserved:g2"});
        List<String> problems = new ArrayList<>(parsed.problems());
        assertEquals(5, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("'no-equals'") && problems.get(0).contains("deviceId=urn1;urn2"));
        assertTrue(problems.get(1).contains("device id 'bad id'"));
        assertTrue(problems.get(2).contains("must start with 'urn:ngsi-ld:'"));
        assertTrue(problems.get(3).contains("already assigned to device gw-1"));
        assertTrue(problems.get(4).contains("empty"));
        assertEquals(2, parsed.registry().assigned("gw-1").size());
    }

    @Test
    void anEntryWithSeveralEntitiesSurvivesTheConfigFoldersCommaSplit() {
        // config/nl.regie.runtime.mqtt.cfg:
        //   device.entities = gw-7=urn:ngsi-ld:WasteContainer:bin-7;urn:ngsi-ld:WasteContainer:bin-8, \
        //       gw-8=urn:ngsi-ld:WasteContainer:bin-9 urn:ngsi-ld:WasteContainer:bin-10
        // reaches the bridge as two elements: the folder splits the value at its commas.
        String line = "gw-7=urn:ngsi-ld:WasteContainer:bin-7;urn:ngsi-ld:WasteContainer:bin-8, "
                + "gw-8=urn:ngsi-ld:WasteContainer:bin-9 urn:ngsi-ld:WasteContainer:bin-10";
        DeviceRegistry.Parsed parsed = DeviceRegistry.parse(java.util.Arrays.stream(line.split(",", -1))
                .map(String::strip).toArray(String[]::new));

        assertEquals(List.of(), parsed.problems());
        assertEquals(2, parsed.registry().assigned("gw-7").size());
        assertEquals(2, parsed.registry().assigned("gw-8").size());
        assertEquals(2, DeviceRegistry.parse(new String[] {"gw-9=urn:ngsi-ld:X:a, urn:ngsi-ld:X:b"}).registry()
                .assigned("gw-9").size(), "a comma within one element, set through ConfigurationAdmin, still works");
    }

    @Test
    void aDeviceMayReportOnItsOwnEntitiesAndOnThoseAssignedToIt() {
        DeviceRegistry registry = DeviceRegistry.parse(new String[] {
            "gw-1=urn:ngsi-ld:WaterObserved:gauge-9", "gw-2=urn:ngsi-ld:WaterObserved:gauge-10"}).registry();
        assertTrue(registry.mayReportOn("gw-1", EntityId.parse("urn:ngsi-ld:Device:gw-1")));
        assertTrue(registry.mayReportOn("gw-1", EntityId.parse("urn:ngsi-ld:WaterObserved:gw-1")), "same local id");
        assertTrue(registry.mayReportOn("gw-1", EntityId.parse("urn:ngsi-ld:WaterObserved:gauge-9")));
        assertFalse(registry.mayReportOn("gw-1", EntityId.parse("urn:ngsi-ld:WaterObserved:gauge-10")), "gw-2's");
        assertFalse(registry.mayReportOn("gw-1", EntityId.parse("urn:ngsi-ld:Device:gw-2")));
        assertFalse(registry.mayReportOn("gw-3", EntityId.parse("urn:ngsi-ld:WaterObserved:gauge-9")));
        assertFalse(registry.mayReportOn("gw", EntityId.parse("urn:ngsi-ld:Device:gw-1")), "no prefix match");
    }
}
