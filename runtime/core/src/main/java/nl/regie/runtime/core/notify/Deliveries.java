package nl.regie.runtime.core.notify;

import nl.regie.api.notify.DeliveryReport;

/**
 * Keeps the notifiers' delivery reports next to the notifications they are about. Implemented by
 * {@link RecordingNotifier}; private to the core bundle.
 */
public interface Deliveries {

    /**
     * Records the report of plugin {@code notifier}, replacing its earlier report on the same channel.
     *
     * @throws IllegalArgumentException when the notification is not (or no longer) kept
     */
    void record(String notifier, DeliveryReport report);
}
