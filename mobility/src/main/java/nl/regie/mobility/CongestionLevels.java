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
 * Congestion level per road segment ({@code TrafficFlowObserved}) from its latest {@code averageVehicleSpeed} relative
 * to its free-flow speed, and its latest {@code intensity}. On every speed or intensity reading (once a speed is known)
 * it publishes {@code congestionLevel} and {@code congested}; it raises the alert {@code congestion-{segment}}
 * (traffic / trafficJam, MEDIUM) when the segment becomes jammed and resolves it when it is back to moderate or free.
 *
 * <h2>Bands</h2>
 * With r = speed / free-flow speed, the defaults follow the Highway Capacity Manual's level of service for urban
 * street segments, which is graded by travel speed as a percentage of the base free-flow speed (HCM 2010 Exhibit
 * 16-8: A above 85%, B above 67%, C above 50%, D above 40%, E above 30%, F at 30% or less):
 * <ul>
 * <li><b>free</b> r &gt; 0.67: LOS A and B, traffic moves near its desired speed;</li>
 * <li><b>moderate</b> 0.40 &lt; r &le; 0.67: LOS C and D, slowed but moving;</li>
 * <li><b>heavy</b> 0.30 &lt; r &le; 0.40: LOS E, close to capacity (on a 50 km/h street: 15 to 20 km/h);</li>
 * <li><b>jammed</b> r &le; 0.30: LOS F, queues, stop and go (on a 50 km/h street: 15 km/h or less).</li>
 * </ul>
 * A level is left only when r rises above its bound × (1 + hysteresis) (see {@link Bands}) and that has lasted
 * {@code traffic.hold.minutes} ({@link SteadyLevel}).
 *
 * <h2>Free-flow speed</h2>
 * {@code traffic.free.speed.by.segment} if configured for the segment; otherwise, if learning is on and the segment has
 * reported long enough, the speed learned from its own history ({@link FreeSpeedLearner}); otherwise
 * {@code traffic.free.speed}.
 *
 * <h2>Intensity</h2>
 * Below {@code traffic.min.intensity} vehicles per hour a segment is free whatever its speed: with fewer than a couple
 * of vehicles a minute the average speed describes those few vehicles (a bus, a cyclist-paced car, a red light; many
 * detectors even report 0 km/h when nothing passed), not the road, while a queue that really blocks an urban street
 * still discharges several hundred vehicles an hour. The price: a road completely blocked (no vehicle passes) is not
 * seen as jammed; set the minimum to 0 where that matters more than night-time noise. Until a segment has reported an
 * intensity, its speed alone decides.
 *
 * <p>Called from one thread at a time (the plugin's bus thread); {@link #apply(Settings)} may come from another.
 */
public final class CongestionLevels {

    /** The entity type of road segments. */
    public static final String TYPE = "TrafficFlowObserved";
    static final String CATEGORY = "traffic";
    static final String SUB_CATEGORY = "trafficJam";

    private final ReadingBus bus;
    private final Alerts alerts;
    private final Logger log;
    private final Map<String, Segment> segments = new ConcurrentHashMap<>();
    private volatile Settings settings;

    /** What the plugin knows of one segment. */
    private static final class Segment {
        Double speed;
        Instant speedAt;
        Double intensity;
        Instant intensityAt;
        Location location;
        final SteadyLevel level = new SteadyLevel();
        boolean alertActive;
        FreeSpeedLearner learner;
    }

    /**
     * @param bus      where congestionLevel and congested are published
     * @param alerts   where traffic jam alerts are raised and resolved
     * @param log      where bad input is reported, a warning each time (the runtime collapses repeats)
     * @param settings the settings to start with
     */
    public CongestionLevels(ReadingBus bus, Alerts alerts, Logger log, Settings settings) {
        this.bus = bus;
        this.alerts = alerts;
        this.log = log;
        this.settings = settings;
        // Its own alerts still active from before an update or a restart (the runtime kept them): resolved when their
        // segment calms down, not left to linger.
        for (Alert alert : alerts.own()) {
            if (alert.key().startsWith("congestion-")) {
                segments.computeIfAbsent(alert.key().substring("congestion-".length()), k -> new Segment()).alertActive = true;
            }
        }
    }

    /**
     * Goes on from the congestion levels this plugin published before an update or a restart, as the city state kept
     * them ({@code CityState.own("TrafficFlowObserved/+/congestionLevel")}), so that a jammed segment stays jammed
     * through the update rather than falling back to free and raising its alert again. A value that is not a level is
     * ignored.
     */
    public void restore(List<Reading> ownLevels) {
        for (Reading reading : ownLevels) {
            if (!TYPE.equals(reading.entityType()) || !"congestionLevel".equals(reading.attribute())) {
                continue;
            }
            Optional<CongestionLevel> level = reading.text().flatMap(CongestionLevel::parse);
            if (level.isEmpty()) {
                continue;
            }
            Segment segment = segments.computeIfAbsent(reading.entity().localId(), k -> new Segment());
            segment.level.restore(level.get().ordinal());
            if (segment.location == null) {
                segment.location = reading.location();
            }
        }
    }

    /** Uses new settings from the next reading on; every segment keeps its level, readings, learning and alert. */
    public void apply(Settings newSettings) {
        settings = newSettings;
    }

    /** The current level of a segment, if it has been evaluated. */
    public Optional<CongestionLevel> level(String segment) {
        Segment state = segments.get(segment);
        return state == null || state.level.level() < 0 ? Optional.empty()
                : Optional.of(CongestionLevel.values()[state.level.level()]);
    }

    /** The free-flow speed in km/h a segment is judged against now. */
    public double freeSpeed(String segment) {
        return freeSpeedOf(segment, segments.get(segment), settings);
    }

    /** Handles an {@code averageVehicleSpeed} or {@code intensity} reading of a road segment; ignores anything else. */
    public void onReading(Reading reading) {
        if (!TYPE.equals(reading.entityType())) {
            return;
        }
        String id = reading.entity().localId();
        switch (reading.attribute()) {
            case "averageVehicleSpeed" -> {
                Double kmh = speedKmh(reading);
                Segment segment = kmh == null ? null : accept(id, reading, true);
                if (segment != null) {
                    segment.speed = kmh;
                    segment.speedAt = reading.observedAt();
                    learn(id, segment, kmh);
                    evaluate(id, segment, reading);
                }
            }
            case "intensity" -> {
                Double perHour = number(reading, "1/h");
                Segment segment = perHour == null ? null : accept(id, reading, false);
                if (segment != null) {
                    segment.intensity = perHour;
                    segment.intensityAt = reading.observedAt();
                    evaluate(id, segment, reading);
                }
            }
            default -> {
                // Other attributes of the segment are not ours to judge.
            }
        }
    }

    /** The segment's state, or null (with a warning) if the reading is older than the last of its kind. */
    private Segment accept(String id, Reading reading, boolean speed) {
        Segment segment = segments.computeIfAbsent(id, k -> new Segment());
        Instant last = speed ? segment.speedAt : segment.intensityAt;
        if (last != null && reading.observedAt().isBefore(last)) {
            log.warn("Ignored " + reading.attribute() + " of " + id
                    + " observed at " + reading.observedAt() + ", before the last one at " + last);
            return null;
        }
        if (reading.location() != null) {
            segment.location = reading.location();
        }
        return segment;
    }

    private void learn(String id, Segment segment, double kmh) {
        if (!settings.learnFreeSpeed() || settings.configuredFreeSpeed(id) != null) {
            return;
        }
        if (segment.learner == null) {
            segment.learner = new FreeSpeedLearner();
        }
        segment.learner.add(kmh);
    }

    private static double freeSpeedOf(String id, Segment segment, Settings s) {
        Double configured = s.configuredFreeSpeed(id);
        if (configured != null) {
            return configured;
        }
        if (s.learnFreeSpeed() && segment != null && segment.learner != null) {
            OptionalDouble learned = segment.learner.freeSpeed();
            if (learned.isPresent()) {
                return learned.getAsDouble();
            }
        }
        return s.freeSpeed();
    }

    private void evaluate(String id, Segment segment, Reading cause) {
        if (segment.speed == null) {
            return;
        }
        Settings s = settings;
        double free = freeSpeedOf(id, segment, s);
        double ratio = segment.speed / free;
        int verdict = segment.intensity != null && segment.intensity < s.minIntensity() ? CongestionLevel.FREE.ordinal()
                : Bands.falling(ratio, new double[] {s.moderateRatio(), s.heavyRatio(), s.jammedRatio()},
                        s.trafficHysteresis(), Math.max(0, segment.level.level()));
        CongestionLevel level = CongestionLevel.values()[segment.level.update(verdict, cause.observedAt(),
                s.trafficHold())];

        EntityId entity = cause.entity();
        Location location = cause.location() != null ? cause.location() : segment.location;
        publish(cause, entity, "congestionLevel", Value.of(level.modelName()), location);
        publish(cause, entity, "congested", Value.of(level.congested()), location);

        String key = "congestion-" + id;
        if (level == CongestionLevel.JAMMED) {
            if (!segment.alertActive) {
                segment.alertActive = raise(key, entity, location, cause.observedAt(), String.format(Locale.ROOT,
                        "Traffic jam on %s: %.0f km/h, %.0f%% of its free-flow speed of %.0f km/h%s", id,
                        segment.speed, 100 * ratio, free, segment.intensity == null ? ""
                                : String.format(Locale.ROOT, ", %.0f vehicles/h", segment.intensity)));
            }
        } else if (!level.congested() && segment.alertActive) {
            alerts.resolve(key, cause.observedAt());
            segment.alertActive = false;
        }
    }

    private boolean raise(String key, EntityId about, Location location, Instant at, String description) {
        try {
            alerts.raise(new AlertRequest(key, CATEGORY, SUB_CATEGORY, AlertSeverity.MEDIUM, description, about,
                    location, at));
            return true;
        } catch (IllegalStateException e) {
            log.warn("Could not raise alert " + key + ": " + e.getMessage());
            return false;
        }
    }

    private void publish(Reading cause, EntityId entity, String attribute, Value value, Location location) {
        // receivedAt is taken from the cause, so that the same input always gives the same output.
        bus.publish(new Reading(entity, attribute, value, "", cause.observedAt(), cause.receivedAt(), Settings.PID,
                location));
    }

    /** Speed in km/h; {@code m/s} (the SenML base unit) is converted, no unit is taken as km/h. */
    private Double speedKmh(Reading reading) {
        if ("m/s".equals(reading.unit())) {
            Double metresPerSecond = number(reading, "m/s");
            return metresPerSecond == null ? null : metresPerSecond * 3.6;
        }
        return number(reading, "km/h");
    }

    /** The reading's number if it is a non-negative number with the expected (or no) unit; otherwise warns. */
    private Double number(Reading reading, String unit) {
        String id = reading.entity().localId();
        String attribute = reading.attribute();
        OptionalDouble number = reading.number();
        if (number.isEmpty()) {
            log.warn("Ignored " + attribute + " of road segment " + id
                    + ": expected a number, got " + reading.value());
            return null;
        }
        if (!reading.unit().isEmpty() && !reading.unit().equals(unit)) {
            log.warn("Ignored " + attribute + " of road segment " + id
                    + ": expected unit '" + unit + "', got '" + reading.unit() + "'");
            return null;
        }
        if (number.getAsDouble() < 0) {
            log.warn("Ignored " + attribute + " " + number.getAsDouble()
                    + " of road segment " + id + ": it cannot be negative");
            return null;
        }
        return number.getAsDouble();
    }
}
