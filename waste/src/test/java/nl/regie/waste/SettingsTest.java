package nl.regie.waste;

import static nl.regie.waste.Fakes.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import nl.regie.api.model.Location;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Parsing and checking the configuration: defaults, good values, and each bad value with its message. */
class SettingsTest {

    @Test
    void theDefaultsAreTheDefaultConfiguration() {
        assertEquals(Settings.DEFAULTS, Settings.from(config()));
        assertEquals(0.8, Settings.DEFAULTS.fullThreshold());
        assertEquals(Location.of(4.8990, 52.3600), Settings.DEFAULTS.depot());
        assertEquals("depot-1", Settings.DEFAULTS.routeId());
        assertEquals(Duration.ofMinutes(10), Settings.DEFAULTS.riseWindow());
    }

    @Test
    void kindsAreReadInEitherArrayForm() {
        Settings split = Settings.from(config(Map.of("full.threshold.by.kind", new String[] {" Glass = 0.9", "organic=0.7"})));
        Settings joined = Settings.from(config(Map.of("full.threshold.by.kind", new String[] {"glass=0.9, organic=0.7"})));
        assertEquals(Map.of("glass", 0.9, "organic", 0.7), split.thresholdByKind());
        assertEquals(split, joined);
        assertEquals(0.9, split.threshold("glass"));
        assertEquals(0.8, split.threshold("paper"));
        assertEquals(0.8, split.threshold(null));
    }

    @Test
    void goodValuesAreTaken() {
        Settings s = Settings.from(config(Map.of("depot", " 4.91 , 52.37 ", "route.id", "north", "fire.rise.minutes", 15,
                "route.interval.seconds", 30, "route.budget.millis", 200)));
        assertEquals(Location.of(4.91, 52.37), s.depot());
        assertEquals("north", s.routeId());
        assertEquals(Duration.ofMinutes(15), s.riseWindow());
        assertEquals(Duration.ofSeconds(30), s.routeInterval());
        assertEquals(Duration.ofMillis(200), s.routeBudget());
    }

    @Test
    void theHysteresisMustStayBelowEveryThreshold() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.from(
                config(Map.of("full.hysteresis", 0.2, "full.threshold.by.kind", new String[] {"glass=0.9", "paper=0.2"}))));
        assertEquals("full.hysteresis 0.2 must be below every threshold (the lowest is 0.2)", e.getMessage());
    }

    /** What metatype cannot check; its ranges the config folder checks before the plugin sees a value. */
    static Object[][] badValues() {
        return new Object[][] {
            {"full.threshold.by.kind", new String[] {"glass"}, "full.threshold.by.kind entry 'glass': expected kind=threshold"},
            {"full.threshold.by.kind", new String[] {"=0.9"}, "full.threshold.by.kind entry '=0.9': expected kind=threshold"},
            {"full.threshold.by.kind", new String[] {"glass=full"}, "'full' is not a number"},
            {"full.threshold.by.kind", new String[] {"glass=1.2"}, "full.threshold.by.kind entry 'glass=1.2': the threshold must be from 0.05 to 1"},
            {"full.threshold.by.kind", new String[] {"glass=0.9", "GLASS=0.8"}, "entry 'GLASS=0.8': the kind 'glass' is also used by 'glass=0.9'"},
            {"full.threshold.by.kind", new String[] {"glass=0.04"}, "the threshold must be from 0.05"},
            {"full.threshold.by.kind", new String[] {"gl/ass=0.9"}, "entry 'gl/ass=0.9': the kind 'gl/ass' must be 1 to 64"},
            {"full.threshold.by.kind", new String[] {"glass="}, "entry 'glass=': expected kind=threshold"},
            {"fire.critical.temperature", 55.0, "fire.critical.temperature 55.0 must not be below fire.temperature 60.0"},
            {"fire.cool.temperature", 60.0, "fire.cool.temperature 60.0 must be below fire.temperature 60.0"},
            {"depot", "4.8990", "depot '4.8990' must be lon,lat"},
            {"depot", "4.8990;52.36", "depot '4.8990;52.36' must be lon,lat"},
            {"depot", "east,52.36", "'east' is not a number"},
            {"depot", "52.36,400", "latitude 400.0 must be between -90 and 90"},
            {"depot", "", "depot '' must be lon,lat"},
            {"route.id", "depot/1", "route.id 'depot/1' is not a valid local id"},
            {"route.id", " ", "route.id ' ' is not a valid local id"},
        };
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    void eachBadValueIsRefusedNamingItsKey(String key, Object value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.from(config(Map.of(key, value))));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().startsWith(key), e.getMessage());
    }
}
