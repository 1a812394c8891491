package nl.regie.api.notify;

import java.util.Objects;

import nl.regie.api.model.Location;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Who a notification is for: the residents within {@code radiusMetres} of {@code center}. Immutable.
 *
 * @param center       the middle of the area
 * @param radiusMetres the radius, more than 0 and at most 50 km
 * @param description  a name for the area people recognise, for example {@code "around the Amstel gauge"}
 */
@ProviderType
public record Audience(Location center, double radiusMetres, String description) {

    /**
     * Creates an audience, checking every field.
     *
     * @throws NullPointerException     naming the missing field
     * @throws IllegalArgumentException naming the malformed field
     */
    public Audience {
        Objects.requireNonNull(center, "audience center is required");
        Objects.requireNonNull(description, "audience description is required");
        if (!(radiusMetres > 0 && radiusMetres <= 50_000)) {
            throw new IllegalArgumentException("audience radius must be more than 0 and at most 50000 m, not " + radiusMetres);
        }
    }

    /** Whether {@code location} is inside the area. */
    public boolean contains(Location location) {
        return center.distanceMetres(location) <= radiusMetres;
    }
}
