package nl.regie.lighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sunrise and sunset against published tables, within two minutes (the tables give whole minutes).
 *
 * <p>Sources:
 * <ul>
 * <li>Amsterdam, 21 June: sunrise 05:18, sunset 22:06 (CEST): mooieiland.com/midzomernacht/ (the year is not
 * stated; around the solstice the times are the same to the minute from year to year; tested for 2019).</li>
 * <li>Amsterdam, 22 December 2018: sunrise 08:48, sunset 16:29 (CET): lucept.com/2018/12/21/happy-solstice/
 * ("tomorrow"), the day after the winter solstice of 21 December 2018.</li>
 * <li>Amsterdam, 8 and 9 October 2021: sunset 19:01 and 18:58 (CEST), "according to Time And Date":
 * secretamsterdam.com/sunset-amsterdam/.</li>
 * <li>52°00'N 005°00'E (near Utrecht, 40 km from Amsterdam), 2019: the Dutch AIP (LVNL), GEN 2.7 "Sunrise/Sunset",
 * Uniform Daylight Periods 2019, in UTC, from 15 minutes before sunrise until 15 minutes after sunset (read
 * from a copy at brwdrone.nl/aip/eAIP/EH-GEN-2.7-en-GB.html); the 15 minutes are taken off below.</li>
 * <li>21 June 2022, Schiermonnikoog 05:06 to 22:08 and Maastricht 05:23 to 21:55 (CEST): Trouw,
 * "Hoe zit het ook alweer met midzomer", trouw.nl, June 2022.</li>
 * </ul>
 */
class SunCalculatorTest {

    private static final ZoneId AMSTERDAM_TIME = ZoneId.of("Europe/Amsterdam");
    private static final double AMSTERDAM_LAT = 52.3676;
    private static final double AMSTERDAM_LON = 4.9041;
    private static final Duration TOLERANCE = Duration.ofMinutes(2);

    private final SunCalculator sun = new SunCalculator();

    @ParameterizedTest(name = "Amsterdam {0}: sunrise {1}, sunset {2}")
    @CsvSource({
            "2019-06-21, 05:18, 22:06", // summer solstice, mooieiland.com
            "2018-12-22, 08:48, 16:29", // winter solstice (+1 day), lucept.com
            "2021-10-08,      , 19:01", // secretamsterdam.com (timeanddate.com)
            "2021-10-09,      , 18:58"})
    void amsterdamMatchesPublishedTimes(LocalDate date, LocalTime sunrise, LocalTime sunset) {
        SunCalculator.SunTimes times = sun.times(date, AMSTERDAM_LAT, AMSTERDAM_LON);
        assertEquals(SunCalculator.Kind.NORMAL, times.kind());
        if (sunrise != null) {
            assertClose(ZonedDateTime.of(date, sunrise, AMSTERDAM_TIME).toInstant(), times.sunrise(), "sunrise " + date);
        }
        assertClose(ZonedDateTime.of(date, sunset, AMSTERDAM_TIME).toInstant(), times.sunset(), "sunset " + date);
    }

    @ParameterizedTest(name = "52N 5E {0}: daylight period {1} to {2} UTC")
    @CsvSource({
            "2019-01-01, 07:33, 15:54",
            "2019-01-21, 07:20, 16:23",
            "2019-03-21, 05:26, 18:09", // spring equinox
            "2019-04-15, 04:29, 18:52",
            "2019-06-21, 03:05, 20:19"}) // summer solstice
    void dutchAipUniformDaylightPeriods(LocalDate date, LocalTime from, LocalTime to) {
        SunCalculator.SunTimes times = sun.times(date, 52.0, 5.0);
        assertClose(date.atTime(from).plusMinutes(15).toInstant(ZoneOffset.UTC), times.sunrise(), "sunrise " + date);
        assertClose(date.atTime(to).minusMinutes(15).toInstant(ZoneOffset.UTC), times.sunset(), "sunset " + date);
    }

    @ParameterizedTest(name = "{0} on 2022-06-21: {3} to {4}")
    @CsvSource({
            "Schiermonnikoog, 53.48, 6.16, 05:06, 22:08",
            "Maastricht,      50.85, 5.69, 05:23, 21:55"})
    void northAndSouthOfTheNetherlandsAtMidsummer(String place, double lat, double lon, LocalTime sunrise,
            LocalTime sunset) {
        LocalDate date = LocalDate.of(2022, 6, 21);
        SunCalculator.SunTimes times = sun.times(date, lat, lon);
        assertClose(ZonedDateTime.of(date, sunrise, AMSTERDAM_TIME).toInstant(), times.sunrise(), place + " sunrise");
        assertClose(ZonedDateTime.of(date, sunset, AMSTERDAM_TIME).toInstant(), times.sunset(), place + " sunset");
    }

    @Test
    void solarNoonLiesBetweenSunriseAndSunset() {
        SunCalculator.SunTimes times = sun.times(LocalDate.of(2026, 12, 3), AMSTERDAM_LAT, AMSTERDAM_LON);
        assertTrue(times.sunrise().isBefore(times.solarNoon()) && times.solarNoon().isBefore(times.sunset()));
        // Amsterdam's solar noon is about 12:40 in winter (CET), 13:40 in summer (CEST).
        LocalTime noon = times.solarNoon().atZone(AMSTERDAM_TIME).toLocalTime();
        assertTrue(noon.isAfter(LocalTime.of(12, 30)) && noon.isBefore(LocalTime.of(12, 50)), noon.toString());
    }

    @Test
    void polarNightAndMidnightSunAtSeventyDegreesDoNotBreak() {
        SunCalculator.SunTimes winter = sun.times(LocalDate.of(2026, 12, 21), 70.0, 20.0);
        assertEquals(SunCalculator.Kind.POLAR_NIGHT, winter.kind());
        assertEquals(winter.solarNoon().getEpochSecond(), winter.sunrise().getEpochSecond(), 1);
        assertEquals(winter.solarNoon().getEpochSecond(), winter.sunset().getEpochSecond(), 1);

        SunCalculator.SunTimes summer = sun.times(LocalDate.of(2026, 6, 21), 70.0, 20.0);
        assertEquals(SunCalculator.Kind.MIDNIGHT_SUN, summer.kind());
        assertTrue(Duration.between(summer.sunrise(), summer.sunset()).toHours() >= 23);

        SunCalculator.SunTimes equinox = sun.times(LocalDate.of(2026, 3, 21), 70.0, 20.0);
        assertEquals(SunCalculator.Kind.NORMAL, equinox.kind());
        for (int day = 0; day < 366; day++) {
            SunCalculator.SunTimes any = sun.times(LocalDate.of(2026, 1, 1).plusDays(day), 70.0, 20.0);
            assertFalse(any.sunset().isBefore(any.sunrise()), any.toString());
        }
    }

    @Test
    void aNightBelongsToTheSolarDateItStartsOn() {
        LocalDate date = LocalDate.of(2026, 12, 3);
        Instant evening = ZonedDateTime.of(date, LocalTime.of(23, 0), AMSTERDAM_TIME).toInstant();
        Instant earlyMorning = ZonedDateTime.of(date.plusDays(1), LocalTime.of(5, 0), AMSTERDAM_TIME).toInstant();
        Instant afternoon = ZonedDateTime.of(date.plusDays(1), LocalTime.of(14, 0), AMSTERDAM_TIME).toInstant();
        assertEquals(date, sun.solarDate(evening, AMSTERDAM_LAT, AMSTERDAM_LON));
        assertEquals(date, sun.solarDate(earlyMorning, AMSTERDAM_LAT, AMSTERDAM_LON));
        assertEquals(date.plusDays(1), sun.solarDate(afternoon, AMSTERDAM_LAT, AMSTERDAM_LON));
    }

    private static void assertClose(Instant expected, Instant actual, String what) {
        Duration off = Duration.between(expected, actual).abs();
        assertTrue(off.compareTo(TOLERANCE) <= 0, what + ": expected " + expected + ", computed " + actual + " (" + off
                + " off)");
    }
}
