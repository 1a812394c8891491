package nl.dijkwacht.flood;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import nl.regie.api.notify.Notification;
import nl.regie.api.notify.NotificationRequest;
import nl.regie.api.notify.Notifications;

/** Records every notification sent. */
final class RecordingNotifications implements Notifications {

    final List<NotificationRequest> sent = new ArrayList<>();

    @Override
    public Notification send(NotificationRequest request) {
        sent.add(request);
        return new Notification("n-" + sent.size(), request.subject(), request.message(), request.audience(),
                request.about(), Settings.PID, Instant.EPOCH);
    }
}
