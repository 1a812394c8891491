package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.stream.IntStream;

import nl.regie.api.model.EntityId;

import org.junit.jupiter.api.Test;

class RecordNamesTest {

    private static final DeviceRegistry REGISTRY = DeviceRegistry.parse(new String[] {
        "d=urn:ngsi-ld:WaterObserved:gauge-9", "other=urn:ngsi-ld:WaterObserved:gauge-10"}).registry();
    private static final String RULE = " must start with a lower-case letter and contain only letters, digits and '_'"
            + " (at most 64)";

    private final RecordNames names = new RecordNames(REGISTRY);
    private final DeviceStatus device = new DeviceStatus("d");

    private RecordNames.Target target(String name) {
        RecordNames.Checked checked = names.check(device, name, 0);
        return assertInstanceOf(RecordNames.Target.class, checked, checked::toString);
    }

    private String refused(String name, int index) {
        RecordNames.Checked checked = names.check(device, name, index);
        return assertInstanceOf(RecordNames.Refused.class, checked, checked::toString).problem();
    }

    @Test
    void aNameIsAnEntityAndAnAttributeSplitAtTheLastColon() {
        assertEquals(new RecordNames.Target(EntityId.of("Device", "d"), "batteryLevel"),
                target("urn:ngsi-ld:Device:d:batteryLevel"));
        assertEquals(new RecordNames.Target(EntityId.of("WasteContainer", "d"), "fillingLevel"),
                target("urn:ngsi-ld:WasteContainer:d:fillingLevel"), "any entity whose local id is the device's");
        assertEquals(new RecordNames.Target(EntityId.of("WaterObserved", "gauge-9"), "water_level2"),
                target("urn:ngsi-ld:WaterObserved:gauge-9:water_level2"), "assigned by the registry");
        assertEquals("a" + "b".repeat(63), target("urn:ngsi-ld:Device:d:a" + "b".repeat(63)).attribute());
    }

    @Test
    void eachRefusalNamesTheRecordAndTheRule() {
        String form = " must be {entity URN}:{attribute}, e.g. urn:ngsi-ld:Device:d:batteryLevel";
        assertEquals("record 0: name 'fillingLevel'" + form, refused("fillingLevel", 0));
        assertEquals("record 1: name ':fillingLevel'" + form, refused(":fillingLevel", 1));
        assertEquals("record 2: name 'urn:ngsi-ld:Device:d:'" + form, refused("urn:ngsi-ld:Device:d:", 2));
        assertEquals("record 3: name null" + form, refused(null, 3));
        assertEquals("record 0: name 'urn:ngsi:Device:d:level': entity id 'urn:ngsi:Device:d' must start with"
                + " 'urn:ngsi-ld:'", refused("urn:ngsi:Device:d:level", 0));
        assertEquals("record 0: attribute 'Bad'" + RULE, refused("urn:ngsi-ld:Device:d:Bad", 0));
        assertEquals("record 0: attribute 'fill-level'" + RULE, refused("urn:ngsi-ld:Device:d:fill-level", 0));
        assertEquals("record 0: attribute '" + "a".repeat(65) + "'" + RULE, refused("urn:ngsi-ld:Device:d:" + "a".repeat(65), 0));
        String reach = " (only on urn:ngsi-ld:Device:d, entities whose local id is d, and entities the device registry"
                + " assigns to it)";
        assertEquals("record 4: device d may not report on urn:ngsi-ld:Device:other" + reach,
                refused("urn:ngsi-ld:Device:other:batteryLevel", 4));
        assertEquals("record 0: device d may not report on urn:ngsi-ld:WaterObserved:gauge-10" + reach,
                refused("urn:ngsi-ld:WaterObserved:gauge-10:waterLevel", 0), "another device's assignment");
    }

    @Test
    void aCheckedNameIsRememberedByItsDeviceRefusedOnesAreNot() {
        RecordNames.Target first = target("urn:ngsi-ld:Device:d:batteryLevel");
        assertSame(first, device.target("urn:ngsi-ld:Device:d:batteryLevel"));
        assertSame(first, target("urn:ngsi-ld:Device:d:batteryLevel"), "the second time it comes from the device");
        refused("urn:ngsi-ld:Device:d:Bad", 0);
        assertNull(device.target("urn:ngsi-ld:Device:d:Bad"));
        assertNull(new DeviceStatus("d").target("urn:ngsi-ld:Device:d:batteryLevel"), "each device has its own");
    }

    @Test
    void aDeviceWithManyNamesFindsEachOfThemAsFreshStrings() {
        List<String> attributes = IntStream.range(0, 20).mapToObj(i -> "attribute" + i).toList();
        attributes.forEach(a -> target("urn:ngsi-ld:Device:d:" + a));
        for (String a : attributes) {
            String fresh = new String(("urn:ngsi-ld:Device:d:" + a).toCharArray()); // as a parser makes it
            assertEquals(new RecordNames.Target(EntityId.of("Device", "d"), a), device.target(fresh), a);
        }
        assertNull(device.target("urn:ngsi-ld:Device:d:attribute20"));
    }

    @Test
    void beyondTheBudgetNamesAreCheckedEachTimeAndNotRemembered() {
        RecordNames small = new RecordNames(REGISTRY, 2);
        DeviceStatus other = new DeviceStatus("other");
        small.check(device, "urn:ngsi-ld:Device:d:a", 0);
        small.check(device, "urn:ngsi-ld:Device:d:a", 0);
        small.check(other, "urn:ngsi-ld:Device:other:b", 0);
        RecordNames.Checked third = small.check(device, "urn:ngsi-ld:Device:d:c", 0);
        assertEquals(new RecordNames.Target(EntityId.of("Device", "d"), "c"), third);
        assertNull(device.target("urn:ngsi-ld:Device:d:c"), "the budget is shared by all devices");
        assertEquals(new RecordNames.Target(EntityId.of("Device", "d"), "a"), device.target("urn:ngsi-ld:Device:d:a"));
    }

    @Test
    void quotedTextIsCutShortAndStaysOnOneLine() {
        assertEquals("'abc'", RecordNames.quote("abc"));
        assertEquals("null", RecordNames.quote(null));
        assertEquals("'a\\u000ab\\u0000'", RecordNames.quote("a\nb\u0000"));
        assertEquals("'" + "x".repeat(80) + "'", RecordNames.quote("x".repeat(80)));
        assertEquals("'" + "x".repeat(80) + "...'", RecordNames.quote("x".repeat(81)));
    }
}
