package nl.regie.notifiers.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import nl.regie.api.model.Location;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outbox with a scripted gateway (the plugins' tests use real servers). */
class OutboxTest {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(5), Duration.ofMillis(20), 3);
    private final Contact jan = new Contact(Location.of(4.9, 52.37), "jan@example.nl");
    private final ConcurrentLinkedQueue<String> warnings = new ConcurrentLinkedQueue<>();
    private final CountDownLatch settled = new CountDownLatch(1);
    private final DeliveryBook book = new DeliveryBook(false, o -> {
        if (o.settled(false)) {
            settled.countDown();
        }
    });
    private Outbox outbox;

    @AfterEach
    void close() throws InterruptedException {
        if (outbox != null) {
            outbox.close();
        }
    }

    @Test
    void retriesAFailingGatewayAndSendsWhenItRecovers() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        outbox = outbox(message -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("Connection refused");
            }
            return "id-1";
        }, 10);
        book.accepted(DeliveryBookTest.notification("n1"), Instant.EPOCH, 1);
        assertTrue(outbox.offer(message()));
        assertTrue(settled.await(10, TimeUnit.SECONDS));
        DeliveryBook.Outcome outcome = book.outcome("n1");
        assertEquals(1, outcome.sent());
        assertEquals(2, outcome.retries());
        assertEquals(3, calls.get());
        assertFalse(outbox.status().failing());
        assertEquals(2, warnings.size());
        assertTrue(warnings.peek().startsWith("Attempt 1 of 3 to send notification n1 to j***@e***.nl failed,"
                + " retrying in 5 ms: Connection refused"), warnings.peek());
    }

    @Test
    void reportsAMessageTheGatewayKeepsRefusingWithItsReasonMasked() throws InterruptedException {
        outbox = outbox(message -> {
            throw new IOException("550 <jan@example.nl> refused", new IOException("policy"));
        }, 10);
        book.accepted(DeliveryBookTest.notification("n1"), Instant.EPOCH, 1);
        outbox.offer(message());
        assertTrue(settled.await(10, TimeUnit.SECONDS));
        DeliveryBook.Outcome outcome = book.outcome("n1");
        assertEquals(1, outcome.failed());
        assertEquals(2, outcome.retries());
        assertEquals(List.of("j***@e***.nl: 550 <j***@e***.nl> refused: policy"), outcome.failures());
        assertTrue(warnings.stream().noneMatch(w -> w.contains("jan@")), warnings.toString());
    }

    @Test
    void sendsNoFasterThanTheRateAllows() throws InterruptedException {
        // The limiter and the outbox's waits on one clock the test owns: a wait moves it, no time passes.
        AtomicLong clock = new AtomicLong(1_000_000_000_000L);
        List<Long> sentAt = new CopyOnWriteArrayList<>();
        List<Long> waits = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        DeliveryBook threeBook = new DeliveryBook(false, o -> {
            if (o.settled(false)) {
                three.countDown();
            }
        });
        outbox = new Outbox("test-outbox", message -> {
            sentAt.add(clock.get());
            return null;
        }, FAST, new RateLimiter(2, 1, clock::get), threeBook, 10, warnings::add, nanos -> {
            waits.add(nanos);
            clock.addAndGet(nanos);
        });
        for (int i = 1; i <= 3; i++) {
            threeBook.accepted(DeliveryBookTest.notification("n" + i), Instant.EPOCH, 1);
            outbox.offer(new Outbox.Message("n" + i, jan, "Flood warning", "Sandbags at the Dam."));
        }
        assertTrue(three.await(10, TimeUnit.SECONDS));
        long second = TimeUnit.SECONDS.toNanos(1);
        assertEquals(List.of(second / 2, second / 2), waits);
        assertEquals(List.of(0L, second / 2, second), sentAt.stream().map(t -> t - sentAt.get(0)).toList());
    }

    @Test
    void aFullOutboxFailsTheMessageAtOnce() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        outbox = outbox(message -> {
            release.await();
            return null;
        }, 1);
        book.accepted(DeliveryBookTest.notification("n1"), Instant.EPOCH, 2);
        assertTrue(outbox.offer(message()));
        assertFalse(outbox.offer(message()));
        assertEquals(List.of("j***@e***.nl: " + Outbox.FULL), book.outcome("n1").failures());
        release.countDown();
        assertTrue(settled.await(10, TimeUnit.SECONDS));
    }

    @Test
    void closingFailsWhatIsStillQueuedAndEndsTheThread() throws InterruptedException {
        book.accepted(DeliveryBookTest.notification("n1"), Instant.EPOCH, 1);
        outbox = new Outbox("test-outbox", m -> {
            throw new IOException("down");
        }, new Backoff(Duration.ofHours(1), Duration.ofHours(1), 3), new RateLimiter(1_000, 10, System::nanoTime),
                book, 10, warnings::add);
        outbox.offer(message());
        outbox.close();
        assertFalse(outbox.running());
        assertEquals(List.of("j***@e***.nl: " + Outbox.STOPPED), book.outcome("n1").failures());
        assertFalse(outbox.offer(message()));
    }

    private Outbox outbox(Outbox.Gateway gateway, int capacity) {
        return new Outbox("test-outbox", gateway, FAST, new RateLimiter(1_000, 10, System::nanoTime), book, capacity,
                warnings::add);
    }

    private Outbox.Message message() {
        return new Outbox.Message("n1", jan, "Flood warning", "Sandbags at the Dam.");
    }
}
