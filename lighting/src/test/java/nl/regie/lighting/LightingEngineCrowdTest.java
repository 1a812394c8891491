package nl.regie.lighting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The engine with crowd zones: lamps near a busy zone go to full light while it is dark, and back when it
 * calms down or goes stale.
 */
class LightingEngineCrowdTest extends EngineFixture {

    @Test
    void aBusyZoneBringsNearbyLampsToFullAndBackWhenItCalmsDown() {
        report("lamp-near", NEAR, "2026-12-03T18:00", "on", 0.3, 20);
        report("lamp-far", FAR, "2026-12-03T18:00", "on", 0.3, 20);
        crowd("crowd-001", "busy", "2026-12-03T18:01", DAM);
        assertEquals(1, actuation.sent().size(), "at once, not at the lamp's next report");
        assertEquals("lamp-near", actuation.last().lamp());
        assertEquals(1.0, actuation.last().level());
        complete();
        report("lamp-near", NEAR, "2026-12-03T18:05", "on", 1.0, 60);
        crowd("crowd-001", "critical", "2026-12-03T18:06", DAM);
        assertEquals(1, actuation.sent().size(), "still full");
        crowd("crowd-001", "normal", "2026-12-03T19:00", DAM);
        assertEquals(2, actuation.sent().size());
        assertEquals("lamp-near", actuation.last().lamp());
        assertEquals(0.3, actuation.last().level());
    }

    @Test
    void aBoostIsNotHeldBackByACommandStillUnderWay() {
        report("lamp-near", NEAR, "2026-12-03T17:30", "on", 1.0, 60);
        assertEquals(0.3, actuation.last().level(), "its photocell lit it fully; the profile says dimmed");
        // That command is acknowledged late (or not at all); the crowd's light goes out at once regardless.
        crowd("crowd-001", "busy", "2026-12-03T17:54", DAM);
        assertEquals(2, actuation.sent().size());
        assertEquals(1.0, actuation.last().level());
    }

    @Test
    void aStaleZoneCountsAsCalmSoLampsReturnWhenMobilityDisappears() {
        report("lamp-near", NEAR, "2026-12-03T18:00", "on", 0.3, 20);
        crowd("crowd-001", "busy", "2026-12-03T18:00", DAM);
        complete();
        report("lamp-near", NEAR, "2026-12-03T18:05", "on", 1.0, 60);
        report("lamp-near", NEAR, "2026-12-03T18:14", "on", 1.0, 60);
        assertEquals(1, actuation.sent().size());
        // Mobility is gone: no more crowd levels. Fifteen minutes after the last one the zone counts as calm.
        report("lamp-near", NEAR, "2026-12-03T18:15", "on", 1.0, 60);
        assertEquals(2, actuation.sent().size());
        assertEquals(0.3, actuation.last().level());
    }

    @Test
    void aZoneThatComesBackAfterGoingStaleBoostsAgain() {
        report("lamp-near", NEAR, "2026-12-03T18:00", "on", 0.3, 20);
        crowd("crowd-001", "busy", "2026-12-03T18:00", DAM);
        complete();
        report("lamp-near", NEAR, "2026-12-03T18:30", "on", 1.0, 60);
        complete();
        assertEquals(0.3, actuation.last().level());
        crowd("crowd-001", "busy", "2026-12-03T18:40", DAM);
        assertEquals(1.0, actuation.last().level());
    }

    @Test
    void withoutAnyZoneLampsFollowTheProfile() {
        report("lamp-near", NEAR, "2026-12-03T16:00", "off", 0.0, 0);
        report("lamp-near", NEAR, "2026-12-03T16:35", "off", 0.0, 0);
        assertEquals(1.0, actuation.last().level());
        complete();
        report("lamp-near", NEAR, "2026-12-03T17:00", "on", 1.0, 60);
        assertEquals(0.3, actuation.last().level());
        assertEquals(2, actuation.sent().size());
    }

    @Test
    void aCrowdNeverSwitchesLampsOnInDaylight() {
        report("lamp-near", NEAR, "2026-12-03T12:00", "off", 0.0, 0);
        crowd("crowd-001", "critical", "2026-12-03T12:01", DAM);
        report("lamp-near", NEAR, "2026-12-03T12:05", "off", 0.0, 0);
        assertEquals(0, actuation.sent().size());
        // At sunset the boost applies: full light rather than the dimmed level.
        crowd("crowd-001", "critical", "2026-12-03T17:20", DAM);
        assertEquals(1.0, actuation.last().level());
    }

    @Test
    void aZoneWithoutAreaReachesTheDefaultRadiusAndItsLocationComesFromTheCityState() {
        areas.clear();
        locations.put(DAM_ZONE, DAM);
        report("lamp-90", north(DAM, 90), "2026-12-03T18:00", "on", 0.3, 20);
        report("lamp-110", north(DAM, 110), "2026-12-03T18:00", "on", 0.3, 20);
        crowd("crowd-001", "busy", "2026-12-03T18:01", null);
        assertEquals(1, actuation.sent().size());
        assertEquals("lamp-90", actuation.last().lamp());
    }
}
