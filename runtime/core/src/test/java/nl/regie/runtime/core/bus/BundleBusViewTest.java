package nl.regie.runtime.core.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.LimitExceededException;
import nl.regie.runtime.core.limits.PluginLimits;
import nl.regie.runtime.core.limits.PluginQuota;
import nl.regie.runtime.core.scope.DeclaredScope;
import nl.regie.runtime.core.scope.ScopeGuards;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.monitor.SubscriberInfo;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.TestPolicy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BundleBusViewTest {

    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
    private final Owner plugin = Owner.of(Fakes.bundle("nl.example.lights", "2.1.0", 23));
    private final ScopeGuards scopes = new ScopeGuards(new TestPolicy(), new RecordingAuditLog(), log.logger(), 1,
            Clock.systemUTC());
    private final BundleBusView view = BundleBusView.of(bus, plugin,
            scopes.forPlugin(plugin, DeclaredScope.of(List.of("#"), List.of("Streetlight/+/+"), List.of())),
            PluginQuota.UNLIMITED);

    @AfterEach
    void close() {
        bus.close();
    }

    private static Reading lamp(int n) {
        return Reading.of(EntityId.of("Streetlight", "lamp-" + n), "powerConsumption", Value.of(n), "W", "nl.example.lights");
    }

    @Test
    void publishesUnderTheBundlesNameAndSubscribesWithTheBundleAsOwner() {
        Queue<Reading> received = new ConcurrentLinkedQueue<>();
        view.subscribe("Streetlight/+/powerConsumption", received::add);

        view.publish(lamp(1));
        view.publish(lamp(2));

        assertEquals(Map.of("nl.example.lights", 2L), bus.publishedBy());
        SubscriberInfo info = bus.subscribers().get(0);
        assertEquals(new Owner("nl.example.lights", "2.1.0", 23),
                new Owner(info.bundleSymbolicName(), info.bundleVersion(), info.bundleId()));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
    }

    @Test
    void releasingTheViewClosesTheBundlesSubscriptions() {
        view.subscribe("Streetlight/#", r -> { });
        Subscription closedByTheBundle = view.subscribe(List.of("#"), r -> { });
        view.subscribe("+/+/powerConsumption", r -> { });
        closedByTheBundle.close();
        assertEquals(2, bus.subscribers().size());

        view.deactivate();

        assertEquals(List.of(), bus.subscribers());
        assertThrows(IllegalStateException.class, () -> view.subscribe("#", r -> { }));
        assertEquals(List.of(), bus.subscribers());
    }

    @Test
    void aSubscriptionPastThePluginsLimitIsRefusedAndAClosedOneGivesItsPlaceBack() {
        PluginLimits limits = Fakes.limits(1);
        limits.apply(Map.of("subscriptions", 2));
        BundleBusView limited = BundleBusView.of(bus, plugin,
                scopes.forPlugin(plugin, DeclaredScope.of(List.of("#"), List.of(), List.of())), limits.forPlugin(plugin));
        Subscription first = limited.subscribe("Streetlight/#", r -> { });
        limited.subscribe("#", r -> { });
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> limited.subscribe("+/+/powerConsumption", r -> { }));
        assertEquals("plugin nl.example.lights 2.1.0 may not subscribe to [+/+/powerConsumption]: it has 2"
                + " subscriptions open, its limit subscriptions = 2", e.getMessage());
        assertEquals(2, bus.subscribers().size(), "nothing of the refused one reached the bus");

        first.close();
        limited.subscribe("+/+/powerConsumption", r -> { });
        limited.deactivate();

        // Releasing the view gave every place back: the plugin's next view (its next version, say) has them all.
        BundleBusView next = BundleBusView.of(bus, plugin,
                scopes.forPlugin(plugin, DeclaredScope.of(List.of("#"), List.of(), List.of())), limits.forPlugin(plugin));
        next.subscribe("#", r -> { });
        next.subscribe("#", r -> { });
        assertThrows(LimitExceededException.class, () -> next.subscribe("#", r -> { }));
        next.deactivate();
    }

    @Test
    void refusesANullReading() {
        assertEquals("cannot publish a null reading",
                assertThrows(NullPointerException.class, () -> view.publish(null)).getMessage());
    }
}
