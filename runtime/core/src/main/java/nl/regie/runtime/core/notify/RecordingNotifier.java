package nl.regie.runtime.core.notify;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import nl.regie.api.model.Location;
import nl.regie.api.notify.Audience;
import nl.regie.api.notify.DeliveryReport;
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
 * for {@code GET /api/notifications}, so a system without an SMS gateway still shows what would have been sent; keeps
 * the delivery reports of the notifier plugins ({@link Deliveries}) next to the notifications they are about, as long
 * as it keeps those.
 */
@Component(service = {Notifier.class, NotificationLog.class, Deliveries.class})
public final class RecordingNotifier implements Notifier, NotificationLog, Deliveries {

    /** Notifications kept. */
    static final int KEPT = 500;
    /** Delivery reports kept per notification: one per plugin and channel, this many at most. */
    static final int REPORTS_PER_NOTIFICATION = 16;

    private final Logger log;
    private final int capacity;
    /** Guarded by itself; newest first. */
    private final Deque<Notification> kept = new ArrayDeque<>();
    /** Guarded by {@link #kept}: by notification id, then by plugin and channel. */
    private final Map<String, Map<String, Delivery>> deliveries = new HashMap<>();
    private final Clock clock = Clock.systemUTC();

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
                deliveries.remove(kept.removeLast().id());
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

    @Override
    public void record(String notifier, DeliveryReport report) {
        synchronized (kept) {
            if (kept.stream().noneMatch(n -> n.id().equals(report.notificationId()))) {
                throw new IllegalArgumentException("notification " + report.notificationId()
                        + " is not known or no longer kept; its delivery report is not recorded");
            }
            Map<String, Delivery> reported = deliveries.computeIfAbsent(report.notificationId(),
                    id -> new LinkedHashMap<>());
            String key = notifier + "\n" + report.channel();
            if (!reported.containsKey(key) && reported.size() >= REPORTS_PER_NOTIFICATION) {
                throw new IllegalArgumentException("notification " + report.notificationId() + " has "
                        + REPORTS_PER_NOTIFICATION + " delivery reports already; channel " + report.channel() + " of "
                        + notifier + " is not recorded");
            }
            reported.put(key, new Delivery(notifier, report, clock.instant()));
        }
    }

    @Override
    public List<Delivery> deliveries(String notificationId) {
        synchronized (kept) {
            Map<String, Delivery> reported = deliveries.get(notificationId);
            return reported == null ? List.of() : List.copyOf(reported.values());
        }
    }

    private static String metres(double metres) {
        return metres == Math.rint(metres) ? Long.toString((long) metres) : String.format(Locale.ROOT, "%.1f", metres);
    }

    private static String lonLat(Location location) {
        return location.longitude() + "," + location.latitude();
    }
}
