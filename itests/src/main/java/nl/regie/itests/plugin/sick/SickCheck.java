package nl.regie.itests.plugin.sick;

import nl.regie.api.health.HealthCheck;
import nl.regie.api.health.HealthStatus;

import org.osgi.service.component.annotations.Component;

/** A plugin whose components start but whose health check throws. */
@Component(immediate = true)
public class SickCheck implements HealthCheck {

    /** The message of what the check throws. */
    public static final String FAILURE = "itests: the sick plugin's health check throws on purpose";

    @Override
    public HealthStatus check() {
        throw new IllegalStateException(FAILURE);
    }
}
