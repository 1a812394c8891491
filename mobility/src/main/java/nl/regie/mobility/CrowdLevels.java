package nl.regie.mobility;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.alert.Alerts;
import nl.regie.api.bus.ReadingBus;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.osgi.service.log.Logger;

/**
 * People density and crowd level per zone ({@code CrowdFlowObserved}): density = {@code peopleCount} / area, the
 * area being the zone's configured {@code zone.area} or else the {@code area} (m²) its counter reports. On every
 * count it publishes {@code density} (unit {@code 1/m2}), {@code crowdLevel} and {@code congested}, and it raises the
 * alert {@code crowd-{zone}} (security / overcrowding, HIGH) while the zone is critical.
 *
 * <h2>Thresholds</h2>
 * The defaults come from crowd-safety practice:
 * <ul>
 * <li><b>busy from 2 people/m²</b>: J. J. Fruin, <i>Pedestrian Planning and Design</i> (1971), walkway level of
 * service F starts above 2 people/m² (under 0.5 m² each): walking is severely restricted, contact unavoidable.
 * G. Keith Still (<i>Introduction to Crowd Science</i>, 2014) likewise treats about 2 people/m² as where free
 * movement ends and a crowd must be managed.</li>
 * <li><b>critical from 3.5 people/m²</b>: Fruin's queuing level of service E starts at about 3.3 people/m²
 * (0.2 to 0.3 m² each: standing in contact, no circulation possible), and Still puts the critical density of a
 * moving crowd at about 4 people/m², with static crowds uncomfortable at 5 and dangerous beyond. A zone such as a
 * square holds both moving and standing people; alerting at 3.5 leaves stewards time to slow the inflow before 4 to
 * 5 is reached, which matters with counters that report every few minutes.</li>
 * </ul>
 * In the simulated city the event zone (Dam square) reaches 3 to 4 people/m² for hours each day: busy every day,
 * critical on the days its peak passes 3.5. Ordinary zones peak at 0.1 to 0.8 and stay normal.
 *
 * <h2>Hysteresis and hold</h2>
 * A level is entered at its threshold and left only when the density falls below threshold × (1 − hysteresis)
 * (see {@link Bands}), so a zone hovering around 2 people/m² does not flap between normal and busy; and only when that
 * lower verdict has lasted {@code crowd.hold.minutes} ({@link SteadyLevel}), so a single low count in a long crowded
 * spell does not resolve the alert only to raise it again.
 *
 * <h2>Areas</h2>
 * Counters usually send the count before the area in one pack; a count that arrives before any area is held and
 * published when the area comes. Only when a zone's counts keep arriving without an area is a warning logged.
 *
 * <p>Called from one thread at a time (the plugin's bus thread); {@link #apply(Settings)} may come from another.
 */
public final class CrowdLevels {

    /** The entity type of crowd zones. */
    public static final String TYPE = "CrowdFlowObserved";
    /** The alert category and sub-category (Smart Data Models {@code Alert}). */
    static final String CATEGORY = "security";
    static final String SUB_CATEGORY = "overcrowding";

    private final ReadingBus bus;
    private final Alerts alerts;
    private final Logger log;
    private final Map<String, Zone> zones = new ConcurrentHashMap<>();
    private volatile Settings settings;

    /** What the plugin knows of one zone. */
    private static final class Zone {
        Double reportedArea;
        Location location;
        Instant lastCount;
        Reading pendingCount;
        final SteadyLevel level = new SteadyLevel();
        boolean alertActive;
    }

    /**
     * @param bus      where density, crowdLevel and congested are published
     * @param alerts   where overcrowding alerts are raised and resolved
     * @param log      where bad input is reported, a warning each time (the runtime collapses repeats)
     * @param settings the settings to start with
     */
    public CrowdLevels(ReadingBus bus, Alerts alerts, Logger log, Settings settings) {
        this.bus = bus;
        this.alerts = alerts;
        this.log = log;
        this.settings = settings;
        // Its own alerts still active from before an update or a restart (the runtime kept them): resolved when their
        // zone calms down, not left to linger.
        for (Alert alert : alerts.own()) {
            if (alert.key().startsWith("crowd-")) {
                zones.computeIfAbsent(alert.key().substring("crowd-".length()), k -> new Zone()).alertActive = true;
            }
        }
    }

    /**
     * Goes on from the crowd levels this plugin published before an update or a restart, as the city state kept them
     * ({@code CityState.own("CrowdFlowObserved/+/crowdLevel")}): a zone that was busy stays busy until its density
     * falls below the busy band's lower edge for the hold, as it would have without the update, instead of
     * starting from normal and flapping. A value that is not a level is ignored.
     */
    public void restore(List<Reading> ownLevels) {
        for (Reading reading : ownLevels) {
            if (!TYPE.equals(reading.entityType()) || !"crowdLevel".equals(reading.attribute())) {
                continue;
            }
            Optional<CrowdLevel> level = reading.text().flatMap(CrowdLevel::parse);
            if (level.isEmpty()) {
                continue;
            }
            Zone zone = zones.computeIfAbsent(reading.entity().localId(), k -> new Zone());
            zone.level.restore(level.get().ordinal());
            if (zone.location == null) {
                zone.location = reading.location();
            }
        }
    }

    /** Uses new settings from the next reading on; every zone keeps its level, area and alert. */
    public void apply(Settings newSettings) {
        settings = newSettings;
    }

    /** The current level of a zone, if it has been evaluated. */
    public Optional<CrowdLevel> level(String zone) {
        Zone state = zones.get(zone);
        return state == null || state.level.level() < 0 ? Optional.empty()
                : Optional.of(CrowdLevel.values()[state.level.level()]);
    }

    /** Handles a {@code peopleCount} or {@code area} reading of a crowd zone; ignores anything else. */
    public void onReading(Reading reading) {
        if (!TYPE.equals(reading.entityType())) {
            return;
        }
        switch (reading.attribute()) {
            case "peopleCount" -> onCount(reading);
            case "area" -> onArea(reading);
            default -> {
                // Other attributes of the zone are not ours to judge.
            }
        }
    }

    private void onCount(Reading reading) {
        String id = reading.entity().localId();
        Double count = number(reading, "peopleCount", "count");
        if (count == null) {
            return;
        }
        Zone zone = zones.computeIfAbsent(id, k -> new Zone());
        if (zone.lastCount != null && reading.observedAt().isBefore(zone.lastCount)) {
            log.warn("Ignored a peopleCount of " + id + " observed at " + reading.observedAt()
                    + ", before the last one at " + zone.lastCount);
            return;
        }
        zone.lastCount = reading.observedAt();
        if (reading.location() != null) {
            zone.location = reading.location();
        }
        Double area = areaOf(id, zone);
        if (area == null) {
            if (zone.pendingCount != null) {
                log.warn("No area known for crowd zone " + id + ": no density until its counter"
                        + " reports an area (m2) or " + Settings.ZONE_AREA + " names it, e.g. " + id + "=12500");
            }
            zone.pendingCount = reading;
            return;
        }
        zone.pendingCount = null;
        evaluate(id, zone, reading, count, area);
    }

    private void onArea(Reading reading) {
        String id = reading.entity().localId();
        Double area = number(reading, "area", "m2");
        if (area == null) {
            return;
        }
        if (area <= 0) {
            log.warn("Ignored area " + area + " m2 of crowd zone " + id + ": it must be above 0");
            return;
        }
        Zone zone = zones.computeIfAbsent(id, k -> new Zone());
        zone.reportedArea = area;
        if (reading.location() != null && zone.location == null) {
            zone.location = reading.location();
        }
        Reading pending = zone.pendingCount;
        if (pending != null) {
            zone.pendingCount = null;
            evaluate(id, zone, pending, pending.number().orElseThrow(), areaOf(id, zone));
        }
    }

    /** The configured area wins: an operator sets it where the counter's own figure is wrong or missing. */
    private Double areaOf(String id, Zone zone) {
        Double configured = settings.configuredArea(id);
        return configured != null ? configured : zone.reportedArea;
    }

    private void evaluate(String id, Zone zone, Reading count, double people, double area) {
        Settings s = settings;
        double density = people / area;
        int verdict = Bands.rising(density, new double[] {s.busyDensity(), s.criticalDensity()}, s.crowdHysteresis(),
                Math.max(0, zone.level.level()));
        CrowdLevel level = CrowdLevel.values()[zone.level.update(verdict, count.observedAt(), s.crowdHold())];

        EntityId entity = count.entity();
        Location location = count.location() != null ? count.location() : zone.location;
        // Rounded to a thousandth for people reading it; the level is decided on the exact figure.
        publish(count, entity, "density", Value.of(Math.round(density * 1000) / 1000.0), "1/m2", location);
        publish(count, entity, "crowdLevel", Value.of(level.modelName()), "", location);
        publish(count, entity, "congested", Value.of(level.congested()), "", location);

        String key = "crowd-" + id;
        if (level == CrowdLevel.CRITICAL) {
            if (!zone.alertActive) {
                zone.alertActive = raise(key, entity, location, count.observedAt(), String.format(Locale.ROOT,
                        "Overcrowding at %s: %.2f people/m2 (critical from %.2f), %.0f people on %.0f m2", id, density,
                        s.criticalDensity(), people, area));
            }
        } else if (zone.alertActive) {
            alerts.resolve(key, count.observedAt());
            zone.alertActive = false;
        }
    }

    private boolean raise(String key, EntityId about, Location location, Instant at, String description) {
        try {
            alerts.raise(new AlertRequest(key, CATEGORY, SUB_CATEGORY, AlertSeverity.HIGH, description, about, location,
                    at));
            return true;
        } catch (IllegalStateException e) {
            log.warn("Could not raise alert " + key + ": " + e.getMessage());
            return false;
        }
    }

    private void publish(Reading cause, EntityId entity, String attribute, Value value, String unit, Location location) {
        // receivedAt is taken from the count, so that the same input always gives the same output.
        bus.publish(new Reading(entity, attribute, value, unit, cause.observedAt(), cause.receivedAt(), Settings.PID,
                location));
    }

    /** The reading's number if it is a non-negative number with the expected (or no) unit; otherwise warns. */
    private Double number(Reading reading, String attribute, String unit) {
        String id = reading.entity().localId();
        OptionalDouble number = reading.number();
        if (number.isEmpty()) {
            log.warn("Ignored " + attribute + " of crowd zone " + id
                    + ": expected a number, got " + reading.value());
            return null;
        }
        if (!reading.unit().isEmpty() && !reading.unit().equals(unit)) {
            log.warn("Ignored " + attribute + " of crowd zone " + id
                    + ": expected unit '" + unit + "', got '" + reading.unit() + "'");
            return null;
        }
        if (number.getAsDouble() < 0) {
            log.warn("Ignored " + attribute + " " + number.getAsDouble()
                    + " of crowd zone " + id + ": it cannot be negative");
            return null;
        }
        return number.getAsDouble();
    }
}
