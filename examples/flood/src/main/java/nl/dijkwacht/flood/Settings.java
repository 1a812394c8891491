package nl.dijkwacht.flood;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nl.regie.api.config.ConfigEntries;
import nl.regie.api.model.Location;

/**
 * The plugin's settings, checked. Metatype checks single values in range (Regie's config folder refuses a file
 * outside them before the plugin sees it); this checks what it cannot: the formats of the array entries and the rules
 * across keys. Every error names the key, the bad value and what is
 * expected.
 *
 * @param floodLevel        {@code flood.level}: the level above which a gauge raises a flood alert, m
 * @param levelByGauge      {@code flood.level.by.gauge}: per-gauge levels that replace {@code floodLevel}
 * @param criticalLevel     {@code critical.level}: above it the alert is CRITICAL, m
 * @param hysteresis        {@code hysteresis}: the alert is resolved below the gauge's level minus this, m
 * @param alertRadiusMetres {@code alert.radius.metres}: residents within this distance of the gauge are told
 * @param sandbagPoints     {@code sandbag.points}: where residents get sandbags
 * @param gaugeNames        {@code gauge.names}: names residents know the gauges by, for example Amstel
 */
public record Settings(double floodLevel, Map<String, Double> levelByGauge, double criticalLevel, double hysteresis,
        double alertRadiusMetres, List<SandbagPoint> sandbagPoints, Map<String, String> gaugeNames) {

    /** The configuration PID, which is also the bundle's symbolic name. */
    public static final String PID = "nl.dijkwacht.flood";

    static final double MAX_LEVEL = 20;
    static final int MAX_NAME = 80;

    /**
     * Creates settings, checking the rules across keys.
     *
     * @throws IllegalArgumentException naming the key and the bad value
     */
    public Settings {
        levelByGauge = Map.copyOf(levelByGauge);
        sandbagPoints = List.copyOf(sandbagPoints);
        gaugeNames = Map.copyOf(gaugeNames);
        if (criticalLevel <= floodLevel) {
            throw new IllegalArgumentException("critical.level " + criticalLevel + " must be above flood.level "
                    + floodLevel);
        }
        levelByGauge.forEach((gauge, level) -> {
            if (level >= criticalLevel) {
                throw new IllegalArgumentException("flood.level.by.gauge entry '" + gauge + "=" + level
                        + "': the level must be below critical.level " + criticalLevel);
            }
        });
    }

    /** The settings without any configuration: the defaults of {@link FloodWatcher.Config}, no sandbag points. */
    public static Settings defaults() {
        return new Settings(1.45, Map.of(), 1.8, 0.05, 500, List.of(), Map.of());
    }

    /**
     * Parses a configuration.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what is expected
     */
    public static Settings from(FloodWatcher.Config config) {
        return new Settings(config.flood_level(), levels(config.flood_level_by_gauge()), config.critical_level(),
                config.hysteresis(), config.alert_radius_metres(), points(config.sandbag_points()),
                names(config.gauge_names()));
    }

    /** The level above which {@code gauge} raises an alert, m. */
    public double levelFor(String gauge) {
        return levelByGauge.getOrDefault(gauge, floodLevel);
    }

    /** The name residents know {@code gauge} by, or the gauge id itself. */
    public String nameOf(String gauge) {
        String name = gaugeNames.get(gauge);
        return name == null ? gauge : name + " (" + gauge + ")";
    }

    static List<SandbagPoint> points(String[] values) {
        String key = "sandbag.points";
        List<SandbagPoint> points = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (String entry : ConfigEntries.entries(values)) {
            List<String> fields = ConfigEntries.fields(key, entry, 4, "id|name|lon|lat");
            String id = ConfigEntries.id(key, entry, fields.get(0));
            String name = fields.get(1);
            if (name.isEmpty() || name.length() > MAX_NAME) {
                throw ConfigEntries.bad(key, entry, "the name must be 1 to " + MAX_NAME + " characters");
            }
            double lon = ConfigEntries.number(key, entry, "longitude", fields.get(2));
            double lat = ConfigEntries.number(key, entry, "latitude", fields.get(3));
            Location location;
            try {
                location = new Location(lon, lat);
            } catch (IllegalArgumentException e) {
                throw ConfigEntries.bad(key, entry, e.getMessage());
            }
            ConfigEntries.unique(key, entry, "id", id, seen);
            points.add(new SandbagPoint(id, name, location));
        }
        return points;
    }

    static Map<String, Double> levels(String[] values) {
        String key = "flood.level.by.gauge";
        Map<String, Double> levels = new LinkedHashMap<>();
        Map<String, String> seen = new HashMap<>();
        for (String entry : ConfigEntries.entries(values)) {
            ConfigEntries.Pair pair = ConfigEntries.pair(key, entry, "gauge=level in metres, such as gauge-01=1.5");
            String gauge = ConfigEntries.id(key, entry, pair.name());
            double level = ConfigEntries.number(key, entry, "level", pair.value());
            if (!(level >= 0 && level <= MAX_LEVEL)) {
                throw ConfigEntries.bad(key, entry, "the level must be between 0 and " + MAX_LEVEL + " m");
            }
            ConfigEntries.unique(key, entry, "gauge", gauge, seen);
            levels.put(gauge, level);
        }
        return levels;
    }

    static Map<String, String> names(String[] values) {
        String key = "gauge.names";
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, String> seen = new HashMap<>();
        for (String entry : ConfigEntries.entries(values)) {
            ConfigEntries.Pair pair = ConfigEntries.pair(key, entry, "gauge=name, such as gauge-01=Amstel");
            String gauge = ConfigEntries.id(key, entry, pair.name());
            if (pair.value().length() > MAX_NAME) {
                throw ConfigEntries.bad(key, entry, "the name must be at most " + MAX_NAME + " characters");
            }
            ConfigEntries.unique(key, entry, "gauge", gauge, seen);
            names.put(gauge, pair.value());
        }
        return names;
    }
}
