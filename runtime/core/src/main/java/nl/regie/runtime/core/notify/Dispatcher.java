package nl.regie.runtime.core.notify;

import nl.regie.api.notify.Notification;

/**
 * Takes notifications for delivery to every notifier, never waiting for one. Implemented by
 * {@link NotificationDispatcher}; private to the core bundle.
 */
public interface Dispatcher {

    /** Queues a notification; false if it was dropped (queue full or stopped), which is counted. */
    boolean dispatch(Notification notification);
}
