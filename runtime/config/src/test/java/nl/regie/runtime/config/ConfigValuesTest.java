package nl.regie.runtime.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;

class ConfigValuesTest {

    private static final Schema WASTE = TestAttribute.schema(
            TestAttribute.of("full.threshold", AttributeDefinition.DOUBLE).range("0", "1"),
            TestAttribute.of("fire.temperature", AttributeDefinition.DOUBLE).range("-50", "200"),
            TestAttribute.of("route.depots", AttributeDefinition.STRING).cardinality(Integer.MAX_VALUE));

    private static Map<String, String> file(String... keysAndValues) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            raw.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return raw;
    }

    @Test
    void aValidFileGivesTypedValuesInFileOrder() {
        ConfigValues values = ConfigValues.convert(WASTE, file("route.depots", "Noord, Zuid", "full.threshold", "0.75"));
        assertTrue(values.valid());
        assertEquals(List.of("route.depots", "full.threshold"), List.copyOf(values.values().keySet()));
        assertArrayEquals(new String[] {"Noord", "Zuid"}, (String[]) values.values().get("route.depots"));
        assertEquals(0.75, values.values().get("full.threshold"));
        assertTrue(ConfigValues.convert(WASTE, Map.of()).valid(), "no keys: every attribute on its default");
    }

    @Test
    void everyProblemIsNamedAndNothingIsKept() {
        ConfigValues values = ConfigValues.convert(WASTE, file("full.threshold", "1.5", "fire.temperature", "hot"));
        assertFalse(values.valid());
        assertEquals(Map.of(), values.values());
        assertEquals(List.of("full.threshold = 1.5 is above the maximum 1",
                "fire.temperature = hot is not a number (expected a decimal number from -50 to 200)"), values.problems());
    }

    @Test
    void anUnknownKeyIsNamedWithTheKnownOnes() {
        ConfigValues values = ConfigValues.convert(WASTE, file("full.treshold", "0.7", "full.threshold", "2"));
        assertEquals(List.of("unknown key full.treshold (known keys: full.threshold, fire.temperature, route.depots)",
                "full.threshold = 2 is above the maximum 1"), values.problems());
        assertEquals(List.of("unknown keys a, b (it declares none)"),
                ConfigValues.convert(TestAttribute.schema(), file("a", "1", "b", "2")).problems());
    }

    @Test
    void emptyAndLongValuesAreShownReadably() {
        assertEquals(List.of("full.threshold = (empty) is not a number (expected a decimal number from 0 to 1)"),
                ConfigValues.convert(WASTE, file("full.threshold", "")).problems());
        String problem = ConfigValues.convert(WASTE, file("full.threshold", "1" + "0".repeat(200))).problems().get(0);
        assertEquals("full.threshold = 1" + "0".repeat(119) + "... is above the maximum 1", problem);
    }
}
