package nl.regie.runtime.core.notify;

import static nl.regie.runtime.core.notify.NotificationDispatcherTest.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.UUID;

import nl.regie.api.model.Location;
import nl.regie.api.notify.Audience;
import nl.regie.api.notify.Notification;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

class RecordingNotifierTest {

    private final RecordingLogger log = new RecordingLogger();

    @Test
    void logsEachNotificationAtInfo() {
        new RecordingNotifier(log.logger()).deliver(notification("Flood warning"));

        assertEquals(List.of("Notification from nl.dijkwacht.flood to residents within 500 m of 4.9012,52.3601"
                + " (around the Amstel gauge): Flood warning: Sandbags at Amstel 1"), log.messages("info"));
    }

    @Test
    void aFractionalRadiusKeepsOneDecimal() {
        Notification n = new Notification(UUID.randomUUID().toString(), "s", "m",
                new Audience(Location.of(4.9, 52.3), 250.25, "here"), null, "nl.example", NotificationDispatcherTest.T0);
        new RecordingNotifier(log.logger()).deliver(n);
        assertEquals("Notification from nl.example to residents within 250.3 m of 4.9,52.3 (here): s: m",
                log.messages("info").get(0));
    }

    @Test
    void keepsTheMostRecentNewestFirstAndPages() {
        RecordingNotifier recorder = new RecordingNotifier(log.logger(), 3);
        for (int i = 1; i <= 5; i++) {
            recorder.deliver(notification("n" + i));
        }

        assertEquals(List.of("n5", "n4", "n3"), subjects(recorder.page(0, 10)));
        assertEquals(3, recorder.page(0, 10).total());
        assertEquals(List.of("n4"), subjects(recorder.page(1, 1)));
        assertEquals(List.of(), subjects(recorder.page(7, 1)));
        assertThrows(IllegalArgumentException.class, () -> recorder.page(-1, 1));
    }

    private static List<String> subjects(RecordingNotifier.Page page) {
        return page.notifications().stream().map(Notification::subject).toList();
    }
}
