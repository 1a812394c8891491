package nl.regie.api.alert;

import java.time.Instant;
import java.util.Objects;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An alert as the runtime keeps it: raised by one plugin, updated by it while the condition lasts, and resolved
 * by it when the condition is over. Immutable; every change makes a new {@code Alert}.
 *
 * @param id          {@code urn:ngsi-ld:Alert:{key}}
 * @param category    the Smart Data Models category
 * @param subCategory the sub-category, or empty
 * @param severity    how serious it is
 * @param description what is wrong and where
 * @param about       the entity it is about, or {@code null}
 * @param location    where it is, or {@code null} if unknown
 * @param validFrom   when it was raised (the observation time of the request that raised it)
 * @param validTo     when it was resolved, or {@code null} while it is active
 * @param updatedAt   when it last changed (observation time)
 * @param source      the symbolic name of the plugin that raised it
 */
@ProviderType
public record Alert(EntityId id, String category, String subCategory, AlertSeverity severity, String description,
        EntityId about, Location location, Instant validFrom, Instant validTo, Instant updatedAt, String source) {

    /** The entity type of alerts. */
    public static final String ENTITY_TYPE = "Alert";

    /**
     * Creates an alert, checking the required fields.
     *
     * @throws NullPointerException naming the missing field
     */
    public Alert {
        Objects.requireNonNull(id, "alert id is required");
        Objects.requireNonNull(category, "alert category is required");
        Objects.requireNonNull(subCategory, "alert subCategory is required");
        Objects.requireNonNull(severity, "alert severity is required");
        Objects.requireNonNull(description, "alert description is required");
        Objects.requireNonNull(validFrom, "alert validFrom is required");
        Objects.requireNonNull(updatedAt, "alert updatedAt is required");
        Objects.requireNonNull(source, "alert source is required");
    }

    /** Whether the alert is still active (not resolved). */
    public boolean active() {
        return validTo == null;
    }

    /** The key the plugin gave it: the local id of {@link #id()}. */
    public String key() {
        return id.localId();
    }
}
