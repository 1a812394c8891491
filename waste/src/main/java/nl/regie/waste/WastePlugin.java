package nl.regie.waste;

import java.util.function.LongSupplier;

import nl.regie.api.alert.Alerts;
import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.scope.PluginScope;
import nl.regie.api.state.CityState;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The waste plugin's component: feeds the bins' readings to a {@link BinMonitor} and has a {@link RoutePublisher}
 * plan collection routes on its own thread. A thin adapter; the reasoning is in the plain classes.
 */
@Component(configurationPid = WastePlugin.PID, service = ReadingListener.class)
@Designate(ocd = WastePlugin.Config.class)
@ReadingTopics({"WasteContainer/+/fillingLevel", "WasteContainer/+/temperature", "WasteContainer/+/storedWasteKind"})
@PluginScope(reads = {"WasteContainer/+/fillingLevel", "WasteContainer/+/temperature", "WasteContainer/+/storedWasteKind"},
        publishes = {"WasteContainer/+/full", "WasteContainer/+/status", "WasteCollectionRoute/+/+"})
public class WastePlugin implements ReadingListener {

    static final String PID = "nl.regie.waste";

    /** The plugin's configuration (PID {@value #PID}). */
    @ObjectClassDefinition(id = PID, name = "Regie waste", description = "Full bins, bin fires and collection routes")
    public @interface Config {
        @AttributeDefinition(name = "Full threshold", min = "0.05", max = "1",
                description = "Fill level (0..1) at or above which a bin is full, for bins whose kind has no threshold of its own")
        double full_threshold() default Settings.FULL_THRESHOLD;

        @AttributeDefinition(name = "Full threshold by kind",
                description = "Thresholds per storedWasteKind, as kind=level, e.g. glass=0.9, organic=0.7")
        String[] full_threshold_by_kind() default {};

        @AttributeDefinition(name = "Hysteresis", min = "0", max = "0.5",
                description = "A full bin is no longer full only below its threshold minus this, so it does not flap")
        double full_hysteresis() default Settings.HYSTERESIS;

        @AttributeDefinition(name = "Fire temperature (°C)", min = "20", max = "300",
                description = "A bin this hot is on fire")
        double fire_temperature() default Settings.FIRE_TEMPERATURE;

        @AttributeDefinition(name = "Critical fire temperature (°C)", min = "20", max = "500",
                description = "A fire hotter than this raises its alert to CRITICAL (not below the fire temperature)")
        double fire_critical_temperature() default Settings.CRITICAL_TEMPERATURE;

        @AttributeDefinition(name = "Fire rise (°C)", min = "1", max = "100",
                description = "A bin whose temperature rises this much within the rise window is on fire, however hot")
        double fire_rise() default Settings.FIRE_RISE;

        @AttributeDefinition(name = "Rise window (minutes)", min = "1", max = "120",
                description = "The time of observation over which the rise is measured")
        int fire_rise_minutes() default Settings.RISE_MINUTES;

        @AttributeDefinition(name = "Cooled temperature (°C)", min = "0", max = "300",
                description = "A burning bin below this and not warming is out (below the fire temperature)")
        double fire_cool_temperature() default Settings.COOL_TEMPERATURE;

        @AttributeDefinition(name = "Depot", description = "Where collection routes start and end: lon,lat (WGS84)")
        String depot() default Settings.DEPOT;

        @AttributeDefinition(name = "Route id", description = "The route entity's local id: WasteCollectionRoute/{id}")
        String route_id() default Settings.ROUTE_ID;

        @AttributeDefinition(name = "Route interval (s)", min = "1", max = "3600",
                description = "Wall-clock seconds at least between two route plans")
        int route_interval_seconds() default Settings.ROUTE_INTERVAL_SECONDS;

        @AttributeDefinition(name = "Route budget (ms)", min = "10", max = "60000",
                description = "Wall-clock milliseconds the 2-opt improvement of one route may take")
        int route_budget_millis() default Settings.ROUTE_BUDGET_MILLIS;
    }

    private final Logger log;
    private final BinMonitor monitor;
    private final RoutePublisher routes;
    private final RoutePublisher.Scheduler scheduler;

    /** Starts on the configuration, or on the defaults if it is refused. */
    @Activate
    public WastePlugin(@Reference ReadingBus bus, @Reference Alerts alerts, @Reference CityState cityState,
            @Reference(service = LoggerFactory.class) Logger log, Config config) {
        this(bus, alerts, cityState, log, config, new RouteThread(log), System::currentTimeMillis);
    }

    WastePlugin(ReadingBus bus, Alerts alerts, CityState cityState, Logger log, Config config,
            RoutePublisher.Scheduler scheduler, LongSupplier wallClock) {
        this.log = log;
        this.scheduler = scheduler;
        Settings settings;
        try {
            settings = Settings.from(config);
        } catch (IllegalArgumentException e) {
            log.error("Configuration " + PID + " refused: " + e.getMessage() + "; starting on the defaults");
            settings = Settings.DEFAULTS;
        }
        monitor = new BinMonitor(bus, alerts, settings, log, wallClock,
                this::needChanged);
        routes = new RoutePublisher(bus, monitor, scheduler, wallClock);
        monitor.adopt(alerts.own(), cityState.own("WasteContainer/+/+"));
        // The first route is planned on the first bin reading, when there is a time to date it by.
    }

    /** Applies a new configuration without losing what the plugin knows, or refuses it and keeps the old one. */
    @Modified
    void modified(Config config) {
        Settings settings;
        try {
            settings = Settings.from(config);
        } catch (IllegalArgumentException e) {
            log.error("Configuration " + PID + " refused: " + e.getMessage() + "; keeping the previous settings");
            return;
        }
        monitor.apply(settings);
        routes.settingsChanged(settings);
        log.info("Configuration " + PID + " applied");
    }

    @Deactivate
    void deactivate() {
        scheduler.close();
    }

    private void needChanged() {
        routes.changed();
    }

    @Override
    public void onReading(Reading reading) {
        monitor.onReading(reading);
        routes.binReported();
    }

    BinMonitor monitor() {
        return monitor;
    }

    RoutePublisher routes() {
        return routes;
    }
}
