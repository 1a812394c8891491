package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a SenML JSON pack against RFC 8428 as the device bridge reads it, and resolves it. */
final class SenmlCheck {

    /** A resolved record: its full name, unit (or null), value and time in epoch seconds. */
    record Resolved(String name, String unit, Object value, double time) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:./_-]*");
    private static final Set<String> FIELDS = Set.of("bn", "bt", "n", "u", "v", "vs", "vb");
    private static final Set<String> VALUES = Set.of("v", "vs", "vb");

    private SenmlCheck() {
    }

    /** {@code json} as plain Java values, read the way the simulator reads a command ({@link JsonCodec#parse}). */
    static Object parse(String json) {
        return JsonCodec.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The records of {@code json}, by attribute (the name after the entity), after checking every rule. */
    static Map<String, Resolved> check(String json, String entity) {
        Object parsed = parse(json);
        List<?> pack = assertInstanceOf(List.class, parsed, "a SenML pack is a JSON array: " + json);
        assertFalse(pack.isEmpty(), "empty pack");
        String baseName = null;
        Double baseTime = null;
        Map<String, Resolved> records = new LinkedHashMap<>();
        for (int i = 0; i < pack.size(); i++) {
            Map<?, ?> record = assertInstanceOf(Map.class, pack.get(i), "record " + i + " is an object: " + json);
            for (Object field : record.keySet()) {
                assertTrue(FIELDS.contains(field), "unexpected field " + field + " in " + json);
            }
            if (i == 0) {
                baseName = assertInstanceOf(String.class, record.get("bn"), "bn in the first record: " + json);
                baseTime = assertInstanceOf(Double.class, record.get("bt"), "bt in the first record: " + json);
                // Absolute: values of 2^28 seconds and more are times since the epoch, not relative ones.
                assertTrue(baseTime >= (1 << 28), "bt is an absolute time: " + json);
            } else {
                assertFalse(record.containsKey("bn") || record.containsKey("bt"), "base fields only in the first record");
            }
            long values = record.keySet().stream().filter(VALUES::contains).count();
            assertEquals(1, values, "exactly one value per record: " + record);
            String n = assertInstanceOf(String.class, record.get("n"), "every record has a name: " + json);
            String name = baseName + n;
            assertTrue(NAME.matcher(name).matches(), "RFC 8428 name characters: " + name);
            Object unit = record.get("u");
            if (unit != null) {
                assertInstanceOf(String.class, unit);
            }
            Object value = record.containsKey("v") ? assertInstanceOf(Double.class, record.get("v"))
                    : record.containsKey("vs") ? assertInstanceOf(String.class, record.get("vs"))
                    : assertInstanceOf(Boolean.class, record.get("vb"));
            if (!name.startsWith(entity + ":")) {
                fail(name + " does not resolve to " + entity + ":{attribute}");
            }
            String attribute = name.substring(entity.length() + 1);
            assertFalse(records.containsKey(attribute), "attribute " + attribute + " twice");
            records.put(attribute, new Resolved(name, (String) unit, value, baseTime));
        }
        assertEquals(entity + ":", baseName, "bn is the entity URN and a colon");
        return records;
    }
}
