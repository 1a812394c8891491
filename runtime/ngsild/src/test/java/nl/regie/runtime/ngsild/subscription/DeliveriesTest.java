package nl.regie.runtime.ngsild.subscription;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import nl.regie.runtime.ngsild.subscription.Deliveries.Notice;
import nl.regie.runtime.ngsild.subscription.Subscription.Endpoint;
import nl.regie.runtime.testing.MutableClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bounded queues per endpoint, retries with backoff, failures and drops counted. */
class DeliveriesTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final EndpointRule rule = new EndpointRule(List.of("127.0.0.1"), true,
            host -> new InetAddress[] {InetAddress.getByName(host.equals("hooks.example.org") ? "93.184.216.34"
                    : host)});

    @AfterEach
    void stop() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(2, TimeUnit.SECONDS);
    }

    private static Endpoint endpoint(String uri) {
        return new Endpoint(uri, "application/json", Map.of(), Map.of());
    }

    private static Notice notice(String uri, String text, DeliveryStatus status) {
        return new Notice(endpoint(uri), text.getBytes(), Map.of(), status);
    }

    @Test
    void aFailingEndpointIsRetriedWithBackoffThenCountedAsFailed() {
        AtomicInteger tries = new AtomicInteger();
        List<Long> at = new CopyOnWriteArrayList<>();
        Transport failing = (e, body, headers) -> {
            tries.incrementAndGet();
            at.add(System.nanoTime());
            throw new IllegalStateException("the endpoint answered 503");
        };
        DeliveryStatus status = new DeliveryStatus();
        try (Deliveries d = new Deliveries(scheduler, failing, failing, rule, clock, 10, 3, Duration.ofMillis(50))) {
            d.offer(notice("http://127.0.0.1:1/n", "a", status));
            await().atMost(Duration.ofSeconds(5)).until(() -> status.snapshot().timesFailed() == 1);
        }
        assertEquals(3, tries.get());
        assertTrue(at.get(2) - at.get(1) >= at.get(1) - at.get(0), "the backoff grows");
        assertTrue(at.get(1) - at.get(0) >= TimeUnit.MILLISECONDS.toNanos(50));
        DeliveryStatus.Snapshot s = status.snapshot();
        assertEquals(1, s.timesSent());
        assertEquals("failed", s.status());
        assertEquals("the endpoint answered 503", s.lastError());
        assertEquals(clock.instant(), s.lastFailure());
    }

    @Test
    void aSecondAttemptThatSucceedsCountsAsSent() {
        AtomicInteger tries = new AtomicInteger();
        Transport flaky = (e, body, headers) -> {
            if (tries.incrementAndGet() == 1) {
                throw new java.net.ConnectException("refused");
            }
        };
        DeliveryStatus status = new DeliveryStatus();
        try (Deliveries d = new Deliveries(scheduler, flaky, flaky, rule, clock, 10, 3, Duration.ofMillis(1))) {
            d.offer(notice("http://127.0.0.1:1/n", "a", status));
            await().atMost(Duration.ofSeconds(5)).until(() -> status.snapshot().timesSent() == 1);
        }
        assertEquals(0, status.snapshot().timesFailed());
        assertEquals("ok", status.snapshot().status());
    }

    @Test
    void aFullQueueDropsAndCountsWhileOtherEndpointsGoOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> delivered = new CopyOnWriteArrayList<>();
        Transport transport = (e, body, headers) -> {
            if (e.uri().contains("slow")) {
                release.await();
            }
            delivered.add(e.uri() + " " + new String(body));
        };
        DeliveryStatus slow = new DeliveryStatus();
        DeliveryStatus fast = new DeliveryStatus();
        try (Deliveries d = new Deliveries(scheduler, transport, transport, rule, clock, 2, 1, Duration.ofMillis(1))) {
            for (int i = 0; i < 5; i++) {
                d.offer(notice("http://127.0.0.1/slow", "s" + i, slow));
            }
            // A queue of 2 holds the one being sent and one waiting: three were dropped.
            assertEquals(3, slow.snapshot().dropped());
            assertEquals(3, d.dropped());
            d.offer(notice("http://hooks.example.org/fast", "f", fast));
            await().atMost(Duration.ofSeconds(5)).until(() -> fast.snapshot().timesSent() == 1);
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> slow.snapshot().timesSent() == 2);
        }
        assertEquals(List.of("http://hooks.example.org/fast f", "http://127.0.0.1/slow s0",
                "http://127.0.0.1/slow s1"), delivered, "in order per endpoint");
    }

    @Test
    void anEndpointThatTurnedInternalIsRefusedAtDelivery() {
        List<String> delivered = new CopyOnWriteArrayList<>();
        Transport transport = (e, body, headers) -> delivered.add(e.uri());
        DeliveryStatus status = new DeliveryStatus();
        try (Deliveries d = new Deliveries(scheduler, transport, transport, rule, clock, 2, 2, Duration.ofMillis(1))) {
            d.offer(notice("http://10.0.0.1/n", "a", status));
            await().atMost(Duration.ofSeconds(5)).until(() -> status.snapshot().timesFailed() == 1);
        }
        assertEquals(List.of(), delivered);
        assertTrue(status.snapshot().lastError().contains("internal address"), status.snapshot().lastError());
    }
}
