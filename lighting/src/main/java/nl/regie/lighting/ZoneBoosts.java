package nl.regie.lighting;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import nl.regie.api.model.Location;

/**
 * The crowd zones that mobility reports ({@code CrowdFlowObserved/{zone}/crowdLevel}) and which lamps they
 * brighten. A zone boosts the lamps within its radius while its last report is "busy" or "critical" and not
 * stale: a report older than {@code zone.stale.minutes} (event time) counts as calm, so lamps fall back to
 * their profile when mobility stops reporting. Not thread-safe: the engine confines it to its lock.
 *
 * <p>A zone's radius is that of a circle with the zone's area, {@code sqrt(area / pi)}, plus
 * {@code zone.margin.metres} for the streets around it; {@code zone.radius.metres} when the area is unknown.
 */
final class ZoneBoosts {

    /** A crowd level as mobility publishes it. */
    enum CrowdLevel {
        NORMAL, BUSY, CRITICAL;

        /** Whether lamps around the zone go to full light. */
        boolean boosts() {
            return this != NORMAL;
        }

        /**
         * Parses "normal", "busy" or "critical".
         *
         * @throws IllegalArgumentException for any other text
         */
        static CrowdLevel parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "normal" -> NORMAL;
                case "busy" -> BUSY;
                case "critical" -> CRITICAL;
                default -> throw new IllegalArgumentException("crowdLevel '" + text + "' is not normal, busy or critical");
            };
        }
    }

    /**
     * What is known of one zone.
     *
     * @param id           the zone's local id
     * @param center       where it is
     * @param radiusMetres how far its boost reaches
     * @param level        its last reported crowd level
     * @param observedAt   when that was observed
     */
    record Zone(String id, Location center, double radiusMetres, CrowdLevel level, Instant observedAt) {

        /** Whether this zone brightens a lamp at {@code lamp} at event time {@code at}. */
        boolean boosts(Location lamp, Instant at, Duration stale) {
            return level.boosts() && fresh(at, stale) && reaches(lamp);
        }

        /** Whether a lamp at {@code lamp} is within the zone's reach, whatever its crowd level. */
        boolean reaches(Location lamp) {
            return center.distanceMetres(lamp) <= radiusMetres;
        }

        /** Whether the report still counts at {@code at}: less than {@code stale} old. */
        boolean fresh(Instant at, Duration stale) {
            return Duration.between(observedAt, at).compareTo(stale) < 0;
        }
    }

    private final Map<String, Zone> zones = new HashMap<>();
    private double marginMetres;
    private double defaultRadiusMetres;
    private Duration stale;

    ZoneBoosts(double marginMetres, double defaultRadiusMetres, Duration stale) {
        configure(marginMetres, defaultRadiusMetres, stale);
    }

    /** Applies new settings; the zones' radii follow at their next report. */
    void configure(double newMarginMetres, double newDefaultRadiusMetres, Duration newStale) {
        this.marginMetres = newMarginMetres;
        this.defaultRadiusMetres = newDefaultRadiusMetres;
        this.stale = newStale;
    }

    /**
     * Records a zone's report. A report older than the one already held is ignored.
     *
     * @param areaSquareMetres the zone's area if known
     * @return the zone as now known
     */
    Zone report(String id, CrowdLevel level, Location center, OptionalDouble areaSquareMetres, Instant observedAt) {
        Zone known = zones.get(id);
        if (known != null && observedAt.isBefore(known.observedAt())) {
            return known;
        }
        Zone zone = new Zone(id, center, radius(areaSquareMetres), level, observedAt);
        zones.put(id, zone);
        return zone;
    }

    /** Whether any zone brightens a lamp at {@code lamp} at event time {@code at}. */
    boolean boosted(Location lamp, Instant at) {
        for (Zone zone : zones.values()) {
            if (zone.boosts(lamp, at, stale)) {
                return true;
            }
        }
        return false;
    }

    /** The radius of a zone with that area: the circle's radius plus the margin, or the default radius. */
    double radius(OptionalDouble areaSquareMetres) {
        if (areaSquareMetres.isPresent() && areaSquareMetres.getAsDouble() > 0) {
            return Math.sqrt(areaSquareMetres.getAsDouble() / Math.PI) + marginMetres;
        }
        return defaultRadiusMetres;
    }

    /** The zone with that local id, if it has reported. */
    Optional<Zone> zone(String id) {
        return Optional.ofNullable(zones.get(id));
    }
}
