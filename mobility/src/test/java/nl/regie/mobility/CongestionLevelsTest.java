package nl.regie.mobility;

import static nl.regie.mobility.Input.intensity;
import static nl.regie.mobility.Input.minute;
import static nl.regie.mobility.Input.speed;
import static nl.regie.mobility.Seen.last;
import static nl.regie.mobility.Seen.on;
import static nl.regie.mobility.Seen.raises;
import static nl.regie.mobility.Seen.resolved;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CongestionLevelsTest {

    private static final String SEGMENT = "traffic-001";
    private static final String LEVEL = "TrafficFlowObserved/traffic-001/congestionLevel";

    private final RegieTestKit kit = RegieTestKit.forPlugin(Settings.PID);

    @AfterEach
    void closeKit() {
        kit.close();
    }
    private final CongestionLevels traffic = new CongestionLevels(kit.bus(), kit.alerts(), kit.log().logger(),
            Settings.defaults());

    /** Sends intensity then speed, as the simulator does, at minute {@code m}. */
    private void traffic(String segment, double perHour, double kmh, long m) {
        traffic.onReading(intensity(segment, perHour, minute(m)));
        traffic.onReading(speed(segment, kmh, minute(m)));
    }

    private CongestionLevel level() {
        return traffic.level(SEGMENT).orElseThrow();
    }

    @ParameterizedTest(name = "{1} km/h of 50 is {2}")
    @CsvSource({
        "800, 50, free, false", "800, 34, free, false", "800, 33.5, moderate, false", "800, 21, moderate, false",
        "800, 20, heavy, true", "800, 16, heavy, true", "800, 15, jammed, true", "800, 3, jammed, true",
        "119, 3, free, false", "120, 3, jammed, true"})
    void speedRatioBands(double perHour, double kmh, String level, boolean congested) {
        traffic(SEGMENT, perHour, kmh, 0);
        assertEquals(level, last(kit, LEVEL));
        assertEquals(congested, last(kit, "TrafficFlowObserved/traffic-001/congested"));
    }

    @Test
    void fewSlowVehiclesAtNightAreNotCongestion() {
        traffic(SEGMENT, 40, 8, 0);
        traffic(SEGMENT, 25, 0, 5); // many detectors report 0 km/h when nothing passed
        assertEquals(CongestionLevel.FREE, level());
        assertTrue(raises(kit).isEmpty());
    }

    @Test
    void publishesOnEverySpeedAndIntensityReadingOnceASpeedIsKnown() {
        traffic.onReading(intensity(SEGMENT, 800, minute(0)));
        assertTrue(on(kit, "#").isEmpty(), "no speed yet");
        traffic.onReading(speed(SEGMENT, 45, minute(0)));
        traffic.onReading(intensity(SEGMENT, 900, minute(5)));
        traffic.onReading(speed(SEGMENT, 44, minute(5)));

        assertEquals(3, on(kit, LEVEL).size());
        assertEquals(3, on(kit, "TrafficFlowObserved/traffic-001/congested").size());
        assertEquals(minute(5), on(kit, LEVEL).get(1).observedAt());
        assertEquals(Input.PRINS_HENDRIKKADE, on(kit, LEVEL).get(1).location());
    }

    @Test
    void speedAloneDecidesUntilAnIntensityIsKnown() {
        traffic.onReading(speed(SEGMENT, 10, minute(0)));
        assertEquals(CongestionLevel.JAMMED, level());
    }

    @Test
    void aSegmentsOwnFreeSpeedWins() {
        traffic.apply(Settings.from(RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of("traffic.free.speed.by.segment", new String[] {"traffic-007=30"}))));
        traffic("traffic-007", 600, 25, 0);
        traffic("traffic-002", 600, 25, 0);

        assertEquals("free", last(kit, "TrafficFlowObserved/traffic-007/congestionLevel"), "25 of 30");
        assertEquals("moderate", last(kit, "TrafficFlowObserved/traffic-002/congestionLevel"), "25 of 50");
        assertEquals(30, traffic.freeSpeed("traffic-007"));
    }

    @Test
    void learnsAFreeSpeedFromADaysReadings() {
        for (int i = 0; i < FreeSpeedLearner.MIN_SAMPLES - 1; i++) {
            traffic("traffic-008", 400, 29 + i % 3, 5L * i);
        }
        assertEquals(50, traffic.freeSpeed("traffic-008"), "the default until a day's worth");
        traffic("traffic-008", 400, 30, 5L * FreeSpeedLearner.MIN_SAMPLES);
        assertEquals(31, traffic.freeSpeed("traffic-008"));
        assertEquals("moderate", last(kit, "TrafficFlowObserved/traffic-008/congestionLevel"), "30 of 50, held");
        traffic("traffic-008", 400, 30, 5L * FreeSpeedLearner.MIN_SAMPLES + 10);
        assertEquals("free", last(kit, "TrafficFlowObserved/traffic-008/congestionLevel"), "30 of 31");

        traffic.apply(Settings.from(RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of("traffic.free.speed.learn", false))));
        assertEquals(50, traffic.freeSpeed("traffic-008"), "learning off: the default again");
    }

    @Test
    void speedsInMetresPerSecondAreConverted() {
        traffic.onReading(Input.reading(EntityId.of(CongestionLevels.TYPE, SEGMENT), "averageVehicleSpeed",
                Value.of(3.0), "m/s", minute(0), null)); // 10.8 km/h
        assertEquals(CongestionLevel.JAMMED, level());
    }

    @Test
    void aSpeedHoveringAroundTheJamBoundDoesNotFlap() {
        double[] speeds = {16, 14.5, 15.5, 14, 16.2, 15.1, 16.4, 14.8};
        for (int i = 0; i < speeds.length; i++) {
            traffic(SEGMENT, 900, speeds[i], 5L * i);
        }
        assertEquals(CongestionLevel.JAMMED, level(), "held up to 15 x 1.1 = 16.5 km/h");
        assertEquals(1, raises(kit).size());
        traffic(SEGMENT, 900, 16.6, 100);
        assertEquals(CongestionLevel.JAMMED, level(), "held for 10 minutes");
        traffic(SEGMENT, 900, 16.6, 110);
        assertEquals(CongestionLevel.HEAVY, level());
    }

    @Test
    void jamAlertRaisedWhenJammedKeptWhileHeavyResolvedWhenModerate() {
        traffic(SEGMENT, 1000, 30, 0);
        traffic(SEGMENT, 1000, 12, 5);
        assertEquals(1, raises(kit).size());
        Seen.Change request = raises(kit).get(0);
        assertEquals("congestion-traffic-001", request.key());
        assertEquals("traffic", request.category());
        assertEquals("trafficJam", request.subCategory());
        assertEquals(AlertSeverity.MEDIUM, request.severity());
        assertEquals(EntityId.of("TrafficFlowObserved", SEGMENT), request.about());
        assertEquals(minute(5), request.observedAt());
        assertTrue(request.description().contains("12 km/h, 24% of its free-flow speed of 50 km/h, 1000 vehicles/h"),
                request.description());

        traffic(SEGMENT, 1000, 18, 10);
        traffic(SEGMENT, 1000, 18, 20);
        assertEquals(CongestionLevel.HEAVY, level());
        assertTrue(kit.alerts().own().stream().anyMatch(a -> a.key().equals("congestion-traffic-001")), "still active while heavy");

        traffic(SEGMENT, 1000, 25, 25);
        traffic(SEGMENT, 1000, 25, 35);
        assertEquals(CongestionLevel.MODERATE, level());
        assertEquals(List.of("congestion-traffic-001"), resolved(kit));
        assertEquals(1, raises(kit).size());
    }

    @Test
    void badAndLateReadingsAreIgnoredWithAWarning() {
        EntityId segment = EntityId.of(CongestionLevels.TYPE, SEGMENT);
        traffic(SEGMENT, 800, 45, 10);
        traffic.onReading(speed(SEGMENT, 5, minute(5)));
        traffic.onReading(Input.reading(segment, "averageVehicleSpeed", Value.of(true), "km/h", minute(11), null));
        traffic.onReading(Input.reading(segment, "intensity", Value.of(5), "1/min", minute(11), null));

        assertEquals(CongestionLevel.FREE, level());
        assertEquals(1, on(kit, LEVEL).size(), "only the first speed was judged");
        assertEquals(3, warned().size(), warned()::toString);
    }

    /** The plugin's warnings so far. */
    private List<String> warned() {
        return kit.log().messages("warn");
    }
}
