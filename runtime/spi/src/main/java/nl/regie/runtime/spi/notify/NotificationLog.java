package nl.regie.runtime.spi.notify;

import java.time.Instant;
import java.util.List;

import nl.regie.api.notify.DeliveryReport;
import nl.regie.api.notify.Notification;

import org.osgi.annotation.versioning.ProviderType;

/** The notifications sent lately, as the runtime's recording notifier keeps them, for {@code /api/notifications}. */
@ProviderType
public interface NotificationLog {

    /**
     * A page of the kept notifications, newest first.
     *
     * @param offset how many to skip, at least 0
     * @param limit  the most to return, at least 1
     */
    Page page(int offset, int limit);

    /**
     * What the notifiers reported of a kept notification (api {@code DeliveryReports}), the latest report of each
     * plugin's channel, in the order they first reported; empty when none did or the notification is no longer kept.
     */
    default List<Delivery> deliveries(String notificationId) {
        return List.of();
    }

    /**
     * One plugin's latest report on one channel.
     *
     * @param notifier   the symbolic name of the plugin that reported it
     * @param report     the report
     * @param reportedAt when it was reported (wall clock)
     */
    record Delivery(String notifier, DeliveryReport report, Instant reportedAt) {
    }

    /**
     * A page of the kept notifications.
     *
     * @param notifications the notifications on the page, newest first
     * @param total         how many are kept in all
     */
    record Page(List<Notification> notifications, int total) {
        /** Copies the list. */
        public Page {
            notifications = List.copyOf(notifications);
        }
    }
}
