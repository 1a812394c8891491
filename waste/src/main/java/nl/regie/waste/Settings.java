package nl.regie.waste;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import nl.regie.api.config.ConfigEntries;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

/**
 * The waste plugin's settings, checked. {@link #from(WastePlugin.Config)} checks what metatype cannot: formats and
 * the rules across keys. The ranges are the metatype's ({@code min}, {@code max} on {@link WastePlugin.Config}):
 * Regie's config folder refuses a file outside them before the plugin sees it.
 *
 * @param fullThreshold      fill level (0..1) at or above which a bin is full, unless its kind has its own
 * @param thresholdByKind    per {@code storedWasteKind} (lower case), the threshold for bins of that kind
 * @param hysteresis         a full bin is no longer full only below its threshold minus this
 * @param fireTemperature    °C at or above which a bin is on fire
 * @param criticalTemperature °C above which the fire alert is CRITICAL
 * @param fireRise           °C of rise within {@code riseWindow} that is a fire, whatever the temperature
 * @param riseWindow         the event-time window the rise is measured over
 * @param coolTemperature    °C below which a burning bin that is not getting warmer is out
 * @param depot              where collection routes start and end
 * @param routeId            the local id of the route entity ({@code WasteCollectionRoute/{routeId}})
 * @param routeInterval      wall-clock time at least between two route plans
 * @param routeBudget        wall-clock time the 2-opt improvement of one plan may take
 */
public record Settings(double fullThreshold, Map<String, Double> thresholdByKind, double hysteresis,
        double fireTemperature, double criticalTemperature, double fireRise, Duration riseWindow,
        double coolTemperature, Location depot, String routeId, Duration routeInterval, Duration routeBudget) {

    static final double FULL_THRESHOLD = 0.8;
    static final double HYSTERESIS = 0.05;
    static final double FIRE_TEMPERATURE = 60;
    static final double CRITICAL_TEMPERATURE = 90;
    static final double FIRE_RISE = 10;
    static final int RISE_MINUTES = 10;
    static final double COOL_TEMPERATURE = 45;
    /** South of the simulated centre, on the Stadhouderskade: inside the city's box, near its edge. */
    static final String DEPOT = "4.8990,52.3600";
    static final String ROUTE_ID = "depot-1";
    static final int ROUTE_INTERVAL_SECONDS = 5;
    static final int ROUTE_BUDGET_MILLIS = 1000;

    /** The settings with every default. */
    public static final Settings DEFAULTS = new Settings(FULL_THRESHOLD, Map.of(), HYSTERESIS, FIRE_TEMPERATURE,
            CRITICAL_TEMPERATURE, FIRE_RISE, Duration.ofMinutes(RISE_MINUTES), COOL_TEMPERATURE, depot(DEPOT),
            ROUTE_ID, Duration.ofSeconds(ROUTE_INTERVAL_SECONDS), Duration.ofMillis(ROUTE_BUDGET_MILLIS));

    private static final Pattern KIND = Pattern.compile("[a-z0-9][a-z0-9 _-]{0,63}");

    /** Copies the kind map so the settings never change. */
    public Settings {
        thresholdByKind = Map.copyOf(thresholdByKind);
    }

    /**
     * Reads and checks a configuration.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what is expected
     */
    public static Settings from(WastePlugin.Config config) {
        double full = config.full_threshold();
        double hysteresis = config.full_hysteresis();
        Map<String, Double> byKind = byKind(config.full_threshold_by_kind());
        double lowest = byKind.values().stream().reduce(full, Math::min);
        if (hysteresis >= lowest) {
            throw new IllegalArgumentException("full.hysteresis " + hysteresis
                    + " must be below every threshold (the lowest is " + lowest + ")");
        }
        double fire = config.fire_temperature();
        double critical = config.fire_critical_temperature();
        if (critical < fire) {
            throw new IllegalArgumentException("fire.critical.temperature " + critical
                    + " must not be below fire.temperature " + fire);
        }
        double rise = config.fire_rise();
        int minutes = config.fire_rise_minutes();
        double cool = config.fire_cool_temperature();
        if (cool >= fire) {
            throw new IllegalArgumentException("fire.cool.temperature " + cool
                    + " must be below fire.temperature " + fire);
        }
        Location depot = depot(config.depot());
        String routeId = routeId(config.route_id());
        int interval = config.route_interval_seconds();
        int budget = config.route_budget_millis();
        return new Settings(full, byKind, hysteresis, fire, critical, rise, Duration.ofMinutes(minutes), cool, depot,
                routeId, Duration.ofSeconds(interval), Duration.ofMillis(budget));
    }

    /** The full threshold of a bin of {@code kind} ({@code null} when the bin has not said). */
    public double threshold(String kind) {
        return kind == null ? fullThreshold : thresholdByKind.getOrDefault(kind, fullThreshold);
    }

    /** A waste kind as the thresholds are keyed: trimmed, lower case. */
    static String kindKey(String kind) {
        return kind.trim().toLowerCase(Locale.ROOT);
    }

    /** Entries {@code kind=threshold}; an entry may itself hold several, comma-separated. */
    private static Map<String, Double> byKind(String[] values) {
        String key = "full.threshold.by.kind";
        Map<String, Double> byKind = new TreeMap<>();
        Map<String, String> seen = new HashMap<>();
        for (String entry : ConfigEntries.entries(values)) {
            ConfigEntries.Pair pair = ConfigEntries.pair(key, entry,
                    "kind=threshold, e.g. glass=0.9 (a kind of letters, digits, ' ', '_', '-')");
            String kind = kindKey(pair.name());
            if (!KIND.matcher(kind).matches()) {
                throw ConfigEntries.bad(key, entry, "the kind '" + kind
                        + "' must be 1 to 64 letters, digits, ' ', '_' or '-', starting with a letter or digit");
            }
            double threshold = ConfigEntries.number(key, entry, "threshold", pair.value());
            if (!(threshold >= 0.05 && threshold <= 1)) {
                throw ConfigEntries.bad(key, entry, "the threshold must be from 0.05 to 1");
            }
            ConfigEntries.unique(key, entry, "kind", kind, seen);
            byKind.put(kind, threshold);
        }
        return byKind;
    }

    private static Location depot(String text) {
        String[] parts = text == null ? new String[0] : text.split(",", -1);
        String expected = "' must be lon,lat in decimal degrees, e.g. " + DEPOT;
        if (parts.length != 2) {
            throw new IllegalArgumentException("depot '" + text + expected);
        }
        double lon = ConfigEntries.number("depot", text, "longitude", parts[0]);
        double lat = ConfigEntries.number("depot", text, "latitude", parts[1]);
        try {
            return Location.of(lon, lat);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("depot '" + text + expected + " (" + e.getMessage() + ")");
        }
    }

    private static String routeId(String id) {
        try {
            return EntityId.of(RoutePublisher.ENTITY_TYPE, id == null ? "" : id.trim()).localId();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("route.id '" + id + "' is not a valid local id: " + e.getMessage());
        }
    }
}
