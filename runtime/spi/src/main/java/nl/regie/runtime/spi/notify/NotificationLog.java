package nl.regie.runtime.spi.notify;

import java.util.List;

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
