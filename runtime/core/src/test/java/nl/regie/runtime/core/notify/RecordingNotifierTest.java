package nl.regie.runtime.core.notify;

import static nl.regie.runtime.core.notify.NotificationDispatcherTest.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.UUID;

import nl.regie.api.model.Location;
import nl.regie.api.notify.Audience;
import nl.regie.api.notify.DeliveryReport;
import nl.regie.api.notify.DeliveryReports;
import nl.regie.api.notify.Notification;
import nl.regie.runtime.spi.notify.NotificationLog;
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

    @Test
    void keepsTheLatestDeliveryReportOfEachPluginsChannelWhileItKeepsTheNotification() {
        RecordingNotifier recorder = new RecordingNotifier(log.logger(), 2);
        Notification first = notification("first");
        recorder.deliver(first);
        DeliveryReports sms = new BundleDeliveryReports(recorder, "nl.regie.notifier.sms");
        DeliveryReports other = new BundleDeliveryReports(recorder, "nl.acme.sms");
        sms.report(new DeliveryReport(first.id(), "SMS", 2, 2, 0, 0, 0, null));
        other.report(new DeliveryReport(first.id(), "SMS", 1, 0, 1, 0, 0, null));
        sms.report(new DeliveryReport(first.id(), "SMS", 2, 0, 0, 2, 0, null));

        List<NotificationLog.Delivery> deliveries = recorder.deliveries(first.id());
        assertEquals(List.of("nl.regie.notifier.sms", "nl.acme.sms"),
                deliveries.stream().map(NotificationLog.Delivery::notifier).toList());
        assertEquals(2, deliveries.get(0).report().delivered(), "replaced by the later report");
        assertEquals(1, deliveries.get(1).report().sent(), "another plugin's report is its own");

        recorder.deliver(notification("second"));
        recorder.deliver(notification("third"));
        assertEquals(List.of(), recorder.deliveries(first.id()), "gone with the notification");
        assertEquals("notification " + first.id() + " is not known or no longer kept; its delivery report is not"
                + " recorded", assertThrows(IllegalArgumentException.class,
                        () -> sms.report(new DeliveryReport(first.id(), "SMS", 2, 0, 0, 2, 0, null))).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> sms.report(new DeliveryReport("made-up", "SMS", 1, 0, 0, 1, 0, null)));
    }

    @Test
    void aPluginCannotGrowANotificationsReportsWithoutBound() {
        RecordingNotifier recorder = new RecordingNotifier(log.logger());
        Notification warning = notification("warning");
        recorder.deliver(warning);
        DeliveryReports hostile = new BundleDeliveryReports(recorder, "nl.acme.flooder");
        for (int i = 0; i < RecordingNotifier.REPORTS_PER_NOTIFICATION; i++) {
            hostile.report(new DeliveryReport(warning.id(), "channel-" + i, 0, 0, 0, 0, 0, null));
        }
        assertEquals("notification " + warning.id() + " has 16 delivery reports already; channel more of"
                + " nl.acme.flooder is not recorded", assertThrows(IllegalArgumentException.class,
                        () -> hostile.report(new DeliveryReport(warning.id(), "more", 0, 0, 0, 0, 0, null))).getMessage());
        hostile.report(new DeliveryReport(warning.id(), "channel-0", 1, 0, 1, 0, 0, null)); // a known one still updates
        assertEquals(RecordingNotifier.REPORTS_PER_NOTIFICATION, recorder.deliveries(warning.id()).size());
    }

    @Test
    void aDeliveryReportsCountsMustAddUp() {
        assertEquals("delivery report counts must add up to its 3 recipient(s), not 2",
                assertThrows(IllegalArgumentException.class,
                        () -> new DeliveryReport("n", "SMS", 3, 1, 1, 0, 0, null)).getMessage());
        assertEquals("delivery report counts must not be negative", assertThrows(IllegalArgumentException.class,
                () -> new DeliveryReport("n", "SMS", 0, -1, 1, 0, 0, null)).getMessage());
        assertEquals("delivery report channel must be 1 to 40 characters", assertThrows(IllegalArgumentException.class,
                () -> new DeliveryReport("n", " ", 0, 0, 0, 0, 0, null)).getMessage());
    }
}
