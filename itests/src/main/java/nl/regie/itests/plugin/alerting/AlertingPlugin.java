package nl.regie.itests.plugin.alerting;

import java.time.Instant;

import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.alert.Alerts;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A plugin that raises one alert when it starts, through its own (bundle-scoped) {@link Alerts} service, and
 * never resolves it: the runtime must, when the plugin is uninstalled.
 */
@Component(immediate = true)
public class AlertingPlugin {

    /** The key of the alert it raises. */
    public static final String KEY = "itest-alerting-1";

    /** Raises the alert; on a restart or update the same request again, which changes nothing. */
    @Activate
    public AlertingPlugin(@Reference Alerts alerts) {
        alerts.raise(new AlertRequest(KEY, "security", "fire", AlertSeverity.HIGH,
                "itests: raised by the alerting plugin", null, null, Instant.now()));
    }
}
