package nl.regie.lighting;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import nl.regie.api.actuation.Actuation;
import nl.regie.api.alert.Alerts;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.PluginScope;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;

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
 * The lighting plugin as a DS component: receives streetlight and crowd readings from the bus whiteboard and
 * hands them to the {@link LightingEngine}; a configuration change applies without losing state.
 *
 * <p>Threads: the bus's delivery thread for readings, and one daemon thread {@code regie-lighting-scheduler}
 * for command outcomes and retries, stopped in {@link #deactivate()}.
 */
@Component(immediate = true, configurationPid = LightingComponent.PID)
@Designate(ocd = LightingComponent.Config.class)
@ReadingTopics({"Streetlight/+/+", "CrowdFlowObserved/+/crowdLevel"})
// The zones' area (and location) comes from the city state, so it is read too.
@PluginScope(reads = {"Streetlight/+/+", "CrowdFlowObserved/+/crowdLevel", "CrowdFlowObserved/+/area"},
        actuates = "Streetlight")
public final class LightingComponent implements ReadingListener {

    /** The configuration PID. */
    public static final String PID = "nl.regie.lighting";
    /** The bundle's symbolic name: the source of its alerts. */
    static final String SYMBOLIC_NAME = "nl.regie.lighting";

    /** The plugin's configuration. */
    @ObjectClassDefinition(id = PID, name = "Regie lighting",
            description = "Streetlights follow the sun, dim late at night and brighten around busy crowd zones.")
    public @interface Config {

        @AttributeDefinition(name = "Dimmed level", min = "0", max = "1",
                description = "The level (0..1) of lamps from dim.from until sunrise.")
        double dim_level() default Settings.DEFAULT_DIM_LEVEL;

        @AttributeDefinition(name = "Dim from (HH:mm)",
                description = "Local time (in time.zone) at which lamps dim, for example 00:00 or 22:00. A time"
                        + " before sunset dims from sunset on.")
        String dim_from() default Settings.DEFAULT_DIM_FROM;

        @AttributeDefinition(name = "Time zone", description = "The time zone of dim.from, such as Europe/Amsterdam.")
        String time_zone() default Settings.DEFAULT_TIME_ZONE;

        @AttributeDefinition(name = "Zone margin (m)", min = "0", max = "1000",
                description = "How far beyond a crowd zone's own radius (from its area) its lamps go to full light.")
        double zone_margin_metres() default Settings.DEFAULT_ZONE_MARGIN_METRES;

        @AttributeDefinition(name = "Zone radius without area (m)", min = "1", max = "5000",
                description = "The reach of a crowd zone whose area is unknown.")
        double zone_radius_metres() default Settings.DEFAULT_ZONE_RADIUS_METRES;

        @AttributeDefinition(name = "Zone report goes stale (min)", min = "1", max = "1440",
                description = "A crowd level older than this (event time) counts as calm, so lamps return to their"
                        + " profile when mobility stops reporting.")
        int zone_stale_minutes() default Settings.DEFAULT_ZONE_STALE_MINUTES;

        @AttributeDefinition(name = "Mismatch grace (min)", min = "0", max = "1440",
                description = "How long (event time) a lamp may report another level than its target before the"
                        + " target is sent again. Longer than a photocell's lead at dawn (about 20 minutes).")
        int mismatch_grace_minutes() default Settings.DEFAULT_MISMATCH_GRACE_MINUTES;

        @AttributeDefinition(name = "Command retries", min = "0", max = "10",
                description = "Retries of a rejected, failed or expired command before it is given up and alerted.")
        int command_retries() default Settings.DEFAULT_COMMAND_RETRIES;

        @AttributeDefinition(name = "Retry backoff (s)", min = "1", max = "600",
                description = "Wall-clock wait before the first retry; doubled for each further one.")
        int command_backoff_seconds() default Settings.DEFAULT_COMMAND_BACKOFF_SECONDS;

        @AttributeDefinition(name = "Command deadline (s)", min = "1", max = "3600",
                description = "How long (wall clock) a command may take before it expires.")
        int command_deadline_seconds() default Settings.DEFAULT_COMMAND_DEADLINE_SECONDS;

        @AttributeDefinition(name = "Commands in flight", min = "1", max = "10000",
                description = "Commands under way at once at most; the rest wait in a queue.")
        int command_max_in_flight() default Settings.DEFAULT_COMMAND_MAX_IN_FLIGHT;

        @AttributeDefinition(name = "Failure power (W)", min = "0", max = "1000",
                description = "A lamp that is on but draws less than this has failed.")
        double failure_watts() default Settings.DEFAULT_FAILURE_WATTS;

        @AttributeDefinition(name = "Failure reports", min = "1", max = "100",
                description = "Consecutive reports below failure.watts that raise a lamp-failure alert.")
        int failure_reports() default Settings.DEFAULT_FAILURE_REPORTS;
    }

    private final Logger log;
    private final ExecutorTaskScheduler scheduler;
    private final LightingEngine engine;

    /** Starts on the configuration, or on the defaults if it is bad. */
    @Activate
    public LightingComponent(Config config, @Reference Actuation actuation,
            @Reference Alerts alerts, @Reference CityState cityState,
            @Reference(service = LoggerFactory.class) Logger log) {
        this.log = log;
        Settings settings;
        try {
            settings = Settings.from(config);
        } catch (IllegalArgumentException e) {
            log.error("Configuration " + PID + " refused: " + e.getMessage() + "; starting on the defaults");
            settings = Settings.defaults();
        }
        this.scheduler = new ExecutorTaskScheduler();
        this.engine = new LightingEngine(settings, actuation, alerts, new StateLookup(cityState), scheduler,
                Clock.systemUTC(), log);
        engine.restore(alerts.own());
        try {
            engine.restoreFromCityState(values(cityState, LightingEngine.CROWD_FLOW),
                    values(cityState, LightingEngine.STREETLIGHT));
        } catch (RuntimeException e) {
            log.warn("Lighting could not restore what the city state holds, and starts from nothing: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        log.info("Lighting active: " + settings.describe());
    }

    /** Applies a changed configuration, keeping the lamps' and zones' state; a bad one is refused. */
    @Modified
    void modified(Config config) {
        Settings settings;
        try {
            settings = Settings.from(config);
        } catch (IllegalArgumentException e) {
            log.error("Configuration " + PID + " refused: " + e.getMessage() + "; the previous settings stay");
            return;
        }
        engine.apply(settings);
        log.info("Lighting reconfigured: " + settings.describe());
    }

    /** Stops sending and stops the scheduler thread. */
    @Deactivate
    void deactivate() {
        engine.close();
        scheduler.close();
    }

    @Override
    public void onReading(Reading reading) {
        try {
            engine.onReading(reading);
        } catch (RuntimeException e) {
            // A bug must not get the listener quarantined: every other reading still counts.
            log.warn("Lighting could not handle " + reading.topic() + ": " + e);
        }
    }

    /** The values the city state holds of every entity of a type the plugin reads, as readings dated when observed. */
    private static List<Reading> values(CityState state, String entityType) {
        List<Reading> values = new ArrayList<>();
        for (EntityState entity : state.byType(entityType)) {
            entity.attributes().forEach((attribute, value) -> values.add(new Reading(entity.id(), attribute,
                    value.value(), value.unit(), value.observedAt(), value.observedAt(), value.source(),
                    entity.location())));
        }
        values.sort(Comparator.comparing(Reading::observedAt));
        return values;
    }

    /** Locations and zone areas from the city state. */
    private record StateLookup(CityState state) implements CityLookup {

        @Override
        public Optional<Location> location(EntityId entity) {
            return state.entity(entity).flatMap(EntityState::optionalLocation);
        }

        @Override
        public OptionalDouble area(EntityId zone) {
            Optional<AttributeState> area = state.entity(zone).flatMap(e -> e.attribute("area"));
            if (area.isPresent() && area.get().value() instanceof Value.Number number) {
                return OptionalDouble.of(number.value());
            }
            return OptionalDouble.empty();
        }
    }
}
