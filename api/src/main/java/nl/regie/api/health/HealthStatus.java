package nl.regie.api.health;

import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a {@link HealthCheck} says. Immutable.
 *
 * @param healthy whether the plugin can do its work
 * @param detail  why not (or a short note when healthy), shown to the operator; never null
 */
@ProviderType
public record HealthStatus(boolean healthy, String detail) {

    /**
     * Creates a status.
     *
     * @throws NullPointerException if the detail is null
     */
    public HealthStatus {
        Objects.requireNonNull(detail, "health detail is required (use \"\" for none)");
    }

    /** Healthy, with nothing more to say. */
    public static HealthStatus ok() {
        return new HealthStatus(true, "");
    }

    /** Not healthy, because of {@code reason}. */
    public static HealthStatus unhealthy(String reason) {
        return new HealthStatus(false, reason);
    }
}
