package nl.regie.runtime.core.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.limits.PluginLimits;
import nl.regie.runtime.core.scope.ScopeGuards;
import nl.regie.runtime.spi.bus.BusHolds;
import nl.regie.runtime.spi.monitor.SubscriberInfo;
import nl.regie.runtime.spi.monitor.SubscriberInfo.State;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.TestPolicy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

class ListenerWhiteboardTest {

    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
    private final RecordingAuditLog audit = new RecordingAuditLog();
    private final TestPolicy policy = new TestPolicy();
    private final ScopeGuards scopes = new ScopeGuards(policy, audit, log.logger(), 1, Clock.systemUTC());
    private final PluginLimits limits = Fakes.limits(1);
    private final ListenerWhiteboard whiteboard = new ListenerWhiteboard(bus, scopes, limits, log.logger());
    private final Bundle plugin = Fakes.bundle("nl.example.bins", "1.4.0", 17);

    @AfterEach
    void close() {
        whiteboard.deactivate();
        bus.close();
    }

    private static Reading bin(int n) {
        return Reading.of(EntityId.of("WasteContainer", "bin-" + n), "fillingLevel", Value.of(n), "/", "test");
    }

    private static Map<String, Object> properties(long serviceId, Object topics) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.id", serviceId);
        properties.put("component.name", "nl.example.bins.BinWatcher");
        if (topics != null) {
            properties.put(ReadingListener.TOPICS, topics);
        }
        return properties;
    }

    static Stream<Arguments> validProperties() {
        return Stream.of(
                Arguments.of("WasteContainer/#", List.of("WasteContainer/#")),
                Arguments.of(new String[] {"WasteContainer/#", "+/+/temperature"}, List.of("WasteContainer/#", "+/+/temperature")),
                Arguments.of(List.of("#"), List.of("#")));
    }

    @ParameterizedTest
    @MethodSource("validProperties")
    void readsTheTopicsPropertyAsStringOrStringArray(Object property, List<String> expected) {
        assertEquals(expected, ListenerWhiteboard.topicFilters(property));
    }

    static Stream<Arguments> invalidProperties() {
        return Stream.of(
                Arguments.of(null, "it has no regie.reading.topics service property"),
                Arguments.of(42, "its regie.reading.topics property must be a String or String[], not java.lang.Integer"),
                Arguments.of(List.of("#", 3), "its regie.reading.topics property must be a String or String[], not java.util.ImmutableCollections$List12"),
                Arguments.of(new String[0], "its regie.reading.topics property is empty"),
                Arguments.of(new String[] {"#", "a//b"}, "topic filter 'a//b' has an empty level 2"));
    }

    @ParameterizedTest
    @MethodSource("invalidProperties")
    void refusesAMissingOrMalformedTopicsProperty(Object property, String expectedMessage) {
        assertEquals(expectedMessage,
                assertThrows(IllegalArgumentException.class, () -> ListenerWhiteboard.topicFilters(property)).getMessage());
    }

    @Test
    void subscribesResubscribesAndUnsubscribesAListenerService() {
        Queue<Reading> received = new ConcurrentLinkedQueue<>();
        ReadingListener listener = received::add;
        Map<String, Object> properties = properties(5, "WasteContainer/+/fillingLevel");
        ServiceReference<ReadingListener> reference = Fakes.reference(plugin, properties);

        whiteboard.addListener(listener, reference);
        SubscriberInfo first = bus.subscribers().get(0);
        assertEquals("nl.example.bins", first.bundleSymbolicName());
        assertEquals("1.4.0", first.bundleVersion());
        assertEquals(17, first.bundleId());
        bus.publish("test", bin(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);

        properties.put("unrelated", "changed");
        whiteboard.updatedListener(listener, reference);
        assertEquals(List.of(first.id()), bus.subscribers().stream().map(SubscriberInfo::id).toList());

        properties.put(ReadingListener.TOPICS, new String[] {"Streetlight/#"});
        whiteboard.updatedListener(listener, reference);
        SubscriberInfo second = bus.subscribers().get(0);
        assertNotEquals(first.id(), second.id());
        assertEquals(List.of("Streetlight/#"), second.topicFilters());
        assertEquals(1, bus.subscribers().size());

        whiteboard.removeListener(listener, reference);
        assertEquals(List.of(), bus.subscribers());
    }

    @Test
    void ignoresAMalformedListenerWithAWarningAndKeepsTheOthers() {
        Queue<Reading> received = new ConcurrentLinkedQueue<>();
        whiteboard.addListener(r -> { }, Fakes.reference(plugin, properties(8, "WasteContainer/bin 1/#")));
        whiteboard.addListener(r -> { }, Fakes.reference(plugin, properties(9, null)));
        whiteboard.addListener(received::add, Fakes.reference(plugin, properties(10, "#")));

        assertEquals(1, bus.subscribers().size());
        bus.publish("test", bin(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        List<String> warnings = log.messages("warn");
        assertEquals(List.of(
                "Ignoring ReadingListener service 8 (nl.example.bins.BinWatcher) of bundle nl.example.bins 1.4.0:"
                        + " topic filter 'WasteContainer/bin 1/#' level 2 'bin 1' is not a local id: 1 to 128 letters,"
                        + " digits, '.', '_', '-' or ':'",
                "Ignoring ReadingListener service 9 (nl.example.bins.BinWatcher) of bundle nl.example.bins 1.4.0:"
                        + " it has no regie.reading.topics service property"), warnings);
    }

    @Test
    void aListenerWhosePropertyBecomesMalformedIsUnsubscribed() {
        Map<String, Object> properties = properties(11, "#");
        ServiceReference<ReadingListener> reference = Fakes.reference(plugin, properties);
        ReadingListener listener = r -> { };
        whiteboard.addListener(listener, reference);

        properties.put(ReadingListener.TOPICS, "#/x");
        whiteboard.updatedListener(listener, reference);

        assertEquals(List.of(), bus.subscribers());
        assertTrue(log.messages("warn").get(0).contains("'#' is allowed only as the last level"), log.entries().toString());
    }

    @Test
    void aListenerPastThePluginsSubscriptionLimitIsNotSubscribedUntilAnotherGoes() {
        limits.apply(Map.of("subscriptions", 1));
        ServiceReference<ReadingListener> first = Fakes.reference(plugin, properties(30, "#"));
        whiteboard.addListener(r -> { }, first);
        whiteboard.addListener(r -> { }, Fakes.reference(plugin, properties(31, "Streetlight/#")));
        assertEquals(1, bus.subscribers().size());
        assertTrue(log.messages("warn").stream().anyMatch(w -> w.startsWith("Ignoring ReadingListener service 31")
                && w.contains("plugin nl.example.bins 1.4.0 may not subscribe to [Streetlight/#]: it has 1 subscriptions"
                        + " open, its limit subscriptions = 1")), log.entries().toString());

        whiteboard.removeListener(r -> { }, first);
        whiteboard.addListener(r -> { }, Fakes.reference(plugin, properties(32, "Streetlight/#")));
        assertEquals(List.of(List.of("Streetlight/#")), bus.subscribers().stream().map(SubscriberInfo::topicFilters)
                .toList());
    }

    @Test
    void deactivationClosesEverySubscription() {
        whiteboard.addListener(r -> { }, Fakes.reference(plugin, properties(12, "#")));
        whiteboard.addListener(r -> { }, Fakes.reference(plugin, properties(13, "Streetlight/#")));
        assertEquals(2, bus.subscribers().size());

        whiteboard.deactivate();

        assertEquals(List.of(), bus.subscribers());
    }

    @Test
    void aComponentsListenerReRegisteredDuringAHoldKeepsItsSubscriptionAndWhatItHeld() {
        Queue<Reading> first = new ConcurrentLinkedQueue<>();
        Queue<Reading> second = new ConcurrentLinkedQueue<>();
        ReadingListener oldListener = first::add;
        ServiceReference<ReadingListener> oldReference = Fakes.reference(plugin, properties(20, "WasteContainer/#"));
        whiteboard.addListener(oldListener, oldReference);
        long id = bus.subscribers().get(0).id();
        bus.publish("test", bin(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> first.size() == 1);

        BusHolds.Hold hold = bus.hold("nl.example.bins");
        whiteboard.removeListener(oldListener, oldReference); // the bundle stops for its update
        bus.publish("test", bin(2));
        bus.publish("test", bin(3));
        assertEquals(Set.of("nl.example.bins.BinWatcher"), hold.parked());
        assertEquals(State.PARKED, bus.subscribers().get(0).state());

        Bundle updated = Fakes.bundle("nl.example.bins", "1.5.0", 17);
        ReadingListener newListener = second::add;
        whiteboard.addListener(newListener, Fakes.reference(updated, properties(21, "WasteContainer/#")));
        bus.publish("test", bin(4));

        await().atMost(Duration.ofSeconds(5)).until(() -> second.size() == 3);
        assertEquals(List.of("bin-1"), first.stream().map(r -> r.entity().localId()).toList());
        assertEquals(List.of("bin-2", "bin-3", "bin-4"), second.stream().map(r -> r.entity().localId()).toList());
        SubscriberInfo info = bus.subscribers().get(0);
        assertEquals(1, bus.subscribers().size());
        assertEquals(id, info.id());
        assertEquals("1.5.0", info.bundleVersion());
        assertEquals(State.ACTIVE, info.state());
        hold.close();
        assertEquals(0, hold.droppedAtEnd());
        assertEquals(2, hold.held());
    }

    @Test
    void aListenerWithoutAComponentNameIsNotDurable() {
        Map<String, Object> properties = properties(22, "#");
        properties.remove("component.name");
        ServiceReference<ReadingListener> reference = Fakes.reference(plugin, properties);
        ReadingListener listener = r -> { };
        whiteboard.addListener(listener, reference);
        BusHolds.Hold hold = bus.hold("nl.example.bins");

        whiteboard.removeListener(listener, reference);

        assertEquals(List.of(), bus.subscribers());
        assertEquals(Set.of(), hold.parked());
    }
}
