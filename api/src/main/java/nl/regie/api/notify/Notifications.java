package nl.regie.api.notify;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends notifications. The runtime gives each bundle its own instance (a bundle-scoped service), so a
 * notification's source is always the plugin that sent it. Delivery to the {@link Notifier} services is
 * asynchronous: {@link #send} never waits for a gateway, and a notifier that fails or hangs does not affect the
 * caller or the other notifiers.
 */
@ProviderType
public interface Notifications {

    /**
     * Sends a notification to every notifier.
     *
     * @return the notification as it is delivered, with its id
     */
    Notification send(NotificationRequest request);
}
