package nl.dijkwacht.flood;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nl.regie.api.model.EntityId;
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
        List<SandbagPoint> points = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (String entry : entries(values)) {
            String[] fields = entry.split("\\|", -1);
            if (fields.length != 4) {
                throw bad("sandbag.points", entry, "expected id|name|lon|lat (4 fields separated by '|'), found "
                        + fields.length + (fields.length == 1 ? " field" : " fields"));
            }
            String id = fields[0].strip();
            String name = fields[1].strip();
            checkId("sandbag.points", entry, id);
            if (name.isEmpty() || name.length() > MAX_NAME) {
                throw bad("sandbag.points", entry, "the name must be 1 to " + MAX_NAME + " characters");
            }
            double lon = number("sandbag.points", entry, "longitude", fields[2]);
            double lat = number("sandbag.points", entry, "latitude", fields[3]);
            Location location;
            try {
                location = new Location(lon, lat);
            } catch (IllegalArgumentException e) {
                throw bad("sandbag.points", entry, e.getMessage());
            }
            String other = seen.putIfAbsent(id, entry);
            if (other != null) {
                throw bad("sandbag.points", entry, "the id '" + id + "' is also used by '" + other + "'");
            }
            points.add(new SandbagPoint(id, name, location));
        }
        return points;
    }

    static Map<String, Double> levels(String[] values) {
        Map<String, Double> levels = new LinkedHashMap<>();
        for (String entry : entries(values)) {
            String[] pair = pair("flood.level.by.gauge", entry, "gauge=level in metres, such as gauge-01=1.5");
            double level = number("flood.level.by.gauge", entry, "level", pair[1]);
            if (!(level >= 0 && level <= MAX_LEVEL)) {
                throw bad("flood.level.by.gauge", entry, "the level must be between 0 and " + MAX_LEVEL + " m");
            }
            if (levels.put(pair[0], level) != null) {
                throw bad("flood.level.by.gauge", entry, "gauge " + pair[0] + " is listed twice");
            }
        }
        return levels;
    }

    static Map<String, String> names(String[] values) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String entry : entries(values)) {
            String[] pair = pair("gauge.names", entry, "gauge=name, such as gauge-01=Amstel");
            if (pair[1].length() > MAX_NAME) {
                throw bad("gauge.names", entry, "the name must be at most " + MAX_NAME + " characters");
            }
            if (names.put(pair[0], pair[1]) != null) {
                throw bad("gauge.names", entry, "gauge " + pair[0] + " is listed twice");
            }
        }
        return names;
    }

    /**
     * The non-blank entries of an array value. Entries are also split at commas, so that a comma-separated list
     * arriving as one string (a config file read without metatype) means the same as an array.
     */
    private static List<String> entries(String[] values) {
        List<String> entries = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                for (String entry : value == null ? new String[0] : value.split(",")) {
                    if (!entry.isBlank()) {
                        entries.add(entry.strip());
                    }
                }
            }
        }
        return entries;
    }

    private static String[] pair(String key, String entry, String expected) {
        int eq = entry.indexOf('=');
        if (eq < 0) {
            throw bad(key, entry, "expected " + expected);
        }
        String gauge = entry.substring(0, eq).strip();
        String value = entry.substring(eq + 1).strip();
        if (gauge.isEmpty() || value.isEmpty()) {
            throw bad(key, entry, "expected " + expected);
        }
        checkId(key, entry, gauge);
        return new String[] {gauge, value};
    }

    private static void checkId(String key, String entry, String id) {
        try {
            EntityId.of("Thing", id);
        } catch (IllegalArgumentException e) {
            throw bad(key, entry, "the id '" + id + "' must be 1 to 128 letters, digits, '.', '_', '-' or ':'");
        }
    }

    private static double number(String key, String entry, String what, String text) {
        try {
            double value = Double.parseDouble(text.strip());
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(key, entry, "the " + what + " '" + text.strip() + "' is not a number");
    }

    private static IllegalArgumentException bad(String key, String entry, String problem) {
        return new IllegalArgumentException(key + " entry '" + entry + "': " + problem);
    }
}
