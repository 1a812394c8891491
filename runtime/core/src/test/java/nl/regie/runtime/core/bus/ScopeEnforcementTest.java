package nl.regie.runtime.core.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.scope.DeclaredScope;
import nl.regie.runtime.core.scope.ScopeGuards;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.BusHolds;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.TestPolicy;

import org.junit.jupiter.api.AfterEach;
import nl.regie.runtime.core.limits.PluginQuota;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/** The declared scope as the plugin's bus view and the listener whiteboard enforce it, and the read views. */
class ScopeEnforcementTest {

    private static final String BINS = "nl.example.bins";

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingAuditLog audit = new RecordingAuditLog();
    /** Withholds every temperature reading from plugins. */
    private final TestPolicy policy = new TestPolicy(r -> r.attribute().equals("temperature") ? null : r);
    private final ScopeGuards scopes = new ScopeGuards(policy, audit, log.logger(), 1, Clock.systemUTC());
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
    private final Owner bins = new Owner(BINS, "1.4.0", 17);
    private final BundleBusView view = BundleBusView.of(bus, bins, scopes.forPlugin(bins, DeclaredScope.of(
            List.of("WasteContainer/+/fillingLevel", "WasteContainer/+/temperature"), List.of("WasteContainer/+/full"),
            List.of())), PluginQuota.UNLIMITED);
    private final ListenerWhiteboard whiteboard = new ListenerWhiteboard(bus, scopes, Fakes.limits(1), log.logger());

    @AfterEach
    void close() {
        whiteboard.deactivate();
        view.deactivate();
        bus.close();
    }

    private static Reading bin(String attribute, String source) {
        return Reading.of(EntityId.of("WasteContainer", "bin-1"), attribute, Value.of(1), "", source);
    }

    @Test
    void publishingOutsideTheScopeIsRefusedNamingPluginAndTopicAndAudited() {
        SecurityException e = assertThrows(SecurityException.class, () -> view.publish(bin("fillingLevel", BINS)));
        assertEquals("plugin nl.example.bins 1.4.0 may not publish WasteContainer/bin-1/fillingLevel: the topic is"
                + " outside its declared scope (publishes [WasteContainer/+/full])", e.getMessage());
        assertEquals(Map.of(), bus.publishedBy());
        AuditEvent event = audit.ofKind(AuditEvent.SCOPE).get(0);
        assertEquals(List.of(BINS, "city", "publish", "WasteContainer/bin-1/fillingLevel", "denied"),
                List.of(event.actor(), event.party(), event.action(), event.target(), event.outcome()));
        assertEquals(Map.of(BINS, 1L), scopes.refusalsByPlugin());
    }

    @Test
    void aReadingMustNameThePluginAsItsSource() {
        SecurityException e = assertThrows(SecurityException.class, () -> view.publish(bin("full", "bin-1")));
        assertTrue(e.getMessage().contains("its source 'bin-1' is not the plugin's symbolic name nl.example.bins"),
                e.getMessage());
        view.publish(bin("full", BINS));
        assertEquals(Map.of(BINS, 1L), bus.publishedBy());
    }

    @Test
    void aSubscriptionNotCoveredIsRefusedNamingPluginAndFilter() {
        SecurityException e = assertThrows(SecurityException.class,
                () -> view.subscribe(List.of("WasteContainer/+/fillingLevel", "WasteContainer/#"), r -> { }));
        assertEquals("plugin nl.example.bins 1.4.0 may not subscribe WasteContainer/#: the filter is not covered by"
                + " its declared scope (reads [WasteContainer/+/fillingLevel, WasteContainer/+/temperature])",
                e.getMessage());
        assertEquals(List.of(), bus.subscribers());
        assertEquals("subscribe", audit.ofKind(AuditEvent.SCOPE).get(0).action());
        // A malformed filter is still reported as malformed.
        assertThrows(IllegalArgumentException.class, () -> view.subscribe("WasteContainer/#/x", r -> { }));
    }

    @Test
    void deliveriesPassThroughThePluginsReadViewOnItsOwnDeliveryThread() {
        Queue<Reading> received = new ConcurrentLinkedQueue<>();
        view.subscribe(List.of("WasteContainer/+/fillingLevel", "WasteContainer/+/temperature"), received::add);

        bus.publish("bin-1", bin("temperature", "bin-1"));
        bus.publish("bin-1", bin("fillingLevel", "bin-1"));

        await().atMost(Duration.ofSeconds(5)).until(() -> policy.appliedOn().size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        assertEquals("fillingLevel", received.peek().attribute(), "the view withheld the temperature");
        assertEquals(List.of("city/" + BINS), policy.viewsMade());
        assertTrue(policy.appliedOn().stream().allMatch(name -> name.startsWith("regie-bus-" + BINS + "-")),
                policy.appliedOn().toString());
    }

    @Test
    void theRuntimesOwnSubscriptionsHaveNoView() {
        Queue<Reading> received = new ConcurrentLinkedQueue<>();
        bus.subscribe(new Owner("nl.regie.runtime", "0.1.0", 1), List.of("#"), received::add);
        bus.publish("bin-1", bin("temperature", "bin-1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        assertEquals(List.of(), policy.appliedOn());
    }

    @Test
    void theWhiteboardSubscribesOnlyCoveredListenersAndWarnsAboutTheRest() {
        Bundle plugin = Fakes.bundle(BINS, "1.4.0", 17, Map.of("reads", List.of("WasteContainer/+/fillingLevel")));
        ReadingListener covered = r -> { };
        ReadingListener tooWide = r -> { };
        whiteboard.addListener(covered, Fakes.reference(plugin, properties(5, "WasteContainer/+/fillingLevel")));
        whiteboard.addListener(tooWide, Fakes.reference(plugin, properties(6, "WasteContainer/#")));

        assertEquals(List.of(List.of("WasteContainer/+/fillingLevel")),
                bus.subscribers().stream().map(s -> s.topicFilters()).toList());
        String warning = log.messages("warn").get(0);
        assertTrue(warning.contains("service 6") && warning.contains(BINS + " 1.4.0")
                && warning.contains("may not subscribe WasteContainer/#"), warning);
        assertEquals(1, audit.ofKind(AuditEvent.SCOPE).size());
    }

    @Test
    void aPluginThatDeclaresNothingGetsNothing() {
        Bundle plugin = Fakes.bundle("nl.example.silent", "1.0.0", 30, null);
        whiteboard.addListener(r -> { }, Fakes.reference(plugin, properties(7, "WasteContainer/+/fillingLevel")));
        BundleBusView silent = BundleBusView.of(bus, Owner.of(plugin), scopes.forBundle(plugin),
                PluginQuota.UNLIMITED);

        assertThrows(SecurityException.class, () -> silent.publish(bin("full", "nl.example.silent")));
        assertThrows(SecurityException.class, () -> silent.subscribe("WasteContainer/bin-1/full", r -> { }));
        assertEquals(List.of(), bus.subscribers());
        assertEquals(3, scopes.refusalsByPlugin().get("nl.example.silent"));
    }

    @Test
    void theRuntimesOwnBundleIsUnrestricted() {
        Bundle runtime = Fakes.bundle("nl.regie.runtime", "0.1.0", 1, null);
        BundleBusView own = BundleBusView.of(bus, Owner.of(runtime), scopes.forBundle(runtime),
                PluginQuota.UNLIMITED);
        own.subscribe("#", r -> { });
        own.publish(bin("anything", "a-device"));
        assertEquals(Map.of("nl.regie.runtime", 1L), bus.publishedBy());
        assertEquals(List.of(), audit.events());
    }

    @Test
    void aListenerTakingADurableSubscriptionOverBringsItsOwnView() throws Exception {
        Queue<Reading> received = new ConcurrentLinkedQueue<>();
        try (BusHolds.Hold hold = bus.hold(BINS)) {
            bus.subscribeDurable(bins, "watcher", List.of("WasteContainer/+/fillingLevel"), r -> { },
                    r -> null).close();
            bus.publish("bin-1", bin("fillingLevel", "bin-1"));
            bus.subscribeDurable(bins, "watcher", List.of("WasteContainer/+/fillingLevel"), received::add, r -> r);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
    }

    private static Map<String, Object> properties(long serviceId, String topics) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.id", serviceId);
        properties.put(ReadingListener.TOPICS, topics);
        return properties;
    }
}
