package nl.regie.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A plugin's own view of its health. Optional: register it as a service from the plugin's bundle (a DS component
 * implementing it is enough). When a new version of the plugin is deployed, the runtime promotes it only when
 * all its components are active and every health check its bundle registers says healthy before the update's
 * deadline; otherwise it restores the previous version. {@code GET /health} shows what the checks say.
 *
 * <p>Called from the runtime's threads, possibly often: answer quickly (well under a second) and do not block.
 * A check that throws counts as unhealthy, with the exception as the reason.
 */
@ConsumerType
@FunctionalInterface
public interface HealthCheck {

    /** Whether the plugin can do its work now. */
    HealthStatus check();
}
