package nl.regie.runtime.core.notify;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.notify.Audience;
import nl.regie.api.notify.Notification;
import nl.regie.api.notify.NotificationRequest;
import nl.regie.runtime.core.scope.DeclaredScope;
import nl.regie.runtime.core.scope.ScopeGuards;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.TestPolicy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NotificationDispatcherTest {

    static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    static final Audience AMSTEL = new Audience(Location.of(4.9012, 52.3601), 500, "around the Amstel gauge");

    private final RecordingLogger log = new RecordingLogger();
    private NotificationDispatcher dispatcher = new NotificationDispatcher(100, Duration.ofMillis(200), log.logger());
    /** Released at the end of every test, so no notifier thread outlives it. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        dispatcher.deactivate();
    }

    static Notification notification(String subject) {
        return new Notification(UUID.randomUUID().toString(), subject, "Sandbags at Amstel 1", AMSTEL,
                EntityId.of("Alert", "flood-gauge-01"), "nl.dijkwacht.flood", T0);
    }

    @Test
    void aThrowingAndAHangingNotifierDoNotStopTheOthers() {
        Queue<String> first = new ConcurrentLinkedQueue<>();
        Queue<String> last = new ConcurrentLinkedQueue<>();
        dispatcher.track(n -> first.add(n.subject()), 1, "nl.example.first");
        dispatcher.track(n -> {
            throw new IllegalStateException("gateway down");
        }, 2, "nl.example.throwing");
        dispatcher.track(n -> release.await(), 3, "nl.example.hanging");
        dispatcher.track(n -> last.add(n.subject()), 4, "nl.example.last");

        assertTrue(dispatcher.dispatch(notification("one")));
        assertTrue(dispatcher.dispatch(notification("two")));

        await().atMost(Duration.ofSeconds(5)).until(() -> last.size() == 2);
        assertEquals(List.of("one", "two"), List.copyOf(first));
        assertEquals(List.of("one", "two"), List.copyOf(last));
        assertEquals(2, dispatcher.accepted());
        assertEquals(4, dispatcher.delivered());
        assertEquals(2, dispatcher.failed());
        assertEquals(2, dispatcher.timedOut());
        assertEquals(0, dispatcher.dropped());
        List<String> warnings = log.messages("warn");
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("Notifier 2 of bundle nl.example.throwing failed to"
                + " deliver notification") && w.contains("gateway down")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("Notifier 3 of bundle nl.example.hanging took more than"
                + " 200 ms")), warnings.toString());
        assertTrue(log.entries().stream().anyMatch(e -> e.exception() instanceof IllegalStateException));
    }

    @Test
    void aPluginsNotifierGetsOnlyTheNotificationsOfPartiesItDeclaresAndIsGranted() {
        TestPolicy policy = new TestPolicy().party("nl.dijkwacht.flood", "waterboard");
        RecordingAuditLog audit = new RecordingAuditLog();
        ScopeGuards scopes = new ScopeGuards(policy, audit, log.logger(), 1, Clock.systemUTC());
        Queue<String> recorder = new ConcurrentLinkedQueue<>();
        Queue<String> eavesdropper = new ConcurrentLinkedQueue<>();
        Queue<String> gateway = new ConcurrentLinkedQueue<>();
        dispatcher.track(n -> recorder.add(n.subject()), 1, "nl.regie.runtime.core");

        Owner hostile = new Owner("nl.example.hostile", "1.0.0", 66);
        assertFalse(dispatcher.track(n -> eavesdropper.add(n.subject()), 2, hostile.symbolicName(),
                scopes.forPlugin(hostile, DeclaredScope.NOTHING)));
        assertTrue(log.messages("warn").stream().anyMatch(w -> w.startsWith("Ignoring Notifier service 2: plugin"
                + " nl.example.hostile 1.0.0 may not register Notifier service 2: its declared scope has no notifies")),
                log.entries().toString());
        assertFalse(dispatcher.track(n -> eavesdropper.add(n.subject()), 3, hostile.symbolicName(),
                scopes.forPlugin(hostile, DeclaredScope.of(List.of(), List.of(), List.of(),
                        Map.of("notifies", List.of("*"))))), "declaring every party is not enough: the policy grants");

        Owner sms = new Owner("nl.example.sms", "1.0.0", 67);
        policy.grant(sms.symbolicName(), "notifies", "city");
        assertTrue(dispatcher.track(n -> gateway.add(n.subject()), 4, sms.symbolicName(),
                scopes.forPlugin(sms, DeclaredScope.of(List.of(), List.of(), List.of(),
                        Map.of("notifies", List.of("*"))))));

        dispatcher.dispatch(notification("flood warning")); // sent by nl.dijkwacht.flood, of the waterboard
        dispatcher.dispatch(new Notification("n-2", "lights out", "Streetlights off in the park", AMSTEL, null,
                "nl.regie.lighting", T0)); // of the city
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.size() == 2 && gateway.size() == 1);
        assertEquals(List.of("lights out"), List.copyOf(gateway), "the waterboard's warning is not the city's to send");
        assertEquals(List.of(), List.copyOf(eavesdropper));
        assertEquals(1, dispatcher.withheld());
        assertEquals(List.of("nl.example.hostile notifies denied"), audit.ofKind(AuditEvent.SERVICE).stream()
                .map(e -> e.actor() + " " + e.action() + " " + e.outcome()).toList());
    }

    @Test
    void aNotifierThatIgnoresTheInterruptIsSkippedUntilItReturns() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        Queue<String> stubborn = new ConcurrentLinkedQueue<>();
        Queue<String> other = new ConcurrentLinkedQueue<>();
        dispatcher.track(n -> {
            stubborn.add(n.subject());
            entered.countDown();
            while (stubborn.size() == 1) {
                try {
                    if (release.await(10, TimeUnit.SECONDS)) {
                        return;
                    }
                } catch (InterruptedException ignored) {
                    // on purpose: a notifier that does not stop when asked
                }
            }
        }, 1, "nl.example.stubborn");
        dispatcher.track(n -> other.add(n.subject()), 2, "nl.example.other");

        dispatcher.dispatch(notification("one"));
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(5)).until(() -> other.size() == 1);
        dispatcher.dispatch(notification("two"));
        await().atMost(Duration.ofSeconds(5)).until(() -> other.size() == 2);

        assertEquals(List.of("one"), List.copyOf(stubborn), "skipped while stuck");
        assertEquals(1, dispatcher.timedOut());
        assertEquals(1, dispatcher.failed());
        assertTrue(log.messages("warn").stream().anyMatch(w -> w.contains("nl.example.stubborn is still stuck")));

        assertEquals(List.of(1L), dispatcher.stuck());
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.stuck().isEmpty());
        dispatcher.dispatch(notification("three"));
        await().atMost(Duration.ofSeconds(5)).until(() -> stubborn.size() == 2 && other.size() == 3);
        assertEquals(List.of("one", "three"), List.copyOf(stubborn));
    }

    @Test
    void eachNotifierHasOneThreadForAllItsDeliveriesWhichEndsWhenItGoes() throws Exception {
        Set<Thread> deliveredOn = ConcurrentHashMap.newKeySet();
        Queue<String> received = new ConcurrentLinkedQueue<>();
        dispatcher.track(n -> {
            deliveredOn.add(Thread.currentThread());
            received.add(n.subject());
        }, 7, "nl.example.sms");

        for (int i = 0; i < 50; i++) {
            dispatcher.dispatch(notification("n" + i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 50);
        assertEquals(1, deliveredOn.size(), "one thread for all fifty deliveries");
        Thread worker = deliveredOn.iterator().next();
        assertEquals("regie-notify-nl.example.sms-7", worker.getName());
        assertTrue(worker.isDaemon());

        dispatcher.untrack(7);
        assertFalse(worker.isAlive(), "the notifier's thread ends when it is removed");
    }

    @Test
    void aFullQueueDropsCountsAndLogs() throws Exception {
        dispatcher.deactivate();
        dispatcher = new NotificationDispatcher(1, Duration.ofSeconds(30), log.logger());
        CountDownLatch entered = new CountDownLatch(1);
        Queue<String> received = new ConcurrentLinkedQueue<>();
        dispatcher.track(n -> {
            entered.countDown();
            release.await();
            received.add(n.subject());
        }, 1, "nl.example.slow");

        assertTrue(dispatcher.dispatch(notification("taken")));
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        assertTrue(dispatcher.dispatch(notification("queued")));
        assertFalse(dispatcher.dispatch(notification("dropped")));
        assertFalse(dispatcher.dispatch(notification("dropped too")));

        assertEquals(2, dispatcher.dropped());
        assertEquals(1, dispatcher.queued());
        List<String> warnings = log.messages("warn");
        assertEquals(1, warnings.size(), "rate-limited: " + warnings);
        assertTrue(warnings.get(0).startsWith("Notification queue full (1 waiting) or stopped: dropped notification"),
                warnings.get(0));
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        assertEquals(List.of("taken", "queued"), List.copyOf(received));
    }

    @Test
    void deactivateStopsTheThreadAndLaterNotificationsAreDropped() {
        Queue<String> received = new ConcurrentLinkedQueue<>();
        dispatcher.track(n -> received.add(n.subject()), 1, "nl.example.one");
        dispatcher.dispatch(notification("before"));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        assertTrue(dispatcher.running());

        dispatcher.deactivate();

        assertFalse(dispatcher.running());
        assertFalse(dispatcher.dispatch(notification("after")));
        assertEquals(1, dispatcher.dropped());
    }

    @Test
    void aRemovedNotifierGetsNothingMore() {
        Queue<String> kept = new ConcurrentLinkedQueue<>();
        Queue<String> removed = new ConcurrentLinkedQueue<>();
        dispatcher.track(n -> removed.add(n.subject()), 1, "nl.example.removed");
        dispatcher.track(n -> kept.add(n.subject()), 2, "nl.example.kept");
        dispatcher.untrack(1);

        dispatcher.dispatch(notification("one"));

        await().atMost(Duration.ofSeconds(5)).until(() -> kept.size() == 1);
        assertEquals(List.of(), List.copyOf(removed));
    }

    @Test
    void aPluginsViewStampsTheNotificationWithItsNameAnIdAndTheTime() {
        Queue<Notification> received = new ConcurrentLinkedQueue<>();
        dispatcher.track(received::add, 1, "nl.example.one");
        BundleNotifications flood = new BundleNotifications(dispatcher, "nl.dijkwacht.flood",
                Clock.fixed(T0, ZoneOffset.UTC));

        Notification sent = flood.send(new NotificationRequest("Flood warning", "Sandbags at Amstel 1", AMSTEL,
                EntityId.of("Alert", "flood-gauge-01")));

        assertEquals("nl.dijkwacht.flood", sent.source());
        assertEquals(T0, sent.sentAt());
        assertEquals(sent.id(), UUID.fromString(sent.id()).toString());
        assertEquals("Flood warning", sent.subject());
        assertEquals(AMSTEL, sent.audience());
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        assertEquals(sent, received.peek());
        Notification second = flood.send(new NotificationRequest("Again", "text", AMSTEL, null));
        assertFalse(second.id().equals(sent.id()));
    }
}
