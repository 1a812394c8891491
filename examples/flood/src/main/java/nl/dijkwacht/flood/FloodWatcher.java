package nl.dijkwacht.flood;

import java.time.Instant;

import nl.regie.api.alert.Alerts;
import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.notify.Notifications;
import nl.regie.api.scope.PluginScope;

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
 * The flood plugin's component: watches {@code WaterObserved/+/waterLevel}, publishes the configured sandbag
 * points, and hands every reading to a {@link FloodMonitor}, which raises the alerts and notifies residents.
 */
@Component(configurationPid = Settings.PID, immediate = true)
@Designate(ocd = FloodWatcher.Config.class)
@ReadingTopics("WaterObserved/+/waterLevel")
@PluginScope(reads = "WaterObserved/+/waterLevel", publishes = "PointOfInterest/+/+")
public class FloodWatcher implements ReadingListener {

    /** The configuration, PID {@value Settings#PID}. */
    @ObjectClassDefinition(id = Settings.PID, name = "Dijkwacht flood warning",
            description = "Flood alerts from water gauges, and notices to residents naming the nearest sandbag point.")
    public @interface Config {

        @AttributeDefinition(name = "Flood level (m)", min = "0", max = "20",
                description = "A gauge reading above this level raises a HIGH flood alert.")
        double flood_level() default 1.45;

        @AttributeDefinition(name = "Flood level per gauge", description = "Levels that replace the flood level "
                + "for single gauges, as gauge=metres, for example gauge-01=1.5.")
        String[] flood_level_by_gauge() default {};

        @AttributeDefinition(name = "Critical level (m)", min = "0", max = "20",
                description = "Above this level the alert is CRITICAL and residents are warned again. Must be above "
                        + "every flood level.")
        double critical_level() default 1.8;

        @AttributeDefinition(name = "Hysteresis (m)", min = "0", max = "1", description = "An alert is resolved "
                + "only when the water falls this far below the gauge's flood level.")
        double hysteresis() default 0.05;

        @AttributeDefinition(name = "Alert radius (m)", min = "1", max = "50000",
                description = "Residents within this distance of the gauge are notified.")
        double alert_radius_metres() default 500;

        @AttributeDefinition(name = "Sandbag points", description = "Where residents get sandbags, as "
                + "id|name|lon|lat, for example waterlooplein|Waterlooplein|4.9020|52.3676. Names must not "
                + "contain '|' or ','.")
        String[] sandbag_points() default {};

        @AttributeDefinition(name = "Gauge names", description = "Names residents know gauges by, as gauge=name, "
                + "for example gauge-01=Amstel.")
        String[] gauge_names() default {};
    }

    private final ReadingBus bus;
    private final Logger log;
    private final FloodMonitor monitor;

    /** Starts on {@code config}, or on the defaults if it is refused. */
    @Activate
    public FloodWatcher(@Reference ReadingBus bus, @Reference Alerts alerts, @Reference Notifications notifications,
            @Reference(service = LoggerFactory.class) Logger log, Config config) {
        this.bus = bus;
        this.log = log;
        Settings settings;
        try {
            settings = Settings.from(config);
        } catch (IllegalArgumentException e) {
            log.error("Configuration {} refused: {}; starting on the defaults", Settings.PID, e.getMessage());
            settings = Settings.defaults();
        }
        monitor = new FloodMonitor(settings, alerts, notifications, log::warn);
        publish(settings);
        log.info("Flood plugin watching WaterObserved/+/waterLevel: flood level {} m, critical {} m, {} sandbag points",
                settings.floodLevel(), settings.criticalLevel(), settings.sandbagPoints().size());
    }

    /** Applies a changed configuration, keeping the active alerts; a bad one is refused and the old one kept. */
    @Modified
    void modified(Config config) {
        Settings settings;
        try {
            settings = Settings.from(config);
        } catch (IllegalArgumentException e) {
            log.error("Configuration {} refused: {}; keeping the previous settings", Settings.PID, e.getMessage());
            return;
        }
        monitor.apply(settings);
        publish(settings);
        log.info("Configuration {} applied: flood level {} m, critical {} m, {} sandbag points", Settings.PID,
                settings.floodLevel(), settings.criticalLevel(), settings.sandbagPoints().size());
    }

    @Override
    public void onReading(Reading reading) {
        monitor.onReading(reading);
    }

    /** The monitor, for tests and diagnostics. */
    FloodMonitor monitor() {
        return monitor;
    }

    /**
     * Publishes the sandbag points. Points removed from the configuration are not withdrawn: the bus has no
     * delete, so they keep their last readings in the city state. Stamped with the wall clock: a configuration
     * change is not an observation of any device, so there is no event time to take.
     */
    private void publish(Settings settings) {
        Instant at = Instant.now();
        for (SandbagPoint point : settings.sandbagPoints()) {
            point.readings(at, Settings.PID).forEach(bus::publish);
        }
    }
}
