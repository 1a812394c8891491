package nl.regie.api.notify;

import java.util.Objects;

import nl.regie.api.model.EntityId;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a plugin asks to be sent. Immutable.
 *
 * @param subject  a short subject line, 1 to 120 characters
 * @param message  the text people read, 1 to 1000 characters (an SMS gateway may split it)
 * @param audience who it is for
 * @param about    the entity it is about (typically the alert), or {@code null}
 */
@ProviderType
public record NotificationRequest(String subject, String message, Audience audience, EntityId about) {

    /**
     * Creates a request, checking every field.
     *
     * @throws NullPointerException     naming the missing field
     * @throws IllegalArgumentException naming the malformed field
     */
    public NotificationRequest {
        Objects.requireNonNull(subject, "notification subject is required");
        Objects.requireNonNull(message, "notification message is required");
        Objects.requireNonNull(audience, "notification audience is required");
        if (subject.isBlank() || subject.length() > 120) {
            throw new IllegalArgumentException("notification subject must be 1 to 120 characters");
        }
        if (message.isBlank() || message.length() > 1000) {
            throw new IllegalArgumentException("notification message must be 1 to 1000 characters");
        }
    }
}
