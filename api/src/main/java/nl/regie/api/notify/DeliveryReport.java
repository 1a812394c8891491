package nl.regie.api.notify;

import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What became of one notification on one channel so far, as the notifier that delivers it reports it: how many
 * residents it was for and how many of their messages are queued, sent, delivered and failed. Counts only: a report
 * never names a resident. Immutable.
 *
 * @param notificationId the notification's id ({@link Notification#id()})
 * @param channel        what the channel is called, such as {@code "SMS"} or {@code "e-mail"}
 * @param recipients     residents it was for on this channel
 * @param queued         messages not yet taken by the gateway (waiting, or waiting for a retry)
 * @param sent           messages the gateway took, not (yet) confirmed by a delivery receipt
 * @param delivered      messages a delivery receipt confirmed
 * @param failed         messages that failed for good: every attempt refused, or a receipt saying so
 * @param lastFailure    why the last message failed, with no address in it; {@code null} when none failed
 */
@ProviderType
public record DeliveryReport(String notificationId, String channel, int recipients, int queued, int sent,
        int delivered, int failed, String lastFailure) {

    /**
     * Creates a report, checking every field.
     *
     * @throws NullPointerException     naming the missing field
     * @throws IllegalArgumentException naming the malformed field
     */
    public DeliveryReport {
        Objects.requireNonNull(notificationId, "delivery report notificationId is required");
        Objects.requireNonNull(channel, "delivery report channel is required");
        if (channel.isBlank() || channel.length() > 40) {
            throw new IllegalArgumentException("delivery report channel must be 1 to 40 characters");
        }
        if (recipients < 0 || queued < 0 || sent < 0 || delivered < 0 || failed < 0) {
            throw new IllegalArgumentException("delivery report counts must not be negative");
        }
        if ((long) queued + sent + delivered + failed != recipients) {
            throw new IllegalArgumentException("delivery report counts must add up to its " + recipients
                    + " recipient(s), not " + ((long) queued + sent + delivered + failed));
        }
        if (lastFailure != null && lastFailure.length() > 500) {
            lastFailure = lastFailure.substring(0, 500);
        }
    }
}
