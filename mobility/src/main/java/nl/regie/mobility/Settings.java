package nl.regie.mobility;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import nl.regie.api.config.ConfigEntries;

/**
 * The mobility plugin's settings, checked as a whole: the rules between values (busy below critical, the speed-ratio
 * bands in order) and the per-zone and per-segment entries. Single values' ranges are the metatype's ({@code min},
 * {@code max} on {@link FlowWatcher.Config}): Regie's config folder refuses a file outside them before the plugin sees it. Pure: made from the component's configuration by
 * {@link #from(FlowWatcher.Config)}, or directly in tests.
 *
 * @param busyDensity        people per m² from which a zone is busy ({@value #BUSY_DENSITY})
 * @param criticalDensity    people per m² from which a zone is critical ({@value #CRITICAL_DENSITY})
 * @param crowdHysteresis    fraction below its threshold at which a crowd level is left ({@value #CROWD_HYSTERESIS})
 * @param crowdHold          how long a lower crowd level must last before it is taken ({@value #CROWD_HOLD})
 * @param zoneAreas          configured zone areas in m² by zone local id; they win over the area a counter reports
 *                           ({@value #ZONE_AREA})
 * @param freeSpeed          free-flow speed in km/h of a segment with no better knowledge ({@value #FREE_SPEED})
 * @param freeSpeedBySegment configured free-flow speeds in km/h by segment local id ({@value #FREE_SPEED_BY_SEGMENT})
 * @param learnFreeSpeed     whether segments without a configured speed learn theirs ({@value #LEARN_FREE_SPEED})
 * @param minIntensity       vehicles per hour below which a segment is free whatever its speed
 *                           ({@value #MIN_INTENSITY})
 * @param moderateRatio      speed over free-flow speed at or below which traffic is moderate ({@value #MODERATE_RATIO})
 * @param heavyRatio         ... heavy ({@value #HEAVY_RATIO})
 * @param jammedRatio        ... jammed ({@value #JAMMED_RATIO})
 * @param trafficHysteresis  fraction above its ratio at which a congestion level is left ({@value #TRAFFIC_HYSTERESIS})
 * @param trafficHold        how long a lower congestion level must last before it is taken ({@value #TRAFFIC_HOLD})
 */
public record Settings(double busyDensity, double criticalDensity, double crowdHysteresis, Duration crowdHold,
        Map<String, Double> zoneAreas, double freeSpeed, Map<String, Double> freeSpeedBySegment, boolean learnFreeSpeed,
        double minIntensity, double moderateRatio, double heavyRatio, double jammedRatio, double trafficHysteresis,
        Duration trafficHold) {

    /** The configuration PID, which is also the bundle's symbolic name and the source of what the plugin publishes. */
    public static final String PID = "nl.regie.mobility";

    static final String BUSY_DENSITY = "crowd.busy.density";
    static final String CRITICAL_DENSITY = "crowd.critical.density";
    static final String CROWD_HYSTERESIS = "crowd.hysteresis";
    static final String CROWD_HOLD = "crowd.hold.minutes";
    static final String ZONE_AREA = "zone.area";
    static final String FREE_SPEED = "traffic.free.speed";
    static final String FREE_SPEED_BY_SEGMENT = "traffic.free.speed.by.segment";
    static final String LEARN_FREE_SPEED = "traffic.free.speed.learn";
    static final String MIN_INTENSITY = "traffic.min.intensity";
    static final String MODERATE_RATIO = "traffic.moderate.ratio";
    static final String HEAVY_RATIO = "traffic.heavy.ratio";
    static final String JAMMED_RATIO = "traffic.jammed.ratio";
    static final String TRAFFIC_HYSTERESIS = "traffic.hysteresis";
    static final String TRAFFIC_HOLD = "traffic.hold.minutes";

    /** Densities above this are not crowds but errors (Fruin's queuing level F, the tightest, starts at 5). */
    static final double MAX_SPEED = 200;

    /**
     * Checks the rules between the values and the entries' values.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what is expected
     */
    public Settings {
        if (criticalDensity <= busyDensity) {
            throw new IllegalArgumentException(CRITICAL_DENSITY + " " + criticalDensity + " must be above "
                    + BUSY_DENSITY + " " + busyDensity);
        }
        zoneAreas = checkedCopy(ZONE_AREA, zoneAreas, 10_000_000);
        freeSpeedBySegment = checkedCopy(FREE_SPEED_BY_SEGMENT, freeSpeedBySegment, MAX_SPEED);
        if (jammedRatio >= heavyRatio) {
            throw new IllegalArgumentException(JAMMED_RATIO + " " + jammedRatio + " must be below " + HEAVY_RATIO + " "
                    + heavyRatio);
        }
        if (heavyRatio >= moderateRatio) {
            throw new IllegalArgumentException(HEAVY_RATIO + " " + heavyRatio + " must be below " + MODERATE_RATIO + " "
                    + moderateRatio);
        }
        if (moderateRatio * (1 + trafficHysteresis) >= 1) {
            // Otherwise a segment that once turned moderate could only become free again above its free-flow speed.
            throw new IllegalArgumentException(MODERATE_RATIO + " " + moderateRatio + " with " + TRAFFIC_HYSTERESIS + " "
                    + trafficHysteresis + " must stay below 1 (moderate ratio x (1 + hysteresis)), so that a segment "
                    + "can become free again");
        }
    }

    /** The defaults, the same as those of {@link FlowWatcher.Config}. */
    public static Settings defaults() {
        return new Settings(2.0, 3.5, 0.1, Duration.ofMinutes(15), Map.of(), 50, Map.of(), true, 120, 0.67, 0.40, 0.30,
                0.1, Duration.ofMinutes(10));
    }

    /**
     * The settings of a configuration.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what is expected
     */
    public static Settings from(FlowWatcher.Config config) {
        return new Settings(config.crowd_busy_density(), config.crowd_critical_density(), config.crowd_hysteresis(),
                Duration.ofMinutes(config.crowd_hold_minutes()),
                pairs(ZONE_AREA, config.zone_area(), "crowd-001=12500", "square metres"),
                config.traffic_free_speed(),
                pairs(FREE_SPEED_BY_SEGMENT, config.traffic_free_speed_by_segment(), "traffic-007=30", "km/h"),
                config.traffic_free_speed_learn(), config.traffic_min_intensity(), config.traffic_moderate_ratio(),
                config.traffic_heavy_ratio(), config.traffic_jammed_ratio(), config.traffic_hysteresis(),
                Duration.ofMinutes(config.traffic_hold_minutes()));
    }

    /** The area in m² configured for a zone, or {@code null}. */
    Double configuredArea(String zone) {
        return zoneAreas.get(zone);
    }

    /** The free-flow speed in km/h configured for a segment, or {@code null}. */
    Double configuredFreeSpeed(String segment) {
        return freeSpeedBySegment.get(segment);
    }

    /**
     * Parses entries {@code id=number}; blank entries are skipped (an empty list in a .cfg file gives one), and an
     * entry may itself hold several, comma-separated.
     */
    private static Map<String, Double> pairs(String key, String[] values, String example, String what) {
        Map<String, Double> map = new LinkedHashMap<>();
        Map<String, String> seen = new HashMap<>();
        for (String entry : ConfigEntries.entries(values)) {
            ConfigEntries.Pair pair = ConfigEntries.pair(key, entry, "id=" + what + ", e.g. " + example);
            String id = ConfigEntries.id(key, entry, pair.name());
            double value = ConfigEntries.number(key, entry, "value in " + what, pair.value());
            ConfigEntries.unique(key, entry, "id", id, seen);
            map.put(id, value);
        }
        return map;
    }

    private static Map<String, Double> checkedCopy(String key, Map<String, Double> map, double max) {
        for (Map.Entry<String, Double> entry : map.entrySet()) {
            double value = entry.getValue();
            if (!Double.isFinite(value) || value <= 0 || value > max) {
                throw new IllegalArgumentException(key + " entry '" + entry.getKey() + "=" + value
                        + "' must have a value above 0 and at most " + (long) max);
            }
        }
        return Map.copyOf(map);
    }
}
