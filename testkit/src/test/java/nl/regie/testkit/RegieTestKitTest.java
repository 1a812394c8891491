package nl.regie.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.notify.Audience;
import nl.regie.api.notify.DeliveryReport;
import nl.regie.api.notify.Notification;
import nl.regie.api.notify.NotificationRequest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The kit behaves as the runtime does, because it is the runtime's code: the plugin here ("com.example.kittest") reads
 * occupancy, publishes {@code full} and drives barriers, as its manifest (a test resource) declares.
 */
class RegieTestKitTest {

    private static final String PLUGIN = "com.example.kittest";
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

    private final RegieTestKit kit = RegieTestKit.forPlugin(PLUGIN);

    @AfterEach
    void close() {
        kit.close();
    }

    /** A plugin as a vendor writes one: full above 90% occupancy, dated by the reading it follows from. */
    final class Parking implements ReadingListener {
        @Override
        public void onReading(Reading reading) {
            boolean full = ((Value.Number) reading.value()).value() >= 0.9;
            kit.bus().publish(new Reading(reading.entity(), "full", Value.of(full), "", reading.observedAt(), T0,
                    PLUGIN, null));
        }
    }

    private static Reading occupancy(String site, double value, Instant at) {
        return new Reading(EntityId.of("ParkingSite", site), "occupancy", Value.of(value), "/", at, at, "sensor-" + site,
                null);
    }

    @Test
    void theScopeFromTheManifestIsEnforcedAsTheRuntimeEnforcesIt() {
        SecurityException publish = assertThrows(SecurityException.class, () -> kit.bus().publish(
                Reading.of(EntityId.of("ParkingSite", "p1"), "occupancy", Value.of(1), "/", PLUGIN)));
        assertTrue(publish.getMessage().contains("may not publish ParkingSite/p1/occupancy"), publish.getMessage());
        SecurityException listen = assertThrows(SecurityException.class,
                () -> kit.listen(new Parking(), List.of("ParkingSite/#")));
        assertTrue(listen.getMessage().startsWith("the runtime would ignore this ReadingListener"), listen.getMessage());
        assertEquals(2, kit.refusals().size(), "each refusal recorded as the audit log would: " + kit.refusals());
    }

    @Test
    void aPluginDeletesWhatItPublishedWithinItsScopeAndNothingElseAsTheRuntimeChecks() {
        EntityId p1 = EntityId.of("ParkingSite", "p1");
        kit.publish(occupancy("p1", 0.95, T0));
        kit.bus().publish(new Reading(p1, "full", Value.of(true), "", T0, T0, PLUGIN, null));
        kit.settle();

        SecurityException outside = assertThrows(SecurityException.class, () -> kit.bus().delete(p1, "occupancy"));
        assertTrue(outside.getMessage().contains("may not delete ParkingSite/p1/occupancy"), outside.getMessage());
        assertThrows(SecurityException.class, () -> kit.bus().delete(p1), "the sensor's occupancy is outside it too");
        kit.bus().delete(p1, "full");
        kit.settle();

        assertEquals(List.of("ParkingSite/p1/full"), kit.deletions().stream().map(d -> d.topic()).toList());
        assertEquals(List.of("occupancy"), List.copyOf(kit.picture().entity(p1).orElseThrow().attributes().keySet()),
                "the city state dropped the plugin's full and kept the sensor's value");
        assertTrue(kit.refusals().size() >= 1, "refusals recorded as the audit log would: " + kit.refusals());
    }

    @Test
    void readingsFlowThroughThePluginAndItsConclusionsAreRecordedInOrder() {
        kit.listen(new Parking(), List.of("ParkingSite/+/occupancy"));
        kit.publish(occupancy("p1", 0.5, T0));
        kit.publish(occupancy("p1", 0.95, T0.plusSeconds(60)));
        kit.publish(occupancy("p2", 0.97, T0.plusSeconds(30)));
        kit.settle();

        List<Reading> full = kit.published("ParkingSite/p1/full");
        assertEquals(List.of(Value.of(false), Value.of(true)), full.stream().map(Reading::value).toList(), "in order");
        assertEquals(T0.plusSeconds(60), full.get(1).observedAt());
        assertEquals(Value.of(true), kit.picture().entity(EntityId.of("ParkingSite", "p2")).orElseThrow()
                .attribute("full").orElseThrow().value(), "the city state has it, as the runtime keeps it");
        assertTrue(kit.cityState().entity(EntityId.of("ParkingSite", "p2")).orElseThrow().attribute("occupancy")
                .isPresent(), "the plugin's own view reads what its scope reads");
    }

    @Test
    void theCityStateKeepsTheNewestObservationBetweenSources() {
        kit.publish(occupancy("p1", 0.7, T0.plusSeconds(60)));
        kit.publish(new Reading(EntityId.of("ParkingSite", "p1"), "occupancy", Value.of(0.1), "/", T0, T0, "late-source",
                null));
        kit.settle();
        assertEquals(Value.of(0.7), kit.picture().entity(EntityId.of("ParkingSite", "p1")).orElseThrow()
                .attribute("occupancy").orElseThrow().value());
    }

    @Test
    void alertsAreRaisedAndResolvedAndAppearAsEntities() {
        kit.alerts().raise(new AlertRequest("full-p1", "traffic", "parking", AlertSeverity.MEDIUM, "P1 is full",
                EntityId.of("ParkingSite", "p1"), null, T0));
        kit.settle();
        assertEquals(1, kit.alerts().active().size());
        assertTrue(kit.picture().entity(EntityId.of("Alert", "full-p1")).isPresent());
        kit.alerts().raise(new AlertRequest("full-p1", "traffic", "parking", AlertSeverity.MEDIUM, "P1 is full",
                EntityId.of("ParkingSite", "p1"), null, T0.plusSeconds(60)));
        kit.alerts().resolve("full-p1", T0.plusSeconds(600));
        assertEquals(List.of(), kit.alerts().active());
        assertEquals(1, kit.allAlerts().size(), "kept among the resolved");
        assertEquals(List.of(true, false), kit.alertChanges().stream().map(a -> a.active()).toList(),
                "raised, resolved: the unchanged raise in between changed nothing");
    }

    @Test
    void aNewVersionTakesOverItsAlertsAndRestoresItsConclusionsFromTheCityState() {
        kit.listen(new Parking(), List.of("ParkingSite/+/occupancy"));
        kit.publish(occupancy("p1", 0.95, T0));
        kit.alerts().raise(new AlertRequest("full-p1", "traffic", "parking", AlertSeverity.MEDIUM, "P1 is full",
                EntityId.of("ParkingSite", "p1"), null, T0));
        kit.settle();

        // What the plugin's next version finds when it starts: its own alerts, and what it had published, though its
        // scope reads occupancy only.
        assertEquals(List.of("full-p1"), kit.alerts().own().stream().map(a -> a.key()).toList());
        List<Reading> own = kit.cityState().own("ParkingSite/+/full");
        assertEquals(1, own.size());
        assertEquals(Value.of(true), own.get(0).value());
        assertEquals(T0, own.get(0).observedAt());
        assertEquals(PLUGIN, own.get(0).source());
        assertTrue(kit.cityState().entity(EntityId.of("ParkingSite", "p1")).orElseThrow().attribute("full").isEmpty(),
                "its scope still decides what else it reads");
        assertEquals(List.of(), kit.cityState().own("ParkingSite/+/occupancy"), "a device's values are not its own");
        IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
                () -> kit.cityState().own("ParkingSite/#/full"));
        assertTrue(malformed.getMessage().contains("#"), malformed.getMessage());
    }

    @Test
    void aComputedReadingIsDatedByTheReadingsItDerivesFrom() {
        Reading early = occupancy("p1", 0.5, T0);
        Reading late = occupancy("p2", 0.7, T0.plusSeconds(90));
        Reading full = late.derive("full", Value.of(false), "", PLUGIN);
        assertEquals(T0.plusSeconds(90), full.observedAt());
        assertEquals(late.entity(), full.entity());
        Reading both = Reading.derived(EntityId.of("ParkingArea", "centre"), "occupancy", Value.of(0.6), "/", PLUGIN,
                List.of(late, early));
        assertEquals(T0.plusSeconds(90), both.observedAt(), "the newest of them");
        assertEquals(0.6, both.number().orElseThrow());
        assertTrue(Reading.of(EntityId.of("ParkingSite", "p1"), "name", Value.of("P1"), "", "x").number().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Reading.derived(EntityId.of("ParkingArea", "centre"),
                "occupancy", Value.of(0.6), "/", PLUGIN, List.of()));
    }

    @Test
    void commandsEndAsTheRuntimeEndsThem() throws Exception {
        TestDriver barriers = kit.drive("Barrier");
        Instant deadline = kit.clock().instant().plusSeconds(30);
        CommandResult done = outcome(kit.actuation().send(Command.of(EntityId.of("Barrier", "b1"), "open", Map.of(),
                deadline)));
        assertEquals(CommandState.COMPLETED, done.state());
        assertEquals("open", barriers.received().get(0).action());

        barriers.rejects("jammed");
        assertEquals(CommandState.REJECTED, outcome(kit.actuation().send(Command.of(EntityId.of("Barrier", "b1"), "open",
                Map.of(), deadline))).state());

        barriers.answersNothing();
        CompletableFuture<CommandResult> open = kit.actuation().send(Command.of(EntityId.of("Barrier", "b2"), "open",
                Map.of(), deadline)).toCompletableFuture();
        awaitReceived(barriers, 3);
        kit.clock().advance(Duration.ofSeconds(29));
        assertFalse(open.isDone(), "not before its deadline");
        kit.clock().advance(Duration.ofSeconds(2));
        assertEquals(CommandState.EXPIRED, open.get(5, TimeUnit.SECONDS).state());

        CommandResult outside = outcome(kit.actuation().send(Command.of(EntityId.of("Streetlight", "l1"), "dim",
                Map.of(), deadline)));
        assertEquals(CommandState.REJECTED, outside.state());
        assertTrue(outside.reason().contains("may not actuate entity type Streetlight"), outside.reason());
    }

    @Test
    void outcomesCanBeScriptedCommandByCommandAndSettleWaitsForThem() throws Exception {
        TestDriver barriers = kit.drive("Barrier").next(CommandState.FAILED, CommandState.ACCEPTED, CommandState.COMPLETED);
        Instant deadline = kit.clock().instant().plusSeconds(30);
        List<CommandResult> outcomes = Collections.synchronizedList(new ArrayList<>());
        for (String barrier : List.of("b1", "b2", "b3", "b4")) {
            // One at a time: the runtime hands commands to drivers on a pool of threads, so the order of arrival
            // of commands sent together is not fixed.
            kit.actuation().send(Command.of(EntityId.of("Barrier", barrier), "open", Map.of(), deadline))
                    .thenAccept(outcomes::add);
            kit.settle();
        }
        assertEquals(4, barriers.received().size(), "settle waits until each command reached the driver");
        assertEquals(List.of("b2"), barriers.open().stream().map(c -> c.target().localId()).toList());
        assertEquals(List.of(CommandState.FAILED, CommandState.COMPLETED, CommandState.COMPLETED),
                outcomes.stream().map(CommandResult::state).toList(), "scripted, then the standing answer");
        assertEquals("b4", barriers.last().target().localId());
        assertEquals(List.of("b1", "b2", "b3", "b4"), kit.commands().stream().map(c -> c.target().localId()).toList());

        barriers.answer(barriers.open().get(0).id(), CommandState.REJECTED, "jammed");
        kit.settle();
        assertEquals(CommandState.REJECTED, outcomes.get(3).state());
        assertEquals(List.of(), barriers.open());
        assertThrows(IllegalArgumentException.class, () -> barriers.next(CommandState.EXPIRED));
    }

    @Test
    void aCommandPastItsDeadlineIsNoLongerOpen() {
        TestDriver barriers = kit.drive("Barrier").answersNothing();
        kit.actuation().send(Command.of(EntityId.of("Barrier", "b1"), "open", Map.of(),
                kit.clock().instant().plusSeconds(30)));
        kit.settle();
        assertEquals(1, barriers.open().size());
        kit.clock().advance(Duration.ofSeconds(30));
        assertEquals(List.of(), barriers.open(), "the runtime ended it EXPIRED");
        kit.settle();
    }

    @Test
    void configurationIsTypedAsDsTypesIt() {
        Settings settings = kit.config(Settings.class, Map.of("full.threshold", "0.75", "site.names", List.of("a", "b")));
        assertEquals(0.75, settings.full_threshold());
        assertEquals(List.of("a", "b"), List.of(settings.site_names()));
        assertEquals(5, settings.retries(), "the default");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> kit.config(Settings.class, Map.of("full.treshold", 0.5)));
        assertTrue(unknown.getMessage().contains("has no property 'full.treshold'"), unknown.getMessage());
    }

    /** A configuration type as a plugin declares one. */
    @interface Settings {
        double full_threshold() default 0.9;

        String[] site_names() default {};

        int retries() default 5;
    }

    private static CommandResult outcome(CompletionStage<CommandResult> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static void awaitReceived(TestDriver driver, int count) {
        await().atMost(Duration.ofSeconds(5)).until(() -> driver.received().size() == count);
    }

    @Test
    void aNotifierOfThePluginGetsTheNotificationsAndItsDeliveryReportsAreKept() {
        List<Notification> got = Collections.synchronizedList(new ArrayList<>());
        kit.notifier(notification -> {
            got.add(notification);
            kit.deliveryReports().report(new DeliveryReport(notification.id(), "SMS", 2, 0, 2, 0, 0, null));
        });
        Notification sent = kit.notifications().send(new NotificationRequest("Flood warning", "Sandbags at the Dam",
                new Audience(Location.of(4.9, 52.37), 500, "the Dam"), null));
        await().atMost(Duration.ofSeconds(10)).until(() -> !kit.deliveries(sent.id()).isEmpty());
        assertEquals(List.of(sent), got);
        assertEquals(List.of(new DeliveryReport(sent.id(), "SMS", 2, 0, 2, 0, 0, null)), kit.deliveries(sent.id()));
        assertThrows(IllegalArgumentException.class, () -> kit.deliveryReports()
                .report(new DeliveryReport("made-up", "SMS", 1, 0, 1, 0, 0, null)));
    }

    @Test
    void settleWaitsUntilEveryNotifierHasHadEachNotification() {
        List<Notification> got = Collections.synchronizedList(new ArrayList<>());
        kit.notifier(notification -> {
            Thread.sleep(50); // a notifier that takes its time, as one calling a gateway does
            got.add(notification);
        });
        for (int i = 1; i <= 3; i++) {
            Notification sent = kit.notifications().send(new NotificationRequest("Flood warning " + i,
                    "Sandbags at the Dam", new Audience(Location.of(4.9, 52.37), 500, "the Dam"), null));
            kit.settle();
            assertEquals(i, got.size(), "settle returned before the plugin's notifier had notification " + i);
            assertEquals(sent, got.get(i - 1));
            assertEquals(i, kit.sent().size());
        }
    }
}
