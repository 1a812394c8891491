package nl.regie.notifiers.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import nl.regie.api.model.Location;
import nl.regie.api.notify.Audience;
import nl.regie.api.notify.DeliveryReport;
import nl.regie.api.notify.Notification;

import org.junit.jupiter.api.Test;

class DeliveryBookTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private final Contact jan = new Contact(Location.of(4.9, 52.37), "+31612345678");
    private final Contact piet = new Contact(Location.of(4.9, 52.37), "+31687654321");
    private final List<DeliveryBook.Outcome> settled = new ArrayList<>();

    @Test
    void withReceiptsANotificationSettlesWhenEveryMessageIsDeliveredOrFailed() {
        DeliveryBook book = new DeliveryBook(true, o -> {
            if (o.settled(true)) {
                settled.add(o);
            }
        });
        book.accepted(notification("n1"), AT, 2);
        book.retrying("n1");
        book.sent("n1", jan, "g1");
        book.sent("n1", piet, "g2");
        assertTrue(settled.isEmpty(), "both wait for receipts");
        assertTrue(book.receipt("g1", true, "DELIVRD err 000"));
        assertTrue(book.receipt("g2", false, "UNDELIV err 001"));
        DeliveryBook.Outcome outcome = book.outcome("n1");
        assertEquals(List.of(outcome), settled);
        assertEquals(2, outcome.recipients());
        assertEquals(0, outcome.queued());
        assertEquals(0, outcome.sent());
        assertEquals(1, outcome.delivered());
        assertEquals(1, outcome.failed());
        assertEquals(1, outcome.retries());
        assertEquals(List.of("+31*******21: receipt: UNDELIV err 001"), outcome.failures());
        assertEquals(new DeliveryReport("n1", "SMS", 2, 0, 0, 1, 1, "receipt: UNDELIV err 001"), outcome.report("SMS"));
    }

    /**
     * The gateway's answer to the second submit and that message's receipt come on two threads at once. The answer's
     * outcome (sent 1, delivered 1) is told slowly; the receipt's (delivered 2) must still be the last one told, or the
     * operator's report stays at "sent 1" for good (seen in NotifierPluginTest).
     */
    @Test
    void anOutcomeOvertakenByALaterOneIsNotToldAfterIt() throws Exception {
        AtomicReference<DeliveryBook> bookRef = new AtomicReference<>();
        List<DeliveryBook.Outcome> told = new CopyOnWriteArrayList<>();
        DeliveryBook book = new DeliveryBook(true, o -> {
            if (o.sent() == 1 && o.delivered() == 1) {
                // Slow: returns only once the receipt's change is made, as a descheduled thread might.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (bookRef.get().outcome("n1").delivered() < 2 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
            told.add(o);
        });
        bookRef.set(book);
        book.accepted(notification("n1"), AT, 2);
        book.sent("n1", jan, "g1");
        book.receipt("g1", true, "DELIVRD");

        Thread answer = new Thread(() -> book.sent("n1", piet, "g2"));
        answer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (book.outcome("n1").sent() != 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(book.receipt("g2", true, "DELIVRD"));
        answer.join(TimeUnit.SECONDS.toMillis(10));

        DeliveryBook.Outcome last = told.get(told.size() - 1);
        assertEquals(2, last.delivered(), told.toString());
        assertEquals(0, last.sent(), told.toString());
        assertTrue(last.settled(true));
    }

    @Test
    void aReceiptBeforeTheSubmitsAnswerIsKeptForIt() {
        DeliveryBook book = new DeliveryBook(true, o -> {
            if (o.settled(true)) {
                settled.add(o);
            }
        });
        book.accepted(notification("n1"), AT, 1);
        assertFalse(book.receipt("g1", true, "DELIVRD"));
        book.sent("n1", jan, "g1");
        assertEquals(1, book.outcome("n1").delivered());
        assertEquals(1, settled.size());
    }

    @Test
    void withoutReceiptsSentIsFinal() {
        DeliveryBook book = new DeliveryBook(false, o -> {
            if (o.settled(false)) {
                settled.add(o);
            }
        });
        book.accepted(notification("n1"), AT, 2);
        book.sent("n1", jan, "<id@mail>");
        assertTrue(settled.isEmpty());
        book.failed("n1", piet, "535 authentication failed");
        assertEquals(1, settled.size());
        assertEquals(1, settled.get(0).sent());
        assertEquals(List.of("+31*******21: 535 authentication failed"), settled.get(0).failures());
    }

    @Test
    void aNotificationForNoOneSettlesAtOnce() {
        DeliveryBook book = new DeliveryBook(true, o -> {
            if (o.settled(true)) {
                settled.add(o);
            }
        });
        book.accepted(notification("n1"), AT, 0);
        assertEquals(1, settled.size());
        assertEquals(0, settled.get(0).recipients());
    }

    @Test
    void keepsTheLastNotificationsNewestFirst() {
        DeliveryBook book = new DeliveryBook(false, o -> {
            if (o.settled(false)) {
                settled.add(o);
            }
        });
        for (int i = 0; i < DeliveryBook.KEPT + 5; i++) {
            book.accepted(notification("n" + i), AT, 1);
        }
        List<DeliveryBook.Outcome> outcomes = book.outcomes();
        assertEquals(DeliveryBook.KEPT, outcomes.size());
        assertEquals("n" + (DeliveryBook.KEPT + 4), outcomes.get(0).notificationId());
        assertNull(book.outcome("n0"));
        book.sent("n0", jan, null); // forgotten: ignored
    }

    static Notification notification(String id) {
        return new Notification(id, "Flood warning", "Sandbags at the Dam.",
                new Audience(Location.of(4.9, 52.37), 500, "around the Amstel"), null, "nl.dijkwacht.flood", AT);
    }
}
