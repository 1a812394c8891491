package nl.regie.lighting;

import static nl.regie.lighting.ZoneBoosts.CrowdLevel.BUSY;
import static nl.regie.lighting.ZoneBoosts.CrowdLevel.CRITICAL;
import static nl.regie.lighting.ZoneBoosts.CrowdLevel.NORMAL;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Predicate;

import nl.regie.api.model.Location;

import org.junit.jupiter.api.Test;

/**
 * How the profile and the crowd zones make a lamp's target. In Amsterdam on 3 December 2026 the sun sets at
 * 16:30 and rises on the 4th at 08:32 (CET); dimming here starts at 22:00.
 */
class TargetLevelsTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");
    private static final Location DAM = Location.of(4.8925, 52.3731);
    private static final Location FAR = Location.of(4.9050, 52.3650);
    private static final OptionalDouble DAM_AREA = OptionalDouble.of(12_500); // reach 63 + 50 = 113 m

    private final TargetLevels targets = new TargetLevels(settings(Map.of("dim.from", "22:00")));

    @Test
    void withoutZonesTheTargetIsTheProfilesLevel() {
        assertEquals(0.0, targets.target(DAM, at("2026-12-03T12:00")));
        assertEquals(1.0, targets.target(DAM, at("2026-12-03T17:00")));
        assertEquals(0.3, targets.target(DAM, at("2026-12-03T23:00")));
        assertEquals(0.0, targets.target(DAM, at("2026-12-04T08:40")));
    }

    @Test
    void aBusyOrCriticalZoneRaisesTheLampsInItsReachToFullInTheDark() {
        targets.crowdReport("crowd-001", BUSY, DAM, DAM_AREA, at("2026-12-03T22:55"));
        assertEquals(1.0, targets.target(north(DAM, 110), at("2026-12-03T23:00")));
        assertEquals(0.3, targets.target(north(DAM, 120), at("2026-12-03T23:00")), "out of reach");
        targets.crowdReport("crowd-001", CRITICAL, DAM, DAM_AREA, at("2026-12-03T23:05"));
        assertEquals(1.0, targets.target(DAM, at("2026-12-03T23:10")));
        targets.crowdReport("crowd-001", NORMAL, DAM, DAM_AREA, at("2026-12-03T23:15"));
        assertEquals(0.3, targets.target(DAM, at("2026-12-03T23:15")), "calm again: the profile at once");
    }

    @Test
    void aCrowdNeverSwitchesLampsOnInDaylight() {
        targets.crowdReport("crowd-001", CRITICAL, DAM, DAM_AREA, at("2026-12-03T12:00"));
        assertEquals(0.0, targets.target(DAM, at("2026-12-03T12:01")));
        targets.crowdReport("crowd-001", CRITICAL, DAM, DAM_AREA, at("2026-12-04T08:35"));
        assertEquals(0.0, targets.target(DAM, at("2026-12-04T08:36")), "after sunrise");
    }

    @Test
    void aStaleZoneCountsAsCalm() {
        targets.crowdReport("crowd-001", BUSY, DAM, DAM_AREA, at("2026-12-03T18:00"));
        assertEquals(1.0, targets.target(DAM, at("2026-12-03T18:14")));
        targets.crowdReport("crowd-001", BUSY, DAM, DAM_AREA, at("2026-12-03T22:00"));
        assertEquals(0.3, targets.target(DAM, at("2026-12-03T22:15")), "15 minutes old: calm, so the profile");
    }

    @Test
    void aReportSaysWhereLampsMayHaveANewTargetBeforeAndAfterIt() {
        Predicate<Location> first = targets.crowdReport("crowd-001", BUSY, DAM, DAM_AREA, at("2026-12-03T18:00"));
        assertTrue(first.test(north(DAM, 110)));
        assertFalse(first.test(FAR));
        // The zone is reported elsewhere (a moving event): both where it was and where it is now change.
        Predicate<Location> moved = targets.crowdReport("crowd-001", NORMAL, FAR, DAM_AREA, at("2026-12-03T18:05"));
        assertTrue(moved.test(north(DAM, 110)), "its old reach");
        assertTrue(moved.test(FAR), "its new reach");
        assertFalse(moved.test(north(DAM, 500)));
        assertFalse(targets.crowdReport("crowd-002", BUSY, FAR, DAM_AREA, at("2026-12-03T18:05")).test(DAM),
                "another zone's reach is its own");
    }

    @Test
    void aReachLooksAtPlaceNotAtCrowdLevel() {
        // A zone that calms down must still re-judge its lamps, so a normal report reaches as far as a busy one.
        Predicate<Location> calm = targets.crowdReport("crowd-001", NORMAL, DAM, DAM_AREA, at("2026-12-03T18:00"));
        assertTrue(calm.test(north(DAM, 110)));
    }

    @Test
    void newSettingsApplyToTheProfileAtOnceAndToAZonesReachAtItsNextReport() {
        targets.crowdReport("crowd-001", BUSY, DAM, DAM_AREA, at("2026-12-03T23:00"));
        targets.configure(settings(Map.of("dim.from", "22:00", "dim.level", 0.5, "zone.margin.metres", 200.0)));
        assertEquals(0.5, targets.target(FAR, at("2026-12-03T23:01")));
        assertEquals(0.5, targets.target(north(DAM, 200), at("2026-12-03T23:01")), "still the old reach");
        targets.crowdReport("crowd-001", BUSY, DAM, DAM_AREA, at("2026-12-03T23:02"));
        assertEquals(1.0, targets.target(north(DAM, 200), at("2026-12-03T23:03")), "63 + 200 m");
    }

    private static Settings settings(Map<String, Object> config) {
        return Settings.from(Configs.of(config));
    }

    private static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(ZONE).toInstant();
    }

    private static Location north(Location from, double metres) {
        return Location.of(from.longitude(), from.latitude() + metres / 111_195.0);
    }
}
