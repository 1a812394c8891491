package nl.regie.runtime.core.notify;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

import nl.regie.api.model.Location;
import nl.regie.api.notify.Audience;
import nl.regie.api.notify.Notification;
import nl.regie.api.notify.Notifier;
import nl.regie.runtime.spi.notify.NotificationLog;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The runtime's own {@link Notifier}: logs every notification at INFO and keeps the last {@value #KEPT} in memory
 * for {@code GET /api/notifications}, so a system without an SMS gateway still shows what would have been sent.
 */
@Component(service = {Notifier.class, NotificationLog.class})
public final class RecordingNotifier implements Notifier, NotificationLog {

    /** Notifications kept. */
    static final int KEPT = 500;

    private final Logger log;
    private final int capacity;
    /** Guarded by itself; newest first. */
    private final Deque<Notification> kept = new ArrayDeque<>();

    /** Records into the log and memory. */
    @Activate
    public RecordingNotifier(@Reference(name = "logger", service = LoggerFactory.class) Logger log) {
        this(log, KEPT);
    }

    RecordingNotifier(Logger log, int capacity) {
        this.log = log;
        this.capacity = capacity;
    }

    @Override
    public void deliver(Notification notification) {
        Audience audience = notification.audience();
        log.info("Notification from {} to residents within {} m of {} ({}): {}: {}", notification.source(),
                metres(audience.radiusMetres()), lonLat(audience.center()), audience.description(),
                notification.subject(), notification.message());
        synchronized (kept) {
            kept.addFirst(notification);
            while (kept.size() > capacity) {
                kept.removeLast();
            }
        }
    }

    /**
     * One page of the kept notifications, newest first.
     *
     * @param offset how many to skip, at least 0
     * @param limit  the most to return, at least 0
     */
    @Override
    public Page page(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative, were " + offset + " and " + limit);
        }
        List<Notification> all;
        synchronized (kept) {
            all = List.copyOf(kept);
        }
        int from = Math.min(offset, all.size());
        int to = (int) Math.min((long) from + limit, all.size());
        return new Page(all.subList(from, to), all.size());
    }

    private static String metres(double metres) {
        return metres == Math.rint(metres) ? Long.toString((long) metres) : String.format(Locale.ROOT, "%.1f", metres);
    }

    private static String lonLat(Location location) {
        return location.longitude() + "," + location.latitude();
    }
}
