package nl.regie.itests.plugin.warming;

import nl.regie.api.health.HealthCheck;
import nl.regie.api.health.HealthStatus;

import org.osgi.service.component.annotations.Component;

/** A plugin whose health check says it is warming up for its first {@value #WARM_UP_MILLIS} ms. */
@Component(immediate = true)
public class WarmingUp implements HealthCheck {

    /** How long it is not healthy after activation. */
    public static final long WARM_UP_MILLIS = 1_500;

    private final long activated = System.nanoTime();

    @Override
    public HealthStatus check() {
        long millis = (System.nanoTime() - activated) / 1_000_000;
        return millis >= WARM_UP_MILLIS ? HealthStatus.ok() : HealthStatus.unhealthy("warming up, " + millis + " ms");
    }
}
