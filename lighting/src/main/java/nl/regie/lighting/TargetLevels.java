package nl.regie.lighting;

import java.time.Instant;
import java.util.OptionalDouble;
import java.util.function.Predicate;

import nl.regie.api.model.Location;

/**
 * The level a lamp should have at a place and an event time: its {@link NightProfile} (off by day, full from
 * sunset, dimmed from {@code dim.from}), raised to full while a busy crowd zone reaches it ({@link ZoneBoosts}),
 * but never switched on in daylight. Keeps the crowd zones' reports. Not thread-safe: the engine confines it to
 * its lock.
 */
final class TargetLevels {

    private final SunCalculator sun = new SunCalculator();
    private final ZoneBoosts zones;
    private NightProfile profile;

    TargetLevels(Settings settings) {
        this.profile = profile(settings);
        this.zones = new ZoneBoosts(settings.zoneMarginMetres(), settings.zoneRadiusMetres(), settings.zoneStale());
    }

    /** Applies new settings; the zones' reports are kept, their reach follows at their next report. */
    void configure(Settings settings) {
        profile = profile(settings);
        zones.configure(settings.zoneMarginMetres(), settings.zoneRadiusMetres(), settings.zoneStale());
    }

    /** The level, 0..1, for a lamp at {@code where} at event time {@code at}. */
    double target(Location where, Instant at) {
        NightProfile.Phase phase = profile.phase(where, at);
        if (phase == NightProfile.Phase.DAY) {
            return 0.0; // never switch lamps on in daylight, crowd or not
        }
        return zones.boosted(where, at) ? 1.0 : profile.level(phase);
    }

    /**
     * Takes a crowd zone's report.
     *
     * @param area the zone's area in square metres, if known
     * @return where lamps may now have another target: the zone's reach before and after the report (its area,
     *         and with it its reach, can change between reports)
     */
    Predicate<Location> crowdReport(String zone, ZoneBoosts.CrowdLevel level, Location center, OptionalDouble area,
            Instant observedAt) {
        ZoneBoosts.Zone before = zones.zone(zone).orElse(null);
        ZoneBoosts.Zone after = zones.report(zone, level, center, area, observedAt);
        return lamp -> after.reaches(lamp) || (before != null && before.reaches(lamp));
    }

    private NightProfile profile(Settings settings) {
        return new NightProfile(sun, settings.dimLevel(), settings.dimFrom(), settings.timeZone());
    }
}
