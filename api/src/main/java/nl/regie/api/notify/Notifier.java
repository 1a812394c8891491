package nl.regie.api.notify;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Delivers notifications to people: an SMS gateway, e-mail, a siren, or the runtime's own recorder. Register an
 * implementation as an OSGi service; the runtime calls every notifier for every notification, each on the
 * runtime's notification thread, with a time limit; an exception is logged with the notifier's bundle and
 * counted, and does not stop the other notifiers.
 */
@ConsumerType
@FunctionalInterface
public interface Notifier {

    /**
     * Delivers one notification.
     *
     * @throws Exception when it could not be delivered; the runtime logs it
     */
    void deliver(Notification notification) throws Exception;
}
