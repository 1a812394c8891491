package nl.regie.mobility;

import static nl.regie.mobility.Seen.on;
import static nl.regie.mobility.Seen.raises;
import static nl.regie.mobility.Seen.resolved;
import static nl.regie.mobility.SimulatedCity.AMSTERDAM;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nl.regie.mobility.SimulatedCity.Crowd;
import nl.regie.mobility.SimulatedCity.Road;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two simulated weeks, a reading every 5 minutes as the simulator sends them, through the plugin's logic. */
class SimulatedDaysTest {

    /** Monday 9 March 2026. */
    private static final ZonedDateTime START = LocalDate.of(2026, 3, 9).atStartOfDay(AMSTERDAM);
    private static final int DAYS = 14;
    private static final int STEP_MINUTES = 5;

    private final RegieTestKit kit = RegieTestKit.forPlugin(Settings.PID);

    @AfterEach
    void closeKit() {
        kit.close();
    }

    @Test
    void theEventZoneBecomesBusyEveryDayAndNormalAfterwards() {
        CrowdLevels crowds = new CrowdLevels(kit.bus(), kit.alerts(), kit.log().logger(), Settings.defaults());
        Crowd dam = new Crowd(7, 12_500, 0.5, true);
        Map<LocalDate, List<CrowdLevel>> changes = new LinkedHashMap<>();
        CrowdLevel last = null;
        int criticalDays = 0;

        for (ZonedDateTime t = START; t.isBefore(START.plusDays(DAYS)); t = t.plusMinutes(STEP_MINUTES)) {
            crowds.onReading(Input.count("crowd-001", dam.peopleCount(t), t.toInstant()));
            crowds.onReading(Input.area("crowd-001", 12_500, t.toInstant()));
            CrowdLevel level = crowds.level("crowd-001").orElseThrow();
            if (last != null && level != last) {
                changes.computeIfAbsent(t.toLocalDate(), d -> new ArrayList<>()).add(level);
            }
            last = level;
            if (t.getHour() == 23 && t.getMinute() == 55) {
                assertEquals(CrowdLevel.NORMAL, level, "normal again at the end of " + t.toLocalDate());
                assertTrue(kit.alerts().own().isEmpty(), "no alert left at the end of " + t.toLocalDate());
            }
        }

        assertEquals(DAYS, changes.size(), "an event every day: " + changes);
        for (Map.Entry<LocalDate, List<CrowdLevel>> day : changes.entrySet()) {
            List<CrowdLevel> seen = day.getValue();
            boolean busyOnly = seen.equals(List.of(CrowdLevel.BUSY, CrowdLevel.NORMAL));
            // Leaving critical, the zone may pass through busy or, if the crowd disperses within the hold, not.
            boolean critical = seen.equals(List.of(CrowdLevel.BUSY, CrowdLevel.CRITICAL, CrowdLevel.BUSY,
                    CrowdLevel.NORMAL)) || seen.equals(List.of(CrowdLevel.BUSY, CrowdLevel.CRITICAL, CrowdLevel.NORMAL));
            assertTrue(busyOnly || critical, "up once and down once, no flapping, on " + day);
            if (critical) {
                criticalDays++;
            }
        }
        assertTrue(criticalDays > 0 && criticalDays < DAYS, "peaks of 3 to 4 people/m2: critical on some days only, "
                + "was " + criticalDays);
        assertEquals(criticalDays, raises(kit).size(), "one overcrowding alert per critical day");
        assertEquals(criticalDays, resolved(kit).size());
        assertTrue(warned().isEmpty(), warned()::toString);
    }

    @Test
    void ordinaryZonesStayNormal() {
        CrowdLevels crowds = new CrowdLevels(kit.bus(), kit.alerts(), kit.log().logger(), Settings.defaults());
        List<Crowd> zones = List.of(new Crowd(11, 6_000, 0.8, false), new Crowd(12, 3_000, 0.8, false),
                new Crowd(13, 15_000, 0.1, false), new Crowd(14, 7_500, 0.45, false));

        for (ZonedDateTime t = START; t.isBefore(START.plusDays(DAYS)); t = t.plusMinutes(STEP_MINUTES)) {
            for (int i = 0; i < zones.size(); i++) {
                String id = "crowd-00" + (i + 2);
                crowds.onReading(Input.count(id, zones.get(i).peopleCount(t), t.toInstant()));
                crowds.onReading(Input.area(id, zones.get(i).area(), t.toInstant()));
            }
        }

        assertTrue(on(kit, "#").stream().filter(r -> r.attribute().equals("crowdLevel"))
                .allMatch(r -> r.value().asObject().equals("normal")));
        assertTrue(raises(kit).isEmpty());
    }

    @Test
    void theBottleneckJamsInEveryWeekdayRushHourAndOrdinarySegmentsDoNot() {
        CongestionLevels traffic = new CongestionLevels(kit.bus(), kit.alerts(), kit.log().logger(), Settings.defaults());
        Map<String, Road> roads = Map.of(
                "traffic-001", new Road(21, 1_800, 50, 1.2), // Prins Hendrikkade, the bottleneck
                "traffic-002", new Road(22, 1_400, 50, 0.85), // the busiest an ordinary segment gets
                "traffic-008", new Road(23, 1_000, 30, 0.85)); // a 30 km/h street, judged on its learned speed
        Map<LocalDate, Integer> jamsPerDay = new LinkedHashMap<>();

        for (ZonedDateTime t = START; t.isBefore(START.plusDays(DAYS)); t = t.plusMinutes(STEP_MINUTES)) {
            for (Map.Entry<String, Road> road : roads.entrySet()) {
                String id = road.getKey();
                traffic.onReading(Input.intensity(id, road.getValue().intensity(t), t.toInstant()));
                traffic.onReading(Input.speed(id, road.getValue().averageVehicleSpeed(t), t.toInstant()));
            }
            if (t.getHour() == 12 || t.getHour() == 3) {
                assertEquals(CongestionLevel.FREE, traffic.level("traffic-001").orElseThrow(), "free at " + t);
            }
            boolean learned = !t.isBefore(START.plusDays(1));
            if (learned) {
                assertTrue(!traffic.level("traffic-002").orElseThrow().congested(), "traffic-002 at " + t);
                assertTrue(!traffic.level("traffic-008").orElseThrow().congested(), "traffic-008 at " + t);
            }
        }

        // Each raise dated by the reading that showed the jam, so counted on the day it was raised.
        raises(kit).forEach(r -> jamsPerDay.merge(LocalDate.ofInstant(r.observedAt(), START.getZone()), 1, Integer::sum));
        assertTrue(raises(kit).stream().allMatch(r -> r.key().equals("congestion-traffic-001")), "only the bottleneck");
        for (int d = 0; d < DAYS; d++) {
            ZonedDateTime day = START.plusDays(d);
            int expected = SimulatedCity.weekend(day) ? 0 : 2;
            assertEquals(expected, jamsPerDay.getOrDefault(day.toLocalDate(), 0),
                    "jams (morning and evening rush on weekdays) on " + day.toLocalDate());
        }
        assertEquals(raises(kit).size(), resolved(kit).size(), "every jam resolved");
        assertTrue(Math.abs(traffic.freeSpeed("traffic-008") - 30) <= 2, "learned " + traffic.freeSpeed("traffic-008"));
        assertTrue(warned().isEmpty(), warned()::toString);
    }

    @Test
    void aConfiguredSpeedJudgesA30KmhStreetRightFromTheStart() {
        Settings settings = Settings.from(RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of(
                "traffic.free.speed.by.segment", new String[] {"traffic-008=30"}, "traffic.free.speed.learn", false)));
        CongestionLevels traffic = new CongestionLevels(kit.bus(), kit.alerts(), kit.log().logger(), settings);
        Road street = new Road(23, 1_000, 30, 0.85);

        for (ZonedDateTime t = START; t.isBefore(START.plusDays(DAYS)); t = t.plusMinutes(STEP_MINUTES)) {
            traffic.onReading(Input.intensity("traffic-008", street.intensity(t), t.toInstant()));
            traffic.onReading(Input.speed("traffic-008", street.averageVehicleSpeed(t), t.toInstant()));
            assertTrue(!traffic.level("traffic-008").orElseThrow().congested(), "at " + t);
        }
        assertTrue(raises(kit).isEmpty());
    }

    /** The plugin's warnings so far. */
    private List<String> warned() {
        return kit.log().messages("warn");
    }
}
