package nl.regie.lighting;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import nl.regie.api.model.Location;

/**
 * The night profile of a lamp: off by day, full from dusk (sunset), dimmed from {@code dim.from} (local time in
 * {@code time.zone}) until dawn (sunrise). Immutable and thread-safe.
 *
 * <p>Each night belongs to the solar day it starts on: it lies between that day's solar noon and the next
 * one. The dimming start of a night is the first {@code dim.from} at or after the solar noon before it, so
 * "22:00" dims the same evening, "00:00" or "01:30" after midnight, and a {@code dim.from} that comes before
 * dusk (such as "17:00" in June) makes the whole night dimmed. One that comes only after dawn (say "09:00")
 * never dims. Days without sunrise (polar night) are one long night; days without sunset have none.
 */
final class NightProfile {

    /** Where in its day a lamp is. */
    enum Phase {
        /** Between sunrise and sunset: off. */
        DAY,
        /** From sunset until the dimming starts: full. */
        EVENING,
        /** From the dimming start until sunrise: dimmed. */
        LATE
    }

    private final SunCalculator sun;
    private final double dimLevel;
    private final LocalTime dimFrom;
    private final ZoneId zone;

    NightProfile(SunCalculator sun, double dimLevel, LocalTime dimFrom, ZoneId zone) {
        this.sun = sun;
        this.dimLevel = dimLevel;
        this.dimFrom = dimFrom;
        this.zone = zone;
    }

    /** The phase at {@code where} at {@code at}. */
    Phase phase(Location where, Instant at) {
        double lat = where.latitude();
        double lon = where.longitude();
        LocalDate day = sun.solarDate(at, lat, lon);
        SunCalculator.SunTimes today = sun.times(day, lat, lon);
        SunCalculator.SunTimes tomorrow = sun.times(day.plusDays(1), lat, lon);
        Instant dusk = today.sunset();
        Instant dawn = tomorrow.sunrise();
        if (at.isBefore(dusk) || !at.isBefore(dawn)) {
            return Phase.DAY;
        }
        return at.isBefore(dimStart(today.solarNoon())) ? Phase.EVENING : Phase.LATE;
    }

    /** The level of a phase: 0, 1 or {@code dim.level}. */
    double level(Phase phase) {
        return switch (phase) {
            case DAY -> 0.0;
            case EVENING -> 1.0;
            case LATE -> dimLevel;
        };
    }

    /** The level the profile gives at {@code where} at {@code at}. */
    double level(Location where, Instant at) {
        return level(phase(where, at));
    }

    private Instant dimStart(Instant solarNoon) {
        ZonedDateTime noon = solarNoon.atZone(zone);
        // ZonedDateTime.of moves a time in a daylight-saving gap forward, so "02:30" still dims on that night.
        ZonedDateTime start = ZonedDateTime.of(noon.toLocalDate(), dimFrom, zone);
        if (start.isBefore(noon)) {
            start = ZonedDateTime.of(noon.toLocalDate().plusDays(1), dimFrom, zone);
        }
        return start.toInstant();
    }
}
