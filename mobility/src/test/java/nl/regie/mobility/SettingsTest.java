package nl.regie.mobility;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.Test;

class SettingsTest {

    private static String refused(Map<String, Object> values) {
        return assertThrows(IllegalArgumentException.class, () -> Settings.from(RegieTestKit.typedConfig(FlowWatcher.Config.class, values))).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "'" + message + "' should mention '" + part + "'");
        }
    }

    @Test
    void theConfigurationDefaultsAreTheSettingsDefaults() {
        assertEquals(Settings.defaults(), Settings.from(RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of())));
    }

    @Test
    void parsesZoneAreasAndSegmentSpeeds() {
        Settings settings = Settings.from(RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of(
                "zone.area", new String[] {"crowd-001=12500", " crowd-009 = 3000.5 ", ""},
                "traffic.free.speed.by.segment", new String[] {"traffic-007=30"})));

        assertEquals(12_500, settings.configuredArea("crowd-001"));
        assertEquals(3000.5, settings.configuredArea("crowd-009"));
        assertEquals(null, settings.configuredArea("crowd-002"));
        assertEquals(30, settings.configuredFreeSpeed("traffic-007"));
    }

    @Test
    void aCommaSeparatedStringMeansTheSameAsAnArray() {
        Settings joined = Settings.from(RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of(
                "zone.area", new String[] {"crowd-001=12500, crowd-009=3000,"})));

        assertEquals(12_500, joined.configuredArea("crowd-001"));
        assertEquals(3000, joined.configuredArea("crowd-009"));
    }

    @Test
    void busyMustBeBelowCritical() {
        assertMentions(refused(Map.of("crowd.busy.density", 4.0)),
                "crowd.critical.density 3.5", "must be above", "crowd.busy.density 4.0");
        assertMentions(refused(Map.of("crowd.busy.density", 3.5)), "crowd.critical.density 3.5");
    }

    @Test
    void zoneAreaEntriesAreChecked() {
        assertMentions(refused(Map.of("zone.area", new String[] {"crowd-001:12500"})),
                "zone.area entry 'crowd-001:12500'", "id=square metres", "crowd-001=12500");
        assertMentions(refused(Map.of("zone.area", new String[] {"crowd-001=big"})),
                "zone.area entry 'crowd-001=big'", "'big' is not a number");
        assertMentions(refused(Map.of("zone.area", new String[] {"crowd-001=0"})), "zone.area", "crowd-001", "above 0");
        assertMentions(refused(Map.of("zone.area", new String[] {"crowd 1=100"})), "zone.area entry 'crowd 1=100'");
        assertMentions(refused(Map.of("zone.area", new String[] {"crowd-001=1", "crowd-001=2"})),
                "zone.area entry 'crowd-001=2': the id 'crowd-001' is also used by 'crowd-001=1'");
        assertMentions(refused(Map.of("zone.area", new String[] {"crowd-001=1,crowd-001=2"})),
                "zone.area entry 'crowd-001=2': the id 'crowd-001' is also used by 'crowd-001=1'");
        assertMentions(refused(Map.of("traffic.free.speed.by.segment", new String[] {"traffic-007="})),
                "traffic.free.speed.by.segment entry 'traffic-007='", "id=km/h");
        assertMentions(refused(Map.of("traffic.free.speed.by.segment", new String[] {"traffic-007=500"})),
                "traffic.free.speed.by.segment", "at most 200");
    }

    @Test
    void speedRatioBandsMustBeInOrder() {
        assertMentions(refused(Map.of("traffic.jammed.ratio", 0.45)),
                "traffic.jammed.ratio 0.45 must be below traffic.heavy.ratio 0.4");
        assertMentions(refused(Map.of("traffic.heavy.ratio", 0.7)),
                "traffic.heavy.ratio 0.7 must be below traffic.moderate.ratio 0.67");
        assertMentions(refused(Map.of("traffic.moderate.ratio", 0.95)),
                "traffic.moderate.ratio 0.95", "traffic.hysteresis 0.1", "can become free again");
    }
}
