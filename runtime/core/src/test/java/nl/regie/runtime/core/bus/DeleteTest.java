package nl.regie.runtime.core.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import nl.regie.api.bus.NotOwnerException;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.model.Deletion;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.limits.PluginQuota;
import nl.regie.runtime.core.scope.DeclaredScope;
import nl.regie.runtime.core.scope.ScopeGuards;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.TestPolicy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bus's delete, through a plugin's view on a real engine and city state: within the declared {@code publishes}
 * and only of what the plugin published; subscribers whose filters match hear of it in order; the city state drops
 * it, also across a restart.
 */
class DeleteTest {

    private static final String ROUTES = "nl.example.routes";
    private static final Owner RUNTIME = new Owner("nl.regie.runtime.core", "1.0.0", 1);
    private static final EntityId ROUTE = EntityId.of("WasteCollectionRoute", "north");
    private static final EntityId BIN = EntityId.of("WasteContainer", "bin-1");

    @TempDir
    Path state;

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingAuditLog audit = new RecordingAuditLog();
    private final ScopeGuards scopes = new ScopeGuards(new TestPolicy(r -> r), audit, log.logger(), 1,
            Clock.systemUTC());
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
    private final Owner routes = new Owner(ROUTES, "2.0.0", 17);
    private CityStateComponent city;
    private BundleBusView view;

    @BeforeEach
    void open() {
        city = new CityStateComponent(bus, RUNTIME, state.resolve("city"), log.logger());
        view = BundleBusView.of(bus, routes, scopes.forPlugin(routes, DeclaredScope.of(List.of("WasteContainer/#"),
                List.of("WasteCollectionRoute/#", "WasteContainer/+/full"), List.of())), PluginQuota.UNLIMITED, city);
    }

    @AfterEach
    void close() {
        view.deactivate();
        city.deactivate();
        bus.close();
    }

    private static Reading reading(EntityId entity, String attribute, String source) {
        return Reading.of(entity, attribute, Value.of(1), "", source);
    }

    private static void until(String what, java.util.concurrent.Callable<Boolean> condition) {
        await().alias(what).atMost(Duration.ofSeconds(5)).until(condition);
    }

    /** Records readings and deletions, in order, as text. */
    private static final class Recorder implements ReadingListener {
        final Queue<String> seen = new ConcurrentLinkedQueue<>();

        @Override
        public void onReading(Reading reading) {
            seen.add("reading " + reading.topic());
        }

        @Override
        public void onDelete(Deletion deletion) {
            seen.add("delete " + deletion.topic() + " by " + deletion.source());
        }
    }

    @Test
    void aPluginDeletesItsOwnEntityAndTheCityStateAndMatchingSubscribersHearInOrder() {
        Recorder routesOnly = new Recorder();
        Recorder stops = new Recorder();
        Recorder bins = new Recorder();
        bus.subscribe(RUNTIME, List.of("WasteCollectionRoute/#"), routesOnly);
        bus.subscribe(RUNTIME, List.of("+/+/stops"), stops);
        bus.subscribe(RUNTIME, List.of("WasteContainer/#"), bins);

        view.publish(reading(ROUTE, "stops", ROUTES));
        view.publish(reading(ROUTE, "length", ROUTES));
        view.delete(ROUTE); // at once: the city state may not hold it yet, and still drops it, in order

        until("the route to go", () -> city.entity(ROUTE).isEmpty() && routesOnly.seen.size() == 3);
        assertEquals(List.of("reading WasteCollectionRoute/north/stops", "reading WasteCollectionRoute/north/length",
                "delete WasteCollectionRoute/north/# by " + ROUTES), List.copyOf(routesOnly.seen));
        until("the filter on one attribute to hear of the entity's deletion", () -> stops.seen.size() == 2);
        assertEquals("delete WasteCollectionRoute/north/# by " + ROUTES, List.copyOf(stops.seen).get(1));
        assertEquals(List.of(), List.copyOf(bins.seen), "a filter that matches nothing of it hears nothing");
    }

    @Test
    void aPluginDeletesOneAttributeAndTheEntityKeepsTheRest() {
        view.publish(reading(ROUTE, "stops", ROUTES));
        view.publish(reading(ROUTE, "length", ROUTES));
        until("the route", () -> city.entity(ROUTE).map(e -> e.attributes().size() == 2).orElse(false));

        view.delete(ROUTE, "length");

        until("length to go", () -> city.entity(ROUTE).orElseThrow().attributes().keySet().equals(Set.of("stops")));
        view.delete(ROUTE, "stops");
        until("the entity to go with its last attribute", () -> city.entity(ROUTE).isEmpty());
    }

    @Test
    void someoneElsesEntityOrAttributeCannotBeDeleted() {
        bus.publish("nl.other.plugin", reading(ROUTE, "stops", "nl.other.plugin"));
        view.publish(reading(ROUTE, "length", ROUTES));
        bus.publish("nl.other.plugin", reading(BIN, "full", "nl.other.plugin"));
        until("the route and the bin", () -> city.entity(ROUTE).map(e -> e.attributes().size() == 2).orElse(false)
                && city.entity(BIN).isPresent());

        NotOwnerException whole = assertThrows(NotOwnerException.class, () -> view.delete(ROUTE));
        assertEquals("plugin nl.example.routes 2.0.0 [17] may not delete urn:ngsi-ld:WasteCollectionRoute:north: its"
                + " attribute stops was published by another source; a plugin deletes only what it published",
                whole.getMessage());
        assertTrue(!whole.getMessage().contains("nl.other.plugin"), "the message does not say who owns it");
        NotOwnerException one = assertThrows(NotOwnerException.class, () -> view.delete(BIN, "full"));
        assertTrue(one.getMessage().contains("its value was published by another source"), one.getMessage());
        assertThrows(NotOwnerException.class, () -> view.delete(ROUTE, "stops"));
        view.delete(ROUTE, "length"); // its own

        // A deletion the runtime names another source for drops nothing of theirs either.
        bus.delete("nl.regie.runtime.core", new Deletion(BIN, null, "nl.regie.runtime.core", java.time.Instant.now()));
        until("length to go", () -> city.entity(ROUTE).orElseThrow().attributes().keySet().equals(Set.of("stops")));
        bus.publish("mqtt:bin-1", reading(BIN, "temperature", "mqtt:bin-1"));
        until("the next reading", () -> city.entity(BIN).map(e -> e.attributes().size() == 2).orElse(false));
    }

    @Test
    void aDeletionOutsideTheDeclaredPublishesIsRefusedAndAudited() {
        SecurityException attribute = assertThrows(SecurityException.class, () -> view.delete(BIN, "fillingLevel"));
        assertEquals("plugin nl.example.routes 2.0.0 may not delete WasteContainer/bin-1/fillingLevel: the topic is"
                + " outside its declared scope (publishes [WasteCollectionRoute/#, WasteContainer/+/full])",
                attribute.getMessage());
        // It may publish full on bins, but a whole bin holds more than that.
        view.publish(reading(BIN, "full", ROUTES));
        bus.publish("mqtt:bin-1", reading(BIN, "fillingLevel", "mqtt:bin-1"));
        until("the bin", () -> city.entity(BIN).map(e -> e.attributes().size() == 2).orElse(false));
        SecurityException whole = assertThrows(SecurityException.class, () -> view.delete(BIN));
        assertTrue(whole.getMessage().contains("its attribute fillingLevel is outside its declared scope"),
                whole.getMessage());
        assertThrows(SecurityException.class, () -> view.delete(EntityId.of("Streetlight", "lamp-1")));
        assertTrue(audit.ofKind(AuditEvent.SCOPE).stream().anyMatch(e -> e.action().equals("delete")));
        assertThrows(IllegalArgumentException.class, () -> view.delete(ROUTE, "Not an attribute"));
        assertThrows(NullPointerException.class, () -> view.delete(null));
        view.delete(BIN, "full"); // its own, within scope
        until("full to go", () -> city.entity(BIN).orElseThrow().attributes().keySet().equals(Set.of("fillingLevel")));
    }

    @Test
    void deletionsCountAgainstThePluginsPublishRate() {
        nl.regie.runtime.core.limits.PluginLimits limits = Fakes.limits(1);
        limits.apply(java.util.Map.of("publishPerSecond", 1, "publishBurst", 2));
        BundleBusView limited = BundleBusView.of(bus, routes, scopes.forPlugin(routes, DeclaredScope.of(List.of(),
                List.of("WasteCollectionRoute/#"), List.of())), limits.forPlugin(routes), city);
        limited.delete(ROUTE);
        limited.delete(ROUTE, "stops");
        nl.regie.api.scope.LimitExceededException e = assertThrows(nl.regie.api.scope.LimitExceededException.class,
                () -> limited.delete(EntityId.of("WasteCollectionRoute", "south")));
        assertTrue(e.getMessage().contains("delete WasteCollectionRoute/south/#: it is past its limit publishPerSecond"),
                e.getMessage());
        limited.deactivate();
    }

    @Test
    void aDeletionOutlivesACrash() {
        view.publish(reading(ROUTE, "stops", ROUTES));
        view.publish(reading(BIN, "full", ROUTES));
        view.delete(ROUTE);
        until("the route to go", () -> city.entity(ROUTE).isEmpty() && city.entity(BIN).isPresent());
        // Not deactivated: killed. The journal has the readings and the deletion.

        CityStateComponent after = new CityStateComponent(bus, new Owner("nl.regie.runtime.core", "1.0.0", 2),
                state.resolve("city"), log.logger());
        assertEquals(Optional.empty(), after.entity(ROUTE));
        assertTrue(after.entity(BIN).isPresent());
        after.deactivate();
    }
}
