package nl.regie.launcher.testplugin;

import nl.regie.api.health.HealthCheck;
import nl.regie.api.health.HealthStatus;

/**
 * A DS component that starts and says it is healthy. {@code LauncherIT} packs it, at several versions, into a plugin
 * of its own to update over HTTP.
 */
public class HealthyComponent implements HealthCheck {

    /** Called by SCR. */
    public void activate() {
        // nothing to start
    }

    @Override
    public HealthStatus check() {
        return HealthStatus.ok();
    }
}
