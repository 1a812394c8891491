package nl.regie.mobility;

import static nl.regie.mobility.Input.area;
import static nl.regie.mobility.Input.count;
import static nl.regie.mobility.Input.minute;
import static nl.regie.mobility.Seen.last;
import static nl.regie.mobility.Seen.on;
import static nl.regie.mobility.Seen.raises;
import static nl.regie.mobility.Seen.resolved;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CrowdLevelsTest {

    private static final String ZONE = "crowd-001";
    private static final double AREA = 12_500;

    private final RegieTestKit kit = RegieTestKit.forPlugin(Settings.PID);

    @AfterEach
    void closeKit() {
        kit.close();
    }
    private final CrowdLevels crowds = new CrowdLevels(kit.bus(), kit.alerts(), kit.log().logger(),
            Settings.defaults());

    /** Sends the area, then a count giving {@code density} people/m², at minute {@code m}. */
    private void density(double density, long m) {
        crowds.onReading(area(ZONE, AREA, minute(m)));
        crowds.onReading(count(ZONE, Math.round(density * AREA), minute(m)));
    }

    private CrowdLevel level() {
        return crowds.level(ZONE).orElseThrow();
    }

    @Test
    void publishesDensityLevelAndCongestedOnEveryCount() {
        density(2.0, 0);
        density(2.0, 5);

        List<Reading> densities = on(kit, "CrowdFlowObserved/crowd-001/density");
        assertEquals(2, densities.size());
        Reading first = densities.get(0);
        assertEquals(Value.of(2.0), first.value());
        assertEquals("1/m2", first.unit());
        assertEquals(minute(0), first.observedAt());
        assertEquals(Input.DAM, first.location());
        assertEquals(Settings.PID, first.source());
        assertEquals(2, on(kit, "CrowdFlowObserved/crowd-001/crowdLevel").size());
        assertEquals("busy", last(kit, "CrowdFlowObserved/crowd-001/crowdLevel"));
        assertEquals(true, last(kit, "CrowdFlowObserved/crowd-001/congested"));
    }

    @Test
    void levelsFollowTheDensity() {
        density(0.5, 0);
        assertEquals(CrowdLevel.NORMAL, level());
        assertEquals(false, last(kit, "CrowdFlowObserved/crowd-001/congested"));
        density(2.2, 5);
        assertEquals(CrowdLevel.BUSY, level());
        density(3.6, 10);
        assertEquals(CrowdLevel.CRITICAL, level());
        assertEquals("critical", last(kit, "CrowdFlowObserved/crowd-001/crowdLevel"));
        assertEquals(true, last(kit, "CrowdFlowObserved/crowd-001/congested"));
    }

    @Test
    void aZoneHoveringAroundTheBusyThresholdDoesNotFlap() {
        double[] densities = {1.9, 2.05, 1.95, 2.1, 1.85, 2.02, 1.82, 2.0, 1.9};
        List<CrowdLevel> seen = new ArrayList<>();
        for (int i = 0; i < densities.length; i++) {
            density(densities[i], 5L * i);
            seen.add(level());
        }
        assertEquals(CrowdLevel.NORMAL, seen.get(0));
        assertTrue(seen.subList(1, seen.size()).stream().allMatch(l -> l == CrowdLevel.BUSY), seen::toString);

        for (long m = 100; m < 115; m += 5) {
            density(1.79, m);
            assertEquals(CrowdLevel.BUSY, level(), "below 2.0 x (1 - 0.1), but not yet for 15 minutes");
        }
        density(1.79, 115);
        assertEquals(CrowdLevel.NORMAL, level(), "left after 15 minutes below 2.0 x (1 - 0.1)");
    }

    @Test
    void oneLowCountInALongCriticalSpellDoesNotResolveTheAlert() {
        double[] densities = {3.6, 3.7, 3.1, 3.6, 3.2, 3.0, 3.55, 3.6};
        for (int i = 0; i < densities.length; i++) {
            density(densities[i], 5L * i);
            assertEquals(CrowdLevel.CRITICAL, level(), "at " + densities[i]);
        }
        assertEquals(1, raises(kit).size());
        assertTrue(resolved(kit).isEmpty());
    }

    @Test
    void risingIsNeverDelayed() {
        density(0.2, 0);
        density(3.9, 5);
        assertEquals(CrowdLevel.CRITICAL, level());
        assertEquals(1, raises(kit).size());
    }

    @Test
    void alertWhileCriticalResolvedWhenTheZoneLeavesCritical() {
        density(3.0, 0);
        assertTrue(kit.alerts().own().isEmpty());

        density(3.6, 5);
        density(3.8, 10);
        density(3.3, 15); // still above 3.5 x 0.9
        assertEquals(1, raises(kit).size(), "raised once, not on every count");
        Seen.Change request = raises(kit).get(0);
        assertEquals("crowd-crowd-001", request.key());
        assertEquals("security", request.category());
        assertEquals("overcrowding", request.subCategory());
        assertEquals(AlertSeverity.HIGH, request.severity());
        assertEquals(EntityId.of("CrowdFlowObserved", ZONE), request.about());
        assertEquals(Input.DAM, request.location());
        assertEquals(minute(5), request.observedAt());
        assertTrue(request.description().contains("3.60 people/m2"), request.description());

        density(3.1, 20);
        density(3.1, 30);
        assertEquals(CrowdLevel.CRITICAL, level(), "held for 15 minutes");
        assertTrue(resolved(kit).isEmpty());
        density(3.1, 35);
        assertEquals(CrowdLevel.BUSY, level());
        assertEquals(List.of("crowd-crowd-001"), resolved(kit));
        assertTrue(kit.alerts().own().isEmpty());
    }

    @Test
    void anAlertLeftByAnEarlierRunIsTakenOverAndResolvedWhenTheZoneIsCalm() {
        kit.alerts().raise(new AlertRequest("crowd-crowd-001", "security", "overcrowding", AlertSeverity.HIGH, "left over",
                EntityId.of(CrowdLevels.TYPE, ZONE), Input.DAM, minute(-60)));
        CrowdLevels next = new CrowdLevels(kit.bus(), kit.alerts(), kit.log().logger(),
                Settings.defaults()); // the plugin's next version, on the same runtime
        next.onReading(area(ZONE, AREA, minute(0)));
        next.onReading(count(ZONE, Math.round(0.4 * AREA), minute(0)));
        assertEquals(List.of("crowd-crowd-001"), resolved(kit));
    }

    @Test
    void withoutAnAreaNothingIsPublishedAndEachLaterCountIsWarnedAbout() {
        crowds.onReading(count(ZONE, 100, minute(0)));
        assertTrue(warned().isEmpty(), "the area may still come in the same pack");
        crowds.onReading(count(ZONE, 110, minute(5)));
        crowds.onReading(count(ZONE, 120, minute(10)));

        assertTrue(on(kit, "#").isEmpty());
        assertTrue(crowds.level(ZONE).isEmpty());
        assertEquals(2, warned().size(), warned()::toString);
        assertTrue(warned().get(0).contains("No area known for crowd zone crowd-001"), warned().get(0));
        assertTrue(warned().get(0).contains("zone.area"), warned().get(0));
    }

    @Test
    void aCountBeforeTheAreaIsPublishedWhenTheAreaComes() {
        crowds.onReading(count(ZONE, 25_000, minute(0)));
        assertTrue(on(kit, "#").isEmpty());
        crowds.onReading(area(ZONE, AREA, minute(0)));

        assertEquals(Value.of(2.0), on(kit, "CrowdFlowObserved/crowd-001/density").get(0).value());
        assertEquals(minute(0), on(kit, "CrowdFlowObserved/crowd-001/density").get(0).observedAt());
        assertTrue(warned().isEmpty());
    }

    @Test
    void aConfiguredAreaServesCountersWithoutOneAndWinsOverTheReportedOne() {
        crowds.apply(Settings.from(RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of("zone.area", new String[] {"crowd-002=1000", "crowd-001=25000"}))));

        crowds.onReading(count("crowd-002", 500, minute(0)));
        assertEquals(Value.of(0.5), on(kit, "CrowdFlowObserved/crowd-002/density").get(0).value());

        density(2.0, 0); // 25,000 people on the configured 25,000 m2, not the reported 12,500
        assertEquals(1.0, last(kit, "CrowdFlowObserved/crowd-001/density"));
    }

    @Test
    void badInputIsIgnoredWithAWarning() {
        EntityId zone = EntityId.of(CrowdLevels.TYPE, ZONE);
        crowds.onReading(area(ZONE, AREA, minute(0)));
        crowds.onReading(Input.reading(zone, "peopleCount", Value.of("many"), "count", minute(0), null));
        crowds.onReading(Input.reading(zone, "peopleCount", Value.of(-5), "count", minute(1), null));
        crowds.onReading(Input.reading(zone, "peopleCount", Value.of(5), "km", minute(2), null));
        crowds.onReading(Input.reading(zone, "area", Value.of(0), "m2", minute(3), null));

        assertTrue(on(kit, "#").isEmpty());
        assertEquals(4, warned().size(), warned()::toString);
    }

    @Test
    void aCountOlderThanTheLastIsIgnored() {
        density(3.0, 10);
        crowds.onReading(count(ZONE, 100, minute(5)));
        assertEquals(1, on(kit, "CrowdFlowObserved/crowd-001/density").size());
        assertEquals(CrowdLevel.BUSY, level());
        assertEquals(1, warned().size());
    }

    @Test
    void newSettingsApplyWithoutLosingAZonesLevel() {
        density(2.3, 0);
        assertEquals(CrowdLevel.BUSY, level());

        crowds.apply(Settings.from(RegieTestKit.typedConfig(FlowWatcher.Config.class, Map.of("crowd.busy.density", 2.5))));
        density(2.3, 5);
        assertEquals(CrowdLevel.BUSY, level(), "still busy: held down to 2.5 x 0.9 = 2.25");
        density(2.2, 10);
        density(2.2, 25);
        assertEquals(CrowdLevel.NORMAL, level(), "below 2.25 for 15 minutes");
    }

    /** The plugin's warnings so far. */
    private List<String> warned() {
        return kit.log().messages("warn");
    }
}
