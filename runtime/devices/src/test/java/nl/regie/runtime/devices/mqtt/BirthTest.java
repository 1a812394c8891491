package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class BirthTest {

    private static final DeviceRegistry REGISTRY = DeviceRegistry.parse(new String[] {
        "gw-1=urn:ngsi-ld:WaterObserved:gauge-9"}).registry();
    private static final String ENTITIES_RULE = "'entities' must be an array of entity URNs";

    private final ObjectMapper json = new ObjectMapper();

    private Birth read(String members) throws Exception {
        return Birth.read(json.readTree("{\"online\": true" + members + "}"), "gw-1", REGISTRY);
    }

    private String refused(String members) {
        return assertThrows(IllegalArgumentException.class, () -> read(members)).getMessage();
    }

    @Test
    void everyPartIsOptional() throws Exception {
        assertEquals(new Birth(null, List.of(), null, null), read(""));
        assertEquals(new Birth(null, List.of(), null, null),
                read(", \"type\": null, \"entities\": null, \"location\": null, \"interval\": null"));
        assertEquals(new Birth(null, List.of(), null, null), read(", \"firmware\": \"1.2\""), "others are ignored");
    }

    @Test
    void aFullBirth() throws Exception {
        Birth birth = read(", \"type\": \"WaterObserved\", \"entities\": [\"urn:ngsi-ld:WaterObserved:gw-1\","
                + " \"urn:ngsi-ld:WaterObserved:gauge-9\"], \"location\": [4.9041, 52.3676], \"interval\": 60");
        assertEquals(new Birth("WaterObserved", List.of(EntityId.of("WaterObserved", "gw-1"),
                EntityId.of("WaterObserved", "gauge-9")), Location.of(4.9041, 52.3676), Duration.ofSeconds(60)), birth);
    }

    @Test
    void theTypeIsAnEntityType() throws Exception {
        String rule = "'type' must be an entity type: an upper-case letter, then letters and digits, as in WasteContainer";
        assertEquals(rule, refused(", \"type\": \"wasteContainer\""));
        assertEquals(rule, refused(", \"type\": \"Waste-Container\""));
        assertEquals(rule, refused(", \"type\": 7"));
        assertEquals(rule, refused(", \"type\": \"W" + "a".repeat(64) + "\""));
        assertEquals("W" + "a".repeat(63), read(", \"type\": \"W" + "a".repeat(63) + "\"").type());
    }

    @Test
    void theEntitiesAreOnesTheDeviceMayReportOn() {
        assertEquals(ENTITIES_RULE, refused(", \"entities\": \"urn:ngsi-ld:WaterObserved:gw-1\""));
        assertEquals(ENTITIES_RULE + ", found 5", refused(", \"entities\": [\"urn:ngsi-ld:WaterObserved:gw-1\", 5]"));
        assertEquals("'entities': entity id 'urn:ngsi:X:gw-1' must start with 'urn:ngsi-ld:'",
                refused(", \"entities\": [\"urn:ngsi:X:gw-1\"]"));
        assertEquals("'entities': device gw-1 may not speak for urn:ngsi-ld:Streetlight:lamp-1 (only for entities whose"
                + " local id is gw-1 and entities the device registry assigns to it)",
                refused(", \"entities\": [\"urn:ngsi-ld:WaterObserved:gauge-9\", \"urn:ngsi-ld:Streetlight:lamp-1\"]"));
    }

    @Test
    void theLocationIsLongitudeThenLatitude() {
        String rule = "'location' must be [longitude, latitude]";
        assertEquals(rule, refused(", \"location\": [4.9]"));
        assertEquals(rule, refused(", \"location\": [4.9, 52.3, 0]"));
        assertEquals(rule, refused(", \"location\": [\"4.9\", 52.3]"));
        assertEquals(rule, refused(", \"location\": {\"lon\": 4.9, \"lat\": 52.3}"));
        assertEquals("'location': longitude 200.0 must be between -180 and 180", refused(", \"location\": [200, 1]"));
    }

    @Test
    void theIntervalIsMoreThanNothingAndAtMostAMonthOfSeconds() throws Exception {
        String rule = "'interval' must be a number of seconds, more than 0 and at most 2678400";
        assertEquals(rule, refused(", \"interval\": 0"));
        assertEquals(rule, refused(", \"interval\": -5"));
        assertEquals(rule, refused(", \"interval\": \"60\""));
        assertEquals(rule, refused(", \"interval\": 2678400.5"));
        assertEquals(Duration.ofDays(31), read(", \"interval\": 2678400").interval());
        assertEquals(Duration.ofMillis(1500), read(", \"interval\": 1.5").interval());
        assertEquals(Duration.ofMillis(1), read(", \"interval\": 0.0001").interval(), "at least a millisecond");
    }

    @Test
    void theFirstWrongPartIsNamedInOrderTypeEntitiesLocationInterval() {
        assertEquals("'location' must be [longitude, latitude]",
                refused(", \"interval\": -1, \"location\": [1], \"entities\": [], \"type\": \"Ok\""));
        assertEquals(ENTITIES_RULE, refused(", \"interval\": -1, \"entities\": {}, \"type\": \"Ok\""));
    }
}
