package nl.regie.api.notify;

import java.time.Instant;
import java.util.Objects;

import nl.regie.api.model.EntityId;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A notification as notifiers receive it. Immutable.
 *
 * @param id       unique id the runtime gave it
 * @param subject  the subject line
 * @param message  the text
 * @param audience who it is for
 * @param about    the entity it is about, or {@code null}
 * @param source   the symbolic name of the plugin that sent it
 * @param sentAt   when the runtime accepted it (wall clock)
 */
@ProviderType
public record Notification(String id, String subject, String message, Audience audience, EntityId about,
        String source, Instant sentAt) {

    /**
     * Creates a notification, checking the required fields.
     *
     * @throws NullPointerException naming the missing field
     */
    public Notification {
        Objects.requireNonNull(id, "notification id is required");
        Objects.requireNonNull(subject, "notification subject is required");
        Objects.requireNonNull(message, "notification message is required");
        Objects.requireNonNull(audience, "notification audience is required");
        Objects.requireNonNull(source, "notification source is required");
        Objects.requireNonNull(sentAt, "notification sentAt is required");
    }
}
