package ${package};

import java.util.Locale;

import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.alert.Alerts;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.ReadingTopics;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.PluginScope;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Heat warning: a weather station that measures more than the threshold raises the alert {@code heat-{station}}, and
 * the alert is resolved once the station has cooled to the threshold less the hysteresis, so that a temperature going
 * up and down around the threshold does not make it come and go. In between, nothing changes.
 */
@Component(configurationPid = HeatWatch.PID)
@Designate(ocd = HeatWatch.Config.class)
@ReadingTopics(HeatWatch.TEMPERATURE)
@PluginScope(reads = HeatWatch.TEMPERATURE)
public class HeatWatch implements ReadingListener {

    /** The configuration PID: the bundle's symbolic name. */
    static final String PID = "${groupId}.${artifactId}";
    static final String TEMPERATURE = "WeatherObserved/+/temperature";

    @ObjectClassDefinition(id = PID, name = "Heat warning",
            description = "Heat alerts from the temperature of weather stations.")
    public @interface Config {

        @AttributeDefinition(name = "Threshold (°C)", min = "-50", max = "60",
                description = "A station measuring more than this raises a heat alert.")
        double threshold() default 30;

        @AttributeDefinition(name = "Hysteresis (°C)", min = "0", max = "20",
                description = "The alert is resolved once the station is this much below the threshold.")
        double hysteresis() default 2;
    }

    private final Alerts alerts;
    private volatile Config config;

    @Activate
    public HeatWatch(@Reference Alerts alerts, Config config) {
        this.alerts = alerts;
        this.config = config;
    }

    /** A new configuration applies from the next reading on; the active alerts stay. */
    @Modified
    void modified(Config changed) {
        config = changed;
    }

    @Override
    public void onReading(Reading reading) {
        if (!(reading.value() instanceof Value.Number celsius)) {
            return;
        }
        Config settings = config;
        String station = reading.entity().localId();
        if (celsius.value() > settings.threshold()) {
            // Raising it again while it is active changes nothing.
            alerts.raise(new AlertRequest("heat-" + station, "weather", "highTemperature", AlertSeverity.MEDIUM,
                    String.format(Locale.ROOT, "Weather station %s measures more than %.1f °C", station,
                            settings.threshold()),
                    reading.entity(), reading.location(), reading.observedAt()));
        } else if (celsius.value() <= settings.threshold() - settings.hysteresis()) {
            alerts.resolve("heat-" + station, reading.observedAt());
        }
    }
}
