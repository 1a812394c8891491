package nl.regie.lighting;

import static nl.regie.lighting.NightProfile.Phase.DAY;
import static nl.regie.lighting.NightProfile.Phase.EVENING;
import static nl.regie.lighting.NightProfile.Phase.LATE;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;

import nl.regie.api.model.Location;

import org.junit.jupiter.api.Test;

/**
 * The profile's windows in Amsterdam. On 3 December 2026 the sun sets at 16:30 and rises on the 4th at 08:32
 * (CET); on 21 June it sets at 22:06 and rises on the 22nd at 05:18 (CEST).
 */
class NightProfileTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Amsterdam");
    private static final Location DAM = Location.of(4.8925, 52.3731);
    private static final SunCalculator SUN = new SunCalculator();

    @Test
    void dimmingAfterMidnightByDefault() {
        NightProfile profile = profile("00:00");
        assertEquals(DAY, profile.phase(DAM, at("2026-12-03T16:20")));
        assertEquals(EVENING, profile.phase(DAM, at("2026-12-03T16:40")));
        assertEquals(EVENING, profile.phase(DAM, at("2026-12-03T23:59")));
        assertEquals(LATE, profile.phase(DAM, at("2026-12-04T00:00")));
        assertEquals(LATE, profile.phase(DAM, at("2026-12-04T08:25")));
        assertEquals(DAY, profile.phase(DAM, at("2026-12-04T08:45")));
        assertEquals(DAY, profile.phase(DAM, at("2026-12-04T12:00")));
    }

    @Test
    void levelsOfThePhases() {
        NightProfile profile = new NightProfile(SUN, 0.25, LocalTime.MIDNIGHT, ZONE);
        assertEquals(0.0, profile.level(DAY));
        assertEquals(1.0, profile.level(EVENING));
        assertEquals(0.25, profile.level(LATE));
        assertEquals(0.25, profile.level(DAM, at("2026-12-04T03:00")));
    }

    @Test
    void dimFromBeforeMidnightDimsTheSameEveningAndLastsAcrossMidnight() {
        NightProfile profile = profile("22:00");
        assertEquals(EVENING, profile.phase(DAM, at("2026-12-03T21:59")));
        assertEquals(LATE, profile.phase(DAM, at("2026-12-03T22:00")));
        assertEquals(LATE, profile.phase(DAM, at("2026-12-04T00:00")));
        assertEquals(LATE, profile.phase(DAM, at("2026-12-04T06:00")));
        assertEquals(DAY, profile.phase(DAM, at("2026-12-04T09:00")));
        // The next evening starts at full again.
        assertEquals(EVENING, profile.phase(DAM, at("2026-12-04T18:00")));
    }

    @Test
    void dimFromBeforeDuskDimsFromDusk() {
        NightProfile profile = profile("17:00");
        // In June the sun sets at 22:06, long after 17:00: the whole night is dimmed, never full.
        assertEquals(DAY, profile.phase(DAM, at("2026-06-21T17:30")));
        assertEquals(DAY, profile.phase(DAM, at("2026-06-21T22:00")));
        assertEquals(LATE, profile.phase(DAM, at("2026-06-21T22:10")));
        assertEquals(LATE, profile.phase(DAM, at("2026-06-22T05:00")));
        assertEquals(DAY, profile.phase(DAM, at("2026-06-22T05:30")));
        // In December (sunset 16:30) the same setting gives half an hour of full light first.
        assertEquals(EVENING, profile.phase(DAM, at("2026-12-03T16:45")));
        assertEquals(LATE, profile.phase(DAM, at("2026-12-03T17:00")));
    }

    @Test
    void dimFromAfterDawnNeverDims() {
        NightProfile profile = profile("09:00");
        assertEquals(EVENING, profile.phase(DAM, at("2026-06-22T05:00")));
        assertEquals(DAY, profile.phase(DAM, at("2026-06-22T09:30")));
    }

    @Test
    void aDimTimeInTheDaylightSavingGapDimsAnHourLater() {
        // On 29 March 2026 the clocks go from 02:00 to 03:00; 02:30 does not exist that night.
        NightProfile profile = profile("02:30");
        assertEquals(EVENING, profile.phase(DAM, at("2026-03-29T03:15")));
        assertEquals(LATE, profile.phase(DAM, at("2026-03-29T03:30")));
    }

    @Test
    void theShortestNightHasAllThreePhases() {
        NightProfile profile = profile("00:00");
        assertEquals(EVENING, profile.phase(DAM, at("2026-06-21T23:00")));
        assertEquals(LATE, profile.phase(DAM, at("2026-06-22T01:00")));
        assertEquals(DAY, profile.phase(DAM, at("2026-06-22T12:00")));
    }

    @Test
    void polarNightIsOneLongNightAndMidnightSunHasNone() {
        NightProfile profile = profile("22:00");
        Location arctic = Location.of(20.0, 70.0);
        ZoneId tromso = ZoneId.of("Europe/Oslo");
        for (int hour = 0; hour < 24; hour++) {
            Instant winter = LocalDateTime.of(2026, 12, 21, hour, 0).atZone(tromso).toInstant();
            assertNotEquals(DAY, profile.phase(arctic, winter), "21 December " + hour + ":00");
            Instant summer = LocalDateTime.of(2026, 6, 21, hour, 0).atZone(tromso).toInstant();
            assertEquals(DAY, profile.phase(arctic, summer), "21 June " + hour + ":00");
        }
    }

    private static NightProfile profile(String dimFrom) {
        return new NightProfile(SUN, 0.3, LocalTime.parse(dimFrom), ZONE);
    }

    private static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(ZONE).toInstant();
    }
}
