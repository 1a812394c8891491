package nl.regie.mobility;

import nl.regie.api.alert.Alerts;
import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.scope.PluginScope;
import nl.regie.api.state.CityState;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The mobility plugin's component: a thin adapter that hands crowd counts to {@link CrowdLevels} and traffic
 * readings to {@link CongestionLevels}, and applies configuration {@value Settings#PID}. A configuration change keeps
 * every zone's and segment's state; a bad one is refused and logged, and the previous settings stay (at activation:
 * the defaults).
 */
@Component(configurationPid = Settings.PID)
@Designate(ocd = FlowWatcher.Config.class)
@ReadingTopics({"CrowdFlowObserved/+/peopleCount", "CrowdFlowObserved/+/area", "TrafficFlowObserved/+/intensity",
        "TrafficFlowObserved/+/averageVehicleSpeed"})
@PluginScope(reads = {"CrowdFlowObserved/+/peopleCount", "CrowdFlowObserved/+/area", "TrafficFlowObserved/+/intensity",
        "TrafficFlowObserved/+/averageVehicleSpeed"},
        publishes = {"CrowdFlowObserved/+/density", "CrowdFlowObserved/+/crowdLevel", "CrowdFlowObserved/+/congested",
                "TrafficFlowObserved/+/congestionLevel", "TrafficFlowObserved/+/congested"})
public class FlowWatcher implements ReadingListener {

    /** The configuration of PID {@value Settings#PID}; see the module's README for the reasoning behind the defaults. */
    @ObjectClassDefinition(id = Settings.PID, name = "Regie mobility",
            description = "Crowd density levels per zone and congestion levels per road segment, with alerts.")
    public @interface Config {

        @AttributeDefinition(name = "Busy density (people/m2)", min = "0.01", max = "10",
                description = "People per square metre from which a crowd zone is busy. Default 2: Fruin's walkway "
                        + "level of service F, where walking becomes severely restricted.")
        double crowd_busy_density() default 2.0;

        @AttributeDefinition(name = "Critical density (people/m2)", min = "0.01", max = "10",
                description = "People per square metre from which a crowd zone is critical and an overcrowding alert "
                        + "is raised; must be above the busy density. Default 3.5: Fruin's queuing level E (3.3), "
                        + "short of the 4 people/m2 G. K. Still gives as critical for a moving crowd.")
        double crowd_critical_density() default 3.5;

        @AttributeDefinition(name = "Crowd hysteresis", min = "0", max = "0.5",
                description = "A crowd level is left only when the density falls below its threshold x (1 - this), "
                        + "so that a zone near a threshold does not flap.")
        double crowd_hysteresis() default 0.1;

        @AttributeDefinition(name = "Crowd hold (minutes)", min = "0", max = "240",
                description = "A zone falls to a lower level only when the density has shown it for this long (event "
                        + "time), so one dip in a long crowded spell does not resolve and re-raise the alert. Rising "
                        + "is never delayed.")
        int crowd_hold_minutes() default 15;

        @AttributeDefinition(name = "Zone areas",
                description = "Area in m2 per crowd zone, as zone=m2 (e.g. crowd-001=12500); wins over the area a "
                        + "counter reports, and is needed for counters that report none.")
        String[] zone_area() default {};

        @AttributeDefinition(name = "Free-flow speed (km/h)", min = "1", max = "200",
                description = "Speed traffic reaches when nothing holds it up, for segments with no configured or "
                        + "learned speed.")
        double traffic_free_speed() default 50;

        @AttributeDefinition(name = "Free-flow speed per segment",
                description = "Free-flow speed in km/h per road segment, as segment=km/h (e.g. traffic-007=30); "
                        + "wins over learning and the default.")
        String[] traffic_free_speed_by_segment() default {};

        @AttributeDefinition(name = "Learn free-flow speeds",
                description = "Segments without a configured speed learn theirs as the 85th percentile of their last "
                        + "2016 speed readings, once they have 288 (a day at one every 5 minutes).")
        boolean traffic_free_speed_learn() default true;

        @AttributeDefinition(name = "Minimum intensity (vehicles/h)", min = "0", max = "100000",
                description = "Below this many vehicles per hour a segment counts as free whatever its speed: a few "
                        + "slow vehicles at night are not congestion. 0 turns this off.")
        double traffic_min_intensity() default 120;

        @AttributeDefinition(name = "Moderate speed ratio", min = "0.01", max = "0.99",
                description = "Speed over free-flow speed at or below which traffic is moderate (HCM LOS C: 0.67).")
        double traffic_moderate_ratio() default 0.67;

        @AttributeDefinition(name = "Heavy speed ratio", min = "0.01", max = "0.99",
                description = "Speed over free-flow speed at or below which traffic is heavy (HCM LOS E: 0.40); "
                        + "below the moderate ratio.")
        double traffic_heavy_ratio() default 0.40;

        @AttributeDefinition(name = "Jammed speed ratio", min = "0.01", max = "0.99",
                description = "Speed over free-flow speed at or below which traffic is jammed and an alert is raised "
                        + "(HCM LOS F: 0.30); below the heavy ratio.")
        double traffic_jammed_ratio() default 0.30;

        @AttributeDefinition(name = "Traffic hysteresis", min = "0", max = "0.5",
                description = "A congestion level is left only when the speed ratio rises above its bound x (1 + this).")
        double traffic_hysteresis() default 0.1;

        @AttributeDefinition(name = "Traffic hold (minutes)", min = "0", max = "240",
                description = "A segment falls to a lower congestion level only when its readings have shown it for "
                        + "this long (event time). Rising is never delayed.")
        int traffic_hold_minutes() default 10;
    }

    private final Logger log;
    private final CrowdLevels crowds;
    private final CongestionLevels traffic;
    private volatile Settings settings;

    /** Starts on the configuration, or on the defaults if it is bad. */
    @Activate
    public FlowWatcher(@Reference ReadingBus bus, @Reference Alerts alerts, @Reference CityState cityState,
            @Reference(service = LoggerFactory.class) Logger log, Config config) {
        this.log = log;
        Settings initial;
        try {
            initial = Settings.from(config);
        } catch (IllegalArgumentException e) {
            log.error("Configuration {} refused: {}; starting on the defaults", Settings.PID, e.getMessage());
            initial = Settings.defaults();
        }
        this.settings = initial;
        this.crowds = new CrowdLevels(bus, alerts, log, initial);
        this.traffic = new CongestionLevels(bus, alerts, log, initial);
        // After an update or a restart: go on from the levels published before, which the city state kept.
        crowds.restore(cityState.own(CrowdLevels.TYPE + "/+/crowdLevel"));
        traffic.restore(cityState.own(CongestionLevels.TYPE + "/+/congestionLevel"));
        log.info("Mobility plugin watching crowds (busy from {} people/m2, critical from {}) and traffic (free-flow "
                + "speed {} km/h{})", initial.busyDensity(), initial.criticalDensity(), initial.freeSpeed(),
                initial.learnFreeSpeed() ? " or learned" : "");
    }

    /** Applies a changed configuration without losing state, or refuses it and keeps the previous settings. */
    @Modified
    void modified(Config config) {
        Settings next;
        try {
            next = Settings.from(config);
        } catch (IllegalArgumentException e) {
            log.error("Configuration {} refused: {}; keeping the previous settings", Settings.PID, e.getMessage());
            return;
        }
        settings = next;
        crowds.apply(next);
        traffic.apply(next);
        log.info("Configuration {} applied", Settings.PID);
    }

    @Override
    public void onReading(Reading reading) {
        try {
            switch (reading.entityType()) {
                case CrowdLevels.TYPE -> crowds.onReading(reading);
                case CongestionLevels.TYPE -> traffic.onReading(reading);
                default -> {
                    // Not subscribed to anything else.
                }
            }
        } catch (RuntimeException e) {
            // A bug or an api surprise must not get the listener quarantined: report it and go on.
            log.warn("Could not handle " + reading.topic() + ": " + e);
        }
    }

    /** The settings in use. */
    Settings settings() {
        return settings;
    }

    /** The crowd logic, for tests. */
    CrowdLevels crowds() {
        return crowds;
    }

    /** The traffic logic, for tests. */
    CongestionLevels traffic() {
        return traffic;
    }
}
