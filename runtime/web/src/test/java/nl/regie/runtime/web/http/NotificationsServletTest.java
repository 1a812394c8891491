package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.notify.Audience;
import nl.regie.api.notify.DeliveryReport;
import nl.regie.api.notify.Notification;
import nl.regie.runtime.core.notify.RecordingNotifier;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class NotificationsServletTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final Audience AMSTEL = new Audience(Location.of(4.9012, 52.3601), 500, "around the Amstel gauge");

    private final RecordingNotifier recorder = new RecordingNotifier(new RecordingLogger().logger());
    private final NotificationsServlet servlet = new NotificationsServlet(recorder, SamePartyPolicy.INSTANCE);

    private ServletFakes.Response get(String... query) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        servlet.service(ServletFakes.get("/api/notifications", null, query), response.servlet);
        return response;
    }

    private static Notification notification(String id, EntityId about, int minutes) {
        return new Notification(id, "Flood warning " + id, "Sandbags at Amstel 1", AMSTEL, about, "nl.dijkwacht.flood",
                T0.plusSeconds(60L * minutes));
    }

    @Test
    void listsNotificationsNewestFirstWithEveryField() throws Exception {
        recorder.deliver(notification("n-1", EntityId.of("Alert", "flood-gauge-01"), 0));
        recorder.deliver(notification("n-2", null, 1));

        ServletFakes.Response response = get();

        assertEquals(200, response.status);
        assertEquals("application/json", response.contentType);
        JsonNode body = response.json();
        assertEquals(List.of("total", "offset", "limit", "notifications"), AlertsServletTest.fieldNames(body));
        assertEquals(2, body.get("total").intValue());
        assertEquals(0, body.get("offset").intValue());
        assertEquals(100, body.get("limit").intValue());
        JsonNode newest = body.get("notifications").get(0);
        assertEquals("n-2", newest.get("id").textValue());
        assertTrue(newest.get("about").isNull());
        JsonNode oldest = body.get("notifications").get(1);
        assertEquals(List.of("id", "subject", "message", "audience", "about", "source", "sentAt", "deliveries"),
                AlertsServletTest.fieldNames(oldest));
        assertEquals(0, oldest.get("deliveries").size());
        assertEquals("n-1", oldest.get("id").textValue());
        assertEquals("Flood warning n-1", oldest.get("subject").textValue());
        assertEquals("Sandbags at Amstel 1", oldest.get("message").textValue());
        JsonNode audience = oldest.get("audience");
        assertEquals(List.of("center", "radiusMetres", "description"), AlertsServletTest.fieldNames(audience));
        assertEquals(4.9012, audience.get("center").get(0).doubleValue());
        assertEquals(52.3601, audience.get("center").get(1).doubleValue());
        assertEquals(500.0, audience.get("radiusMetres").doubleValue());
        assertEquals("around the Amstel gauge", audience.get("description").textValue());
        assertEquals("urn:ngsi-ld:Alert:flood-gauge-01", oldest.get("about").textValue());
        assertEquals("nl.dijkwacht.flood", oldest.get("source").textValue());
        assertEquals("2026-06-01T10:00:00Z", oldest.get("sentAt").textValue());
    }

    @Test
    void showsTheNotifiersDeliveryReportsWithEachNotification() throws Exception {
        recorder.deliver(notification("n-1", null, 0));
        recorder.record("nl.regie.notifier.sms", new DeliveryReport("n-1", "SMS", 3, 1, 0, 1, 1, "receipt: UNDELIV"));
        recorder.record("nl.regie.notifier.email", new DeliveryReport("n-1", "e-mail", 2, 0, 2, 0, 0, null));
        recorder.record("nl.regie.notifier.sms", new DeliveryReport("n-1", "SMS", 3, 0, 0, 2, 1, "receipt: UNDELIV"));

        JsonNode deliveries = get().json().get("notifications").get(0).get("deliveries");

        assertEquals(2, deliveries.size(), "the latest report of each plugin's channel");
        JsonNode sms = deliveries.get(0);
        assertEquals(List.of("notifier", "channel", "recipients", "queued", "sent", "delivered", "failed", "lastFailure",
                "reportedAt"), AlertsServletTest.fieldNames(sms));
        assertEquals("nl.regie.notifier.sms", sms.get("notifier").textValue());
        assertEquals("SMS", sms.get("channel").textValue());
        assertEquals(3, sms.get("recipients").intValue());
        assertEquals(0, sms.get("queued").intValue());
        assertEquals(2, sms.get("delivered").intValue());
        assertEquals(1, sms.get("failed").intValue());
        assertEquals("receipt: UNDELIV", sms.get("lastFailure").textValue());
        JsonNode mail = deliveries.get(1);
        assertEquals(2, mail.get("sent").intValue());
        assertTrue(mail.get("lastFailure").isNull());
    }

    @Test
    void pages() throws Exception {
        for (int i = 1; i <= 5; i++) {
            recorder.deliver(notification("n-" + i, null, i));
        }
        JsonNode body = get("limit", "2", "offset", "1").json();
        assertEquals(5, body.get("total").intValue());
        assertEquals(1, body.get("offset").intValue());
        assertEquals(2, body.get("limit").intValue());
        List<String> ids = new ArrayList<>();
        body.get("notifications").forEach(n -> ids.add(n.get("id").textValue()));
        assertEquals(List.of("n-4", "n-3"), ids);
    }

    @Test
    void badParametersAre400() throws Exception {
        ServletFakes.Response limit = get("limit", "20000");
        assertEquals(400, limit.status);
        assertEquals("application/problem+json", limit.contentType);
        assertEquals("parameter 'limit' must be between 1 and 10000, was 20000", limit.json().get("detail").textValue());
        assertEquals("unknown query parameter 'since'; known are [limit, offset]",
                get("since", "yesterday").json().get("detail").textValue());
        assertEquals(400, get("offset", "-1").status);
    }
}
