package nl.regie.runtime.federation;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.mqtt.access.FederationAccess;
import nl.regie.runtime.core.bus.BusComponent;
import nl.regie.runtime.sovereignty.policy.PolicyEngine;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.federation.FederationStatus;
import nl.regie.runtime.testing.Mosquitto;
import nl.regie.runtime.testing.RecordingAuditLog;
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

    @Test
    void aBrokerThatRefusesTheCredentialsIsNamedCountedAndAuditedWhileTheOtherSitesKeepSharing() throws Exception {
        Path access = dir.resolve("access");
        FederationAccess.of(Map.of("roeselare", Set.of("gent", "waterboard"), "gent", Set.of("roeselare"),
                "waterboard", Set.of("roeselare"))).write(access, new SecureRandom());
        broker = Mosquitto.prepare(dir, List.of("allow_anonymous false", "password_file " + access.resolve("passwd"),
                "acl_file " + access.resolve("acl")));
        broker.launch();
        // The water board's runtime has a password the broker no longer takes.
        Path stale = dir.resolve("waterboard.credentials");
        Files.writeString(stale, "username=regie-site-waterboard\npassword=an-old-password\n", StandardCharsets.UTF_8);
        RecordingLogger log = new RecordingLogger();
        BusComponent roeselareBus = new BusComponent(busConfig(), log.logger());
        BusComponent gentBus = new BusComponent(busConfig(), log.logger());
        FederationComponent roeselare = component(Map.of("broker", broker.url(), "credentialsFile",
                access.resolve("roeselare.credentials").toString()), "roeselare", roeselareBus,
                policy(Map.of("devices", "gauge-*=waterboard", "sites", "gent, waterboard",
                        "exports", "waterboard>gent WaterObserved/+/waterLevel")), log);
        FederationComponent gent = component(Map.of("broker", broker.url(), "credentialsFile",
                access.resolve("gent.credentials").toString()), "gent", gentBus,
                policy(Map.of("sites", "roeselare", "imports", "roeselare:waterboard WaterObserved/#")), log);
        RecordingAuditLog audit = new RecordingAuditLog();
        FederationComponent waterboard = component(Map.of("broker", broker.url(), "credentialsFile", stale.toString(),
                "reconnectMaxSeconds", 1), "waterboard", new BusComponent(busConfig(), log.logger()),
                policy(Map.of("sites", "roeselare", "imports", "roeselare:waterboard WaterObserved/#")), log, audit);

        await().atMost(Duration.ofSeconds(15)).until(() -> waterboard.snapshot().link().connectionsRefused() >= 2);
        FederationStatus.Link refused = waterboard.snapshot().link();
        assertEquals("connecting", refused.state());
        assertTrue(refused.lastError().startsWith("the shared broker refused the credentials of"
                + " 'regie-site-waterboard' (reason code 0x"), refused.lastError());
        List<AuditEvent> audited = audit.ofKind(AuditEvent.FEDERATION);
        assertEquals(1, audited.size(), "once per run of refusals, not per attempt: " + audited);
        assertEquals("connect", audited.get(0).action());
        assertEquals("refused", audited.get(0).outcome());
        assertEquals("waterboard", audited.get(0).actor());
        assertTrue(audited.get(0).detail().contains("regie-site-waterboard"), audited.get(0).detail());
        assertEquals(1, log.messages("error").stream().filter(m -> m.contains("refused the credentials")).count(),
                log.messages("error").toString());
        RecordingMetrics metrics = new RecordingMetrics();
        waterboard.collect(metrics);
        assertTrue(metrics.value("regie_federation_connections_refused_total") >= 2);

        // The sites whose credentials hold share as before.
        List<Reading> arrived = new CopyOnWriteArrayList<>();
        subscriptions.add(gentBus.subscribe(new Owner("nl.test", "1", 7), List.of("#"), arrived::add));
        await().atMost(Duration.ofSeconds(15)).until(() -> roeselare.snapshot().link().state().equals("connected")
                && gent.snapshot().link().state().equals("connected"));
        int[] second = {0};
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            roeselareBus.publish("mqtt:gauge-1", level(++second[0]));
            return !arrived.isEmpty();
        });
        assertEquals("roeselare:waterboard/gauge-1", arrived.get(0).source());
        assertEquals(0, roeselare.snapshot().link().connectionsRefused());
    }

    @Test
    void aCleanStopSendsWhatWaitsAndAuditsWhatItCouldNotSend() throws Exception {
        broker = Mosquitto.start(dir);
        RecordingLogger log = new RecordingLogger();
        BusComponent bus = new BusComponent(busConfig(), log.logger());
        RecordingAuditLog audit = new RecordingAuditLog();
        FederationComponent roeselare = component(Map.of("broker", broker.url(), "reconnectMaxSeconds", 1),
                "roeselare", bus, policy(Map.of("devices", "gauge-*=waterboard", "sites", "gent",
                        "exports", "waterboard>gent WaterObserved/+/waterLevel")), log, audit);
        await().atMost(Duration.ofSeconds(15)).until(() -> roeselare.snapshot().link().state().equals("connected"));
        await().atMost(Duration.ofSeconds(5)).until(() -> log.messages("info").stream()
                .anyMatch(m -> m.contains("exporting [WaterObserved/+/waterLevel]")));
        // The link goes down; what the bus hands the federation meanwhile waits in the outbox.
        broker.stop();
        await().atMost(Duration.ofSeconds(15)).until(() -> !roeselare.snapshot().link().state().equals("connected"));
        for (int i = 1; i <= 3; i++) {
            bus.publish("mqtt:gauge-1", level(i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> roeselare.snapshot().link().queued() == 3);
        roeselare.deactivate();
        components.remove(roeselare);
        List<AuditEvent> stop = audit.ofKind(AuditEvent.FEDERATION).stream().filter(e -> e.action().equals("stop"))
                .toList();
        assertEquals(1, stop.size(), audit.events().toString());
        assertEquals("dropped", stop.get(0).outcome());
        assertEquals("3 readings waiting to leave or unacknowledged at the stop (the link was down) are lost: the"
                + " runtime has no state folder", stop.get(0).detail());
        assertTrue(log.messages("warn").stream().anyMatch(m -> m.contains("3 readings waiting to leave")),
                log.messages("warn").toString());
    }

    @Test
    void whatAStopCouldNotSendIsKeptInTheStateFolderAndSentAtTheNextStart() throws Exception {
        broker = Mosquitto.start(dir);
        Path state = dir.resolve("roeselare-state");
        RecordingLogger log = new RecordingLogger();
        Map<String, Object> rules = Map.of("devices", "gauge-*=waterboard", "sites", "gent",
                "exports", "waterboard>gent WaterObserved/+/waterLevel");
        Map<String, Object> config = Map.of("broker", broker.url(), "reconnectMaxSeconds", 1);
        BusComponent bus = new BusComponent(busConfig(), log.logger());
        RecordingAuditLog audit = new RecordingAuditLog();
        FederationComponent before = component(config, "roeselare", state, bus, policy(rules), log, audit);
        BusComponent gentBus = new BusComponent(busConfig(), log.logger());
        FederationComponent gent = component(Map.of("broker", broker.url(), "reconnectMaxSeconds", 1), "gent", gentBus,
                policy(Map.of("sites", "roeselare", "imports", "roeselare:waterboard WaterObserved/#")), log);
        List<Reading> arrived = new CopyOnWriteArrayList<>();
        subscriptions.add(gentBus.subscribe(new Owner("nl.test", "1", 7), List.of("#"), arrived::add));
        await().atMost(Duration.ofSeconds(15)).until(() -> before.snapshot().link().state().equals("connected")
                && gent.snapshot().link().state().equals("connected"));
        await().atMost(Duration.ofSeconds(5)).until(() -> log.messages("info").stream()
                .anyMatch(m -> m.contains("exporting [WaterObserved/+/waterLevel]")));
        // The shared broker goes away (Gent's session, with its subscription, stays in its persistence).
        broker.stop();
        await().atMost(Duration.ofSeconds(15)).until(() -> !before.snapshot().link().state().equals("connected"));
        for (int i = 1; i <= 3; i++) {
            bus.publish("mqtt:gauge-1", level(i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> before.snapshot().link().queued() == 3);
        before.deactivate();
        components.remove(before);
        assertTrue(Files.isDirectory(state.resolve("federation/outbox")));
        AuditEvent kept = audit.ofKind(AuditEvent.FEDERATION).get(0);
        assertEquals("kept", kept.outcome());
        assertTrue(kept.detail().startsWith("3 readings waiting to leave"), kept.detail());

        // Roeselare starts again; the broker comes back: the three reach Gent, in order.
        FederationComponent after = component(config, "roeselare", state, new BusComponent(busConfig(), log.logger()),
                policy(rules), log, audit);
        assertEquals(3, after.snapshot().link().queued());
        broker.launch();
        await().atMost(Duration.ofSeconds(30)).until(() -> arrived.size() == 3);
        assertEquals(List.of(T.plusSeconds(1), T.plusSeconds(2), T.plusSeconds(3)),
                arrived.stream().map(Reading::observedAt).toList());
        await().atMost(Duration.ofSeconds(5)).until(() -> after.exportedCounts()
                .getOrDefault("waterboard>gent WaterObserved/+/waterLevel", 0L) == 3L);
    }

    @Test
    void anOutboxFileOfAnOlderVersionIsMovedAsideAndTheLinkStartsEmpty() throws Exception {
        Path state = dir.resolve("state");
        Files.createDirectories(state.resolve("federation"));
        Files.writeString(state.resolve("federation/outbox"), "an outbox file of an older version", StandardCharsets.UTF_8);
        RecordingLogger log = new RecordingLogger();
        FederationComponent roeselare = component(Map.of("broker", "tcp://127.0.0.1:1"), "roeselare", state,
                new BusComponent(busConfig(), log.logger()), policy(Map.of()), log, null);
        assertEquals(0, roeselare.snapshot().link().queued());
        assertTrue(Files.isDirectory(state.resolve("federation/outbox")));
        try (var aside = Files.list(state.resolve("federation"))) {
            assertTrue(aside.anyMatch(p -> p.getFileName().toString().startsWith("outbox.refused-")));
        }
        assertTrue(log.messages("error").stream().anyMatch(m -> m.contains("is a file, not the outbox's folder")),
                log.messages("error").toString());
    }

    /**
     * The runtime dies (as with {@code kill -9}: no drain, no last snapshot, no audit) while readings wait for a cut
     * link; at the next start they leave first, and the importer gets each once, with those sent before the cut.
     */
    @Test
    void readingsQueuedDuringACutLinkSurviveACrashAndArriveOnceEach() throws Exception {
        broker = Mosquitto.start(dir);
        Path state = dir.resolve("roeselare-state");
        RecordingLogger log = new RecordingLogger();
        Map<String, Object> rules = Map.of("devices", "gauge-*=waterboard", "sites", "gent",
                "exports", "waterboard>gent WaterObserved/+/waterLevel");
        Map<String, Object> config = Map.of("broker", broker.url(), "reconnectMaxSeconds", 1);
        BusComponent bus = new BusComponent(busConfig(), log.logger());
        RecordingAuditLog audit = new RecordingAuditLog();
        FederationComponent before = component(config, "roeselare", state, bus, policy(rules), log, audit);
        BusComponent gentBus = new BusComponent(busConfig(), log.logger());
        FederationComponent gent = component(Map.of("broker", broker.url(), "reconnectMaxSeconds", 1), "gent", gentBus,
                policy(Map.of("sites", "roeselare", "imports", "roeselare:waterboard WaterObserved/#")), log);
        List<Reading> arrived = new CopyOnWriteArrayList<>();
        subscriptions.add(gentBus.subscribe(new Owner("nl.test", "1", 7), List.of("#"), arrived::add));
        await().atMost(Duration.ofSeconds(15)).until(() -> before.snapshot().link().state().equals("connected")
                && gent.snapshot().link().state().equals("connected"));
        await().atMost(Duration.ofSeconds(5)).until(() -> log.messages("info").stream()
                .anyMatch(m -> m.contains("exporting [WaterObserved/+/waterLevel]")));
        for (int i = 1; i <= 20; i++) {
            bus.publish("mqtt:gauge-1", level(i));
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> arrived.size() == 20);

        // The link is cut; what the bus hands the federation meanwhile waits; then the runtime dies.
        broker.stop();
        await().atMost(Duration.ofSeconds(15)).until(() -> !before.snapshot().link().state().equals("connected"));
        for (int i = 21; i <= 520; i++) {
            bus.publish("mqtt:gauge-1", level(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> before.snapshot().link().queued() == 500);
        before.halt();
        components.remove(before);
        assertTrue(audit.ofKind(AuditEvent.FEDERATION).isEmpty(), "a crash audits nothing: " + audit.events());

        // Roeselare starts again from its state folder; the broker comes back: the 500 reach Gent, in order, and
        // nothing arrives twice (the 20 sent before the cut are not sent again).
        FederationComponent after = component(config, "roeselare", state, new BusComponent(busConfig(), log.logger()),
                policy(rules), log, audit);
        assertEquals(500, after.snapshot().link().queued());
        broker.launch();
        await().atMost(Duration.ofSeconds(30)).until(() -> arrived.size() >= 520);
        await().atMost(Duration.ofSeconds(10)).until(() -> after.snapshot().link().queued() == 0
                && after.exportedCounts().getOrDefault("waterboard>gent WaterObserved/+/waterLevel", 0L) == 500L);
        List<Instant> expected = new ArrayList<>();
        for (int i = 1; i <= 520; i++) {
            expected.add(T.plusSeconds(i));
        }
        assertEquals(expected, arrived.stream().map(Reading::observedAt).toList(), "each once, in order");
        assertEquals(0, gent.snapshot().refusals().values().stream().mapToLong(Long::longValue).sum(),
                "no duplicate was even offered: " + gent.snapshot().refusals());
    }

    @Test
    void aCleanStopWhileConnectedWaitsForTheBrokerAndLosesNothing() throws Exception {
        broker = Mosquitto.start(dir);
        RecordingLogger log = new RecordingLogger();
        BusComponent bus = new BusComponent(busConfig(), log.logger());
        RecordingAuditLog audit = new RecordingAuditLog();
        FederationComponent roeselare = component(Map.of("broker", broker.url(), "reconnectMaxSeconds", 1), "roeselare", bus,
                policy(Map.of("devices", "gauge-*=waterboard", "sites", "gent",
                        "exports", "waterboard>gent WaterObserved/+/waterLevel")), log, audit);
        await().atMost(Duration.ofSeconds(15)).until(() -> roeselare.snapshot().link().state().equals("connected"));
        await().atMost(Duration.ofSeconds(5)).until(() -> log.messages("info").stream()
                .anyMatch(m -> m.contains("exporting [WaterObserved/+/waterLevel]")));
        // Readings wait in the outbox while the link is down; the runtime stops right after the link is back.
        broker.stop();
        await().atMost(Duration.ofSeconds(15)).until(() -> !roeselare.snapshot().link().state().equals("connected"));
        int total = 3000;
        for (int i = 1; i <= total; i++) {
            bus.publish("mqtt:gauge-1", level(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> roeselare.snapshot().link().queued() == total);
        broker.launch();
        await().atMost(Duration.ofSeconds(15)).until(() -> roeselare.snapshot().link().state().equals("connected"));
        roeselare.deactivate();
        components.remove(roeselare);
        assertTrue(audit.ofKind(AuditEvent.FEDERATION).isEmpty(), audit.events().toString());
        assertEquals(total, roeselare.exportedCounts().values().stream().mapToLong(Long::longValue).sum());
    }

    private static List<String> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("regie-federation")).toList();
    }

    private FederationComponent component(Map<String, Object> config, String site, BusComponent bus,
            PolicyEngine policy, RecordingLogger log) {
        return component(config, site, bus, policy, log, null);
    }

    private FederationComponent component(Map<String, Object> config, String site, BusComponent bus,
            PolicyEngine policy, RecordingLogger log, RecordingAuditLog audit) {
        return component(config, site, null, bus, policy, log, audit);
    }

    private FederationComponent component(Map<String, Object> config, String site, Path stateDir, BusComponent bus,
            PolicyEngine policy, RecordingLogger log, RecordingAuditLog audit) {
        FederationComponent component = new FederationComponent(config(FederationComponent.Config.class, config),
                site, stateDir, OWNER, bus, policy, log.logger(), Clock.systemUTC());
        component.audit = audit;
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
