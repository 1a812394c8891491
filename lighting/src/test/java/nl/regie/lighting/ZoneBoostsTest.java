package nl.regie.lighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;

import nl.regie.api.model.Location;

import org.junit.jupiter.api.Test;

class ZoneBoostsTest {

    private static final Location DAM = Location.of(4.8925, 52.3731);
    private static final Instant T0 = Instant.parse("2026-12-03T17:00:00Z");

    private final ZoneBoosts zones = new ZoneBoosts(50, 100, Duration.ofMinutes(15));

    @Test
    void radiusIsTheCircleOfTheAreaPlusTheMargin() {
        // Dam square, 12,500 m2: a circle of 63.1 m, plus 50 m.
        assertEquals(113.08, zones.radius(OptionalDouble.of(12_500)), 0.01);
        assertEquals(100, zones.radius(OptionalDouble.empty()));
        assertEquals(100, zones.radius(OptionalDouble.of(0)));
    }

    @Test
    void aBusyZoneBoostsLampsWithinItsReachOnly() {
        zones.report("crowd-001", ZoneBoosts.CrowdLevel.BUSY, DAM, OptionalDouble.of(12_500), T0);
        assertTrue(zones.boosted(metresNorthOfDam(0), T0));
        assertTrue(zones.boosted(metresNorthOfDam(110), T0));
        assertFalse(zones.boosted(metresNorthOfDam(120), T0));
    }

    @Test
    void criticalBoostsAndNormalDoesNot() {
        zones.report("crowd-001", ZoneBoosts.CrowdLevel.CRITICAL, DAM, OptionalDouble.of(12_500), T0);
        assertTrue(zones.boosted(DAM, T0));
        zones.report("crowd-001", ZoneBoosts.CrowdLevel.NORMAL, DAM, OptionalDouble.of(12_500), T0.plusSeconds(300));
        assertFalse(zones.boosted(DAM, T0.plusSeconds(300)));
    }

    @Test
    void aStaleReportCountsAsCalm() {
        zones.report("crowd-001", ZoneBoosts.CrowdLevel.BUSY, DAM, OptionalDouble.of(12_500), T0);
        assertTrue(zones.boosted(DAM, T0.plus(Duration.ofMinutes(14))));
        assertFalse(zones.boosted(DAM, T0.plus(Duration.ofMinutes(15))));
        zones.configure(50, 100, Duration.ofMinutes(30));
        assertTrue(zones.boosted(DAM, T0.plus(Duration.ofMinutes(15))));
    }

    @Test
    void anOlderReportDoesNotReplaceANewerOne() {
        zones.report("crowd-001", ZoneBoosts.CrowdLevel.NORMAL, DAM, OptionalDouble.of(12_500), T0);
        zones.report("crowd-001", ZoneBoosts.CrowdLevel.BUSY, DAM, OptionalDouble.of(12_500), T0.minusSeconds(60));
        assertFalse(zones.boosted(DAM, T0));
    }

    @Test
    void noZonesNoBoost() {
        assertFalse(zones.boosted(DAM, T0));
    }

    @Test
    void aZoneIsFoundByItsIdOnceItHasReported() {
        assertTrue(zones.zone("crowd-001").isEmpty());
        zones.report("crowd-001", ZoneBoosts.CrowdLevel.BUSY, DAM, OptionalDouble.of(12_500), T0);
        ZoneBoosts.Zone zone = zones.zone("crowd-001").orElseThrow();
        assertEquals(ZoneBoosts.CrowdLevel.BUSY, zone.level());
        assertEquals(T0, zone.observedAt());
        assertTrue(zones.zone("crowd-002").isEmpty());
    }

    @Test
    void aZonesReachIsItsCircleWhateverItsLevelOrAge() {
        ZoneBoosts.Zone calm = zones.report("crowd-001", ZoneBoosts.CrowdLevel.NORMAL, DAM, OptionalDouble.of(12_500), T0);
        assertTrue(calm.reaches(metresNorthOfDam(110)));
        assertFalse(calm.reaches(metresNorthOfDam(120)));
        assertFalse(calm.boosts(metresNorthOfDam(110), T0, Duration.ofMinutes(15)), "it reaches, but does not boost");
    }

    @Test
    void crowdLevelsParseAsMobilityPublishesThem() {
        assertEquals(ZoneBoosts.CrowdLevel.BUSY, ZoneBoosts.CrowdLevel.parse("busy"));
        assertEquals(ZoneBoosts.CrowdLevel.CRITICAL, ZoneBoosts.CrowdLevel.parse("Critical"));
        assertThrows(IllegalArgumentException.class, () -> ZoneBoosts.CrowdLevel.parse("heaving"));
    }

    private static Location metresNorthOfDam(double metres) {
        return Location.of(DAM.longitude(), DAM.latitude() + metres / 111_195.0);
    }
}
