package nl.regie.runtime.federation;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.bus.BusComponent;
import nl.regie.runtime.sovereignty.policy.PolicyEngine;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.federation.FederationStatus;
import nl.regie.runtime.testing.Mosquitto;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.RecordingMetrics;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The component on the real bus and the real policy engine: idle without a broker; with Debian's Mosquitto, a reading
 * published on one site's bus reaches the other's bus by the rules, the rules followed when the policy changes, and
 * nothing left running after deactivation.
 */
class FederationComponentTest {

    private static final Instant T = Instant.parse("2026-11-28T03:00:00Z");
    private static final Owner OWNER = new Owner("nl.regie.runtime.federation", "0.1.0", 42);

    @TempDir
    Path dir;
    private final List<FederationComponent> components = new ArrayList<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private Mosquitto broker;

    @AfterEach
    void stop() {
        subscriptions.forEach(Subscription::close);
        components.forEach(FederationComponent::deactivate);
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void withoutABrokerItIsIdleAndStartsNothing() throws Exception {
        RecordingLogger log = new RecordingLogger();
        FederationComponent idle = component(Map.of(), "roeselare", new BusComponent(busConfig(), log.logger()),
                policy(Map.of("sites", "gent", "exports", "city>gent WaterObserved/#")), log);
        FederationStatus.Snapshot snapshot = idle.snapshot();
        assertEquals("idle", snapshot.link().state());
        assertFalse(snapshot.enabled());
        assertEquals("roeselare", snapshot.site());
        assertTrue(log.messages("info").stream().anyMatch(m -> m.startsWith("Federation is idle")), log.entries().toString());
        assertTrue(threads().isEmpty(), "no federation thread: " + threads());
        RecordingMetrics metrics = new RecordingMetrics();
        idle.collect(metrics);
        assertEquals(0.0, metrics.value("regie_federation_link_connected", "site", "roeselare"));
    }

    @Test
    void aBadBrokerUrlOrCredentialsFileTurnsItOffWithTheReason() throws Exception {
        RecordingLogger log = new RecordingLogger();
        component(Map.of("broker", "http://example"), "gent", new BusComponent(busConfig(), log.logger()),
                policy(Map.of()), log);
        component(Map.of("broker", "tcp://127.0.0.1:1", "credentialsFile", dir.resolve("missing").toString()), "gent",
                new BusComponent(busConfig(), log.logger()), policy(Map.of()), log);
        List<String> errors = log.messages("error");
        assertTrue(errors.get(0).contains("'http://example' must be tcp://host:port or ssl://host:port"), errors.toString());
        assertTrue(errors.get(1).contains("missing"), errors.toString());
        assertTrue(threads().isEmpty(), "no federation thread: " + threads());
    }

    @Test
    void aReadingOnOneSitesBusReachesTheOthersAndTheRulesAreFollowed() throws Exception {
        broker = Mosquitto.start(dir);
        RecordingLogger log = new RecordingLogger();
        BusComponent roeselareBus = new BusComponent(busConfig(), log.logger());
        BusComponent gentBus = new BusComponent(busConfig(), log.logger());
        PolicyEngine roeselarePolicy = policy(Map.of("devices", "gauge-*=waterboard", "sites", "gent",
                "exports", "waterboard>gent WaterObserved/+/waterLevel"));
        FederationComponent roeselare = component(Map.of("broker", broker.url()), "roeselare", roeselareBus,
                roeselarePolicy, log);
        FederationComponent gent = component(Map.of("broker", broker.url()), "gent", gentBus,
                policy(Map.of("sites", "roeselare", "imports", "roeselare:waterboard WaterObserved/#")), log);
        List<Reading> arrived = new CopyOnWriteArrayList<>();
        subscriptions.add(gentBus.subscribe(new Owner("nl.test", "1", 7), List.of("#"), arrived::add));
        await().atMost(Duration.ofSeconds(15)).until(() -> roeselare.snapshot().link().state().equals("connected")
                && gent.snapshot().link().state().equals("connected"));
        int[] second = {0};
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            roeselareBus.publish("mqtt:gauge-1", level(++second[0]));
            return !arrived.isEmpty();
        });
        Reading first = arrived.get(0);
        assertEquals("roeselare:waterboard/gauge-1", first.source());
        await().atMost(Duration.ofSeconds(5)).until(() -> !roeselare.snapshot().exports().isEmpty());
        assertTrue(roeselare.snapshot().exports().containsKey("waterboard>gent WaterObserved/+/waterLevel"));
        assertTrue(gent.snapshot().imports().containsKey("roeselare:waterboard WaterObserved/#"));

        // The operator swaps the rule for one of another attribute: the level no longer leaves, the flow does. The
        // link keeps order, so once the flow sent after the level has arrived, the level would have too.
        roeselarePolicy.apply(Map.of("devices", "gauge-*=waterboard", "sites", "gent",
                "exports", "waterboard>gent WaterObserved/+/flow"));
        await().atMost(Duration.ofSeconds(5)).until(() -> roeselare.snapshot().policy() == roeselarePolicy.version());
        await().atMost(Duration.ofSeconds(5)).until(() -> log.messages("info").stream()
                .anyMatch(m -> m.contains("exporting [WaterObserved/+/flow]")));
        roeselareBus.publish("mqtt:gauge-1", level(1000));
        roeselareBus.publish("mqtt:gauge-1", new Reading(EntityId.of("WaterObserved", "g1"), "flow", Value.of(3.0),
                "m3/s", T, T, "gauge-1", null));
        await().atMost(Duration.ofSeconds(10)).until(() -> arrived.stream().anyMatch(r -> r.attribute().equals("flow")));
        assertTrue(arrived.stream().noneMatch(r -> r.observedAt().equals(T.plusSeconds(1000))),
                "the level left after its rule was taken out");
        RecordingMetrics metrics = new RecordingMetrics();
        gent.collect(metrics);
        assertEquals(1.0, metrics.value("regie_federation_link_connected", "site", "gent"));
        assertNull(gent.snapshot().lastRefusal());

        components.forEach(FederationComponent::deactivate);
        components.clear();
        await().atMost(Duration.ofSeconds(5)).until(() -> threads().isEmpty());
    }

    private static List<String> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("regie-federation")).toList();
    }

    private FederationComponent component(Map<String, Object> config, String site, BusComponent bus,
            PolicyEngine policy, RecordingLogger log) {
        FederationComponent component = new FederationComponent(config(FederationComponent.Config.class, config),
                site, OWNER, bus, policy, log.logger(), Clock.systemUTC());
        components.add(component);
        return component;
    }

    private static PolicyEngine policy(Map<String, Object> rules) throws Exception {
        PolicyEngine engine = new PolicyEngine(event -> { });
        engine.apply(rules);
        return engine;
    }

    private static BusComponent.Config busConfig() {
        return config(BusComponent.Config.class, Map.of());
    }

    private static Reading level(int second) {
        Instant at = T.plusSeconds(second);
        return new Reading(EntityId.of("WaterObserved", "g1"), "waterLevel", Value.of(2.0 + second / 1000.0), "m", at,
                at, "gauge-1", null);
    }

    @SuppressWarnings("unchecked")
    private static <A extends Annotation> A config(Class<A> type, Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(overrides);
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            if (method.getDefaultValue() != null) {
                return method.getDefaultValue();
            }
            return switch (method.getName()) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "config " + overrides;
                case "annotationType" -> type;
                default -> throw new UnsupportedOperationException(method.getName());
            };
        });
    }
}
