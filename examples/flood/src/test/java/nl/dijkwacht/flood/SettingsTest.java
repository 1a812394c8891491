package nl.dijkwacht.flood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import nl.regie.api.model.Location;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SettingsTest {

    /** For the configuration only: typed as DS types it. */
    private final RegieTestKit kit = RegieTestKit.forPlugin(Settings.PID);

    @AfterEach
    void close() {
        kit.close();
    }

    private Settings parse(String key, Object value) {
        return Settings.from(kit.config(FloodWatcher.Config.class, Map.of(key, value)));
    }

    private String refused(String key, Object value) {
        return assertThrows(IllegalArgumentException.class, () -> parse(key, value)).getMessage();
    }

    @Test
    void anEmptyConfigurationGivesTheDefaults() {
        assertEquals(Settings.defaults(), Settings.from(kit.config(FloodWatcher.Config.class, Map.of())));
    }

    @Test
    void parsesPointsLevelsAndNames() {
        Settings settings = Settings.from(kit.config(FloodWatcher.Config.class, Map.of(
                "sandbag.points", new String[] {"waterlooplein|Waterlooplein|4.9020|52.3676",
                        " museumplein | Museumplein | 4.8815 | 52.3581 "},
                "flood.level.by.gauge", new String[] {"gauge-01=1.5"},
                "gauge.names", new String[] {"gauge-01=Amstel"})));

        assertEquals(List.of(new SandbagPoint("waterlooplein", "Waterlooplein", Location.of(4.9020, 52.3676)),
                new SandbagPoint("museumplein", "Museumplein", Location.of(4.8815, 52.3581))), settings.sandbagPoints());
        assertEquals(1.5, settings.levelFor("gauge-01"));
        assertEquals(1.45, settings.levelFor("gauge-02"));
        assertEquals("Amstel (gauge-01)", settings.nameOf("gauge-01"));
        assertEquals("gauge-02", settings.nameOf("gauge-02"));
    }

    @Test
    void aCommaSeparatedStringMeansTheSameAsAnArray() {
        Settings settings = parse("sandbag.points", new String[] {"a|A|4.9|52.3, b|B|4.8|52.4,"});

        assertEquals(List.of("a", "b"), settings.sandbagPoints().stream().map(SandbagPoint::id).toList());
    }

    @Test
    void aMalformedPointIsRefusedNamingTheEntry() {
        assertEquals("sandbag.points entry 'waterlooplein|Waterlooplein|4.9020': expected id|name|lon|lat "
                + "(4 fields separated by '|'), found 3 fields",
                refused("sandbag.points", new String[] {"waterlooplein|Waterlooplein|4.9020"}));
        assertEquals("sandbag.points entry 'w|Waterlooplein|east|52.3676': the longitude 'east' is not a number",
                refused("sandbag.points", new String[] {"w|Waterlooplein|east|52.3676"}));
        assertEquals("sandbag.points entry 'w|Waterlooplein|4.9020|152.3676': latitude 152.3676 must be between "
                + "-90 and 90", refused("sandbag.points", new String[] {"w|Waterlooplein|4.9020|152.3676"}));
        assertEquals("sandbag.points entry 'water looplein|W|4.9|52.3': the id 'water looplein' must be 1 to 128 "
                + "letters, digits, '.', '_', '-' or ':'", refused("sandbag.points", new String[] {"water looplein|W|4.9|52.3"}));
        assertEquals("sandbag.points entry 'w| |4.9|52.3': the name must be 1 to 80 characters",
                refused("sandbag.points", new String[] {"w| |4.9|52.3"}));
        assertEquals("sandbag.points entry 'w|Other|4.8|52.3': the id 'w' is also used by 'w|W|4.9|52.3'",
                refused("sandbag.points", new String[] {"w|W|4.9|52.3", "w|Other|4.8|52.3"}));
    }

    @Test
    void malformedGaugeEntriesAreRefusedNamingTheEntry() {
        assertEquals("flood.level.by.gauge entry 'gauge-01:1.5': expected gauge=level in metres, such as gauge-01=1.5",
                refused("flood.level.by.gauge", new String[] {"gauge-01:1.5"}));
        assertEquals("flood.level.by.gauge entry 'gauge-01=high': the level 'high' is not a number",
                refused("flood.level.by.gauge", new String[] {"gauge-01=high"}));
        assertEquals("flood.level.by.gauge entry 'gauge-01=1.9': the level must be below critical.level 1.8",
                refused("flood.level.by.gauge", new String[] {"gauge-01=1.9"}));
        assertEquals("gauge.names entry 'gauge-01=': expected gauge=name, such as gauge-01=Amstel",
                refused("gauge.names", new String[] {"gauge-01="}));
        assertEquals("flood.level.by.gauge entry 'gauge-01=1.2': the gauge 'gauge-01' is also used by 'gauge-01=1.5'",
                refused("flood.level.by.gauge", new String[] {"gauge-01=1.5", "gauge-01=1.2"}));
        assertEquals("gauge.names entry 'gauge 01=Amstel': the id 'gauge 01' must be 1 to 128 letters, digits, '.', '_', "
                + "'-' or ':'", refused("gauge.names", new String[] {"gauge 01=Amstel"}));
    }

    @Test
    void theRuleAcrossKeysIsChecked() {
        assertEquals("critical.level 1.4 must be above flood.level 1.45", refused("critical.level", 1.4));
    }
}
