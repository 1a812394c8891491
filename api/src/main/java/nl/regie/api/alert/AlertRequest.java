package nl.regie.api.alert;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a plugin asks for when it raises or updates an alert. Immutable.
 *
 * @param key         the alert's key, unique per plugin and stable while the condition lasts (for example
 *                    {@code fire-bin-007}); the alert's entity id is {@code urn:ngsi-ld:Alert:{key}}
 * @param category    the Smart Data Models category, for example {@code security}, {@code traffic},
 *                    {@code naturalDisaster}, {@code environment}
 * @param subCategory the sub-category, for example {@code fire}, {@code trafficJam}, {@code flood}; may be empty
 * @param severity    how serious it is
 * @param description one human-readable sentence about what is wrong and where
 * @param about       the entity the alert is about (the burning bin, the failed lamp), or {@code null}
 * @param location    where it is, or {@code null} (then the runtime takes the location of {@code about}, if known)
 * @param observedAt  when the condition was observed (the time of the reading that showed it)
 */
@ProviderType
public record AlertRequest(String key, String category, String subCategory, AlertSeverity severity,
        String description, EntityId about, Location location, Instant observedAt) {

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    /**
     * Creates a request, checking every field.
     *
     * @throws NullPointerException     naming the missing field
     * @throws IllegalArgumentException naming the malformed field
     */
    public AlertRequest {
        Objects.requireNonNull(key, "alert key is required");
        Objects.requireNonNull(category, "alert category is required");
        Objects.requireNonNull(subCategory, "alert subCategory is required (use \"\" for none)");
        Objects.requireNonNull(severity, "alert severity is required");
        Objects.requireNonNull(description, "alert description is required");
        Objects.requireNonNull(observedAt, "alert observedAt is required");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("alert key '" + key + "' must be 1 to 128 letters, digits, '.', '_' or '-'");
        }
        if (!NAME.matcher(category).matches()) {
            throw new IllegalArgumentException("alert category '" + category + "' must be a name such as 'security'");
        }
        if (!subCategory.isEmpty() && !NAME.matcher(subCategory).matches()) {
            throw new IllegalArgumentException("alert subCategory '" + subCategory + "' must be a name such as 'fire'");
        }
        if (description.isBlank() || description.length() > 500) {
            throw new IllegalArgumentException("alert description must be 1 to 500 characters");
        }
    }

    /** The entity id the alert gets: {@code urn:ngsi-ld:Alert:{key}}. */
    public EntityId alertId() {
        return EntityId.of(Alert.ENTITY_TYPE, key);
    }
}
