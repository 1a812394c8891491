package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SenmlPackTest {

    /** Per entity type: each attribute and its SenML unit ("" for a string value without unit). */
    private static final Map<String, Map<String, String>> EXPECTED = Map.of(
            "WasteContainer", ordered("fillingLevel", "/", "temperature", "Cel"),
            "Streetlight", ordered("powerState", "", "illuminanceLevel", "/", "powerConsumption", "W"),
            "StreetlightGroup", ordered("powerState", "", "illuminanceLevel", "/", "powerConsumption", "W"),
            "CrowdFlowObserved", ordered("peopleCount", "count", "area", "m2"),
            "TrafficFlowObserved", ordered("intensity", "1/h", "averageVehicleSpeed", "km/h"),
            "WaterObserved", ordered("waterLevel", "m"));

    @Test
    void everyDeviceSendsAWellFormedPackWithTheRightNamesAndUnits() {
        long t = Times.local("2026-06-22T21:37:12.345");
        City city = City.build(120, 2026, Times.MONDAY_JUNE);
        Map<String, Integer> seen = new HashMap<>();
        for (SimDevice device : city.devices()) {
            device.advanceTo(t);
            String json = device.telemetry(t).toJson();
            Map<String, SenmlCheck.Resolved> records = SenmlCheck.check(json, device.entity());
            Map<String, String> expected = EXPECTED.get(device.type());
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(records.keySet()), json);
            for (var record : records.entrySet()) {
                String unit = expected.get(record.getKey());
                assertEquals(unit.isEmpty() ? null : unit, record.getValue().unit(), json);
                assertEquals(t / 1000.0, record.getValue().time(), 1e-6, "bt is the observation time in epoch seconds");
                if ("/".equals(unit)) {
                    double ratio = (Double) record.getValue().value();
                    assertTrue(ratio >= 0 && ratio <= 1, json);
                }
            }
            seen.merge(device.type(), 1, Integer::sum);
        }
        assertEquals(EXPECTED.keySet(), seen.keySet());
    }

    @Test
    void aPackLooksLikeRfc8428Says() {
        String json = new SenmlPack("urn:ngsi-ld:WasteContainer:bin-001", 1_764_253_800_500L)
                .number("fillingLevel", "/", 0.4213, 3)
                .number("temperature", "Cel", 11.26, 1)
                .text("status", "ok")
                .bool("lidOpen", false)
                .toJson();
        assertEquals("[{\"bn\":\"urn:ngsi-ld:WasteContainer:bin-001:\",\"bt\":1764253800.5,\"n\":\"fillingLevel\",\"u\":\"/\","
                + "\"v\":0.421},{\"n\":\"temperature\",\"u\":\"Cel\",\"v\":11.3},{\"n\":\"status\",\"vs\":\"ok\"},"
                + "{\"n\":\"lidOpen\",\"vb\":false}]", json);
        assertThrows(IllegalStateException.class, () -> new SenmlPack("urn:ngsi-ld:X:y", 0).toJson());
    }

    @Test
    void birthsSayTypeEntityLocationAndInterval() {
        City city = City.build(12, 1, Times.MONDAY_JUNE);
        Births births = new Births(2.5);
        for (SimDevice device : city.devices()) {
            Map<?, ?> birth = assertInstanceOf(Map.class, SenmlCheck.parse(births.online(device)));
            assertEquals(Boolean.TRUE, birth.get("online"));
            assertEquals(device.type(), birth.get("type"));
            assertEquals(List.of(device.entity()), birth.get("entities"));
            List<?> location = (List<?>) birth.get("location");
            assertEquals(device.lon(), (Double) location.get(0), 1e-6);
            assertEquals(device.lat(), (Double) location.get(1), 1e-6);
            assertEquals(2.5, birth.get("interval"));
        }
        assertEquals(Map.of("online", false), SenmlCheck.parse(Births.OFFLINE));
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
