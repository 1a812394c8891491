package nl.regie.runtime.core.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimitSettingsTest {

    @Test
    void withoutConfigurationEveryPluginHasTheDefaults() {
        LimitSettings settings = LimitSettings.parse(Map.of("service.pid", "nl.regie.runtime.limits"));
        assertEquals(LimitSettings.DEFAULTS, settings);
        assertEquals(new LimitValues(10_000, 20_000, 10_000, 50, 50, 50), settings.forPlugin("nl.regie.mobility"));
    }

    @Test
    void readsEveryKeyInEveryFormConfigAdminHandsOverAndTheFirstMatchingOverrideCounts() {
        LimitSettings settings = LimitSettings.parse(Map.of("publishPerSecond", 500, "publishBurst", "800",
                "entities", 20L, "subscriptions", 3, "threads", 4, "busSharePercent", 30, "threadCheckSeconds", 2,
                "overrides", new String[] {"nl.regie.mobility publishPerSecond=5000  publishBurst=6000",
                    "nl.regie.* entities=0", "nl.regie.mobility threads=1"}));
        assertEquals(new LimitValues(500, 800, 20, 3, 4, 30), settings.forPlugin("nl.acme.x"));
        assertEquals(new LimitValues(5000, 6000, 20, 3, 4, 30), settings.forPlugin("nl.regie.mobility"));
        assertEquals(new LimitValues(500, 800, 0, 3, 4, 30), settings.forPlugin("nl.regie.waste"));
        assertEquals(2, settings.threadCheckSeconds());
        assertEquals(List.of("nl.regie.mobility publishPerSecond=5000 publishBurst=6000", "nl.regie.* entities=0",
                "nl.regie.mobility threads=1"), settings.overrides().stream().map(LimitSettings.Override::text).toList());
    }

    @ParameterizedTest(name = "{0} = {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            publishPerSecond   | 0                            | publishPerSecond = 0 is out of range: it must be from 1 to 100000000
            publishPerSecond   | ten                          | publishPerSecond = ten is not a whole number
            publishBurst       | -1                           | publishBurst = -1 is out of range
            entities           | -5                           | entities = -5 is out of range: it must be from 0
            subscriptions      | 10001                        | subscriptions = 10001 is out of range: it must be from 0 to 10000
            busSharePercent    | 0                            | busSharePercent = 0 is out of range: it must be from 1 to 100
            busSharePercent    | 101                          | busSharePercent = 101 is out of range
            threadCheckSeconds | 0                            | threadCheckSeconds = 0 is out of range: it must be from 1 to 3600
            overrides          | nl.regie.mobility            | overrides: 'nl.regie.mobility' must be '{symbolicName} {limit}={value}...'
            overrides          | nl/regie threads=1           | overrides: 'nl/regie threads=1': 'nl/regie' is not a symbolic name
            overrides          | nl.regie.x threads           | overrides: 'nl.regie.x threads': 'threads' must be {limit}={value}
            overrides          | nl.regie.x speed=1           | overrides: 'nl.regie.x speed=1': 'speed' is not a limit: use publishPerSecond, publishBurst, entities, subscriptions, threads, busSharePercent
            overrides          | nl.regie.x threads=-1        | overrides: 'nl.regie.x threads=-1': threads = -1 is out of range
            overrides          | nl.regie.x threads=1 threads=2 | overrides: 'nl.regie.x threads=1 threads=2' gives threads twice
            """)
    void aBadValueIsRefusedNamingTheKeyAndTheValue(String key, String value, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimitSettings.parse(Map.of(key, value)));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
