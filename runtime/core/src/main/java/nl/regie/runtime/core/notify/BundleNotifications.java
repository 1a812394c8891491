package nl.regie.runtime.core.notify;

import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

import nl.regie.api.notify.Notification;
import nl.regie.api.notify.NotificationRequest;
import nl.regie.api.notify.Notifications;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * The {@link Notifications} service as one bundle sees it: a bundle-scoped service, so every notification it sends
 * has the bundle's symbolic name as source. It stamps the notification (a random id, the wall-clock time) and hands
 * it to the shared {@link NotificationDispatcher}, never waiting for a notifier.
 */
@Component(scope = ServiceScope.BUNDLE, service = Notifications.class)
public final class BundleNotifications implements Notifications {

    private final Dispatcher dispatcher;
    private final String source;
    private final Clock clock;

    /** The view for the bundle that gets the service. */
    @Activate
    public BundleNotifications(@Reference(name = "dispatcher") Dispatcher dispatcher,
            ComponentContext context) {
        this(dispatcher, context.getUsingBundle().getSymbolicName(), Clock.systemUTC());
    }

    /** The notifications of the plugin {@code source}, outside a framework (the test kit, tests). */
    public static BundleNotifications of(Dispatcher dispatcher, String source, Clock clock) {
        return new BundleNotifications(dispatcher, source, clock);
    }

    BundleNotifications(Dispatcher dispatcher, String source, Clock clock) {
        this.dispatcher = dispatcher;
        this.source = Objects.requireNonNull(source, "a bundle without a symbolic name cannot send notifications");
        this.clock = clock;
    }

    /** {@inheritDoc} A notification the full queue could not take is dropped, counted and logged by the dispatcher. */
    @Override
    public Notification send(NotificationRequest request) {
        Objects.requireNonNull(request, "notification request is required");
        Notification notification = new Notification(UUID.randomUUID().toString(), request.subject(), request.message(),
                request.audience(), request.about(), source, clock.instant());
        dispatcher.dispatch(notification);
        return notification;
    }
}
