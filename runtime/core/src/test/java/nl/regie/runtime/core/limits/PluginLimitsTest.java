package nl.regie.runtime.core.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.LimitExceededException;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.RecordingMetrics;

import org.junit.jupiter.api.Test;

/** Each limit refuses past its value, naming plugin, limit and value; counted each time, audited once per version. */
class PluginLimitsTest {

    private static final String FLOOD = "nl.example.flood";
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(5 * SECOND);
    private final Set<EntityId> known = ConcurrentHashMap.newKeySet();
    private final RecordingLogger log = new RecordingLogger();
    private final RecordingAuditLog audit = new RecordingAuditLog();
    private final PluginLimits limits = new PluginLimits(bundle -> false, known::contains, log.logger(),
            Clock.systemUTC(), now::get).withAudit(audit);
    private final Owner flood = new Owner(FLOOD, "1.0.0", 40);

    private static Reading level(String localId) {
        return Reading.of(EntityId.of("WaterObserved", localId), "waterLevel", Value.of(1.2), "m", FLOOD);
    }

    @Test
    void thePublishRateAllowsItsBurstThenItsRateAndRefusesTheRest() {
        assertTrue(limits.apply(Map.of("publishPerSecond", 100, "publishBurst", 10)));
        known.add(EntityId.of("WaterObserved", "gauge-1"));
        PluginQuota quota = limits.forPlugin(flood);
        for (int i = 0; i < 10; i++) {
            quota.checkPublish(level("gauge-1"));
        }
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> quota.checkPublish(level("gauge-1")));
        assertEquals("plugin nl.example.flood 1.0.0 may not publish WaterObserved/gauge-1/waterLevel: it is past its"
                + " limit publishPerSecond = 100 readings a second (publishBurst = 10)", e.getMessage());
        assertEquals(List.of(FLOOD, "publishPerSecond", "100"), List.of(e.plugin(), e.limit(), Long.toString(e.value())));

        now.addAndGet(SECOND / 100); // one reading's worth of time
        quota.checkPublish(level("gauge-1"));
        assertThrows(LimitExceededException.class, () -> quota.checkPublish(level("gauge-1")));

        now.addAndGet(SECOND); // a quiet second refills the burst, no more
        int allowed = 0;
        for (int i = 0; i < 50; i++) {
            try {
                quota.checkPublish(level("gauge-1"));
                allowed++;
            } catch (LimitExceededException refused) {
                // counted below
            }
        }
        assertEquals(10, allowed);
        assertEquals(Map.of(FLOOD, Map.of("publishPerSecond", 42L)), limits.refusals());
        assertEquals(1, audit.ofKind(AuditEvent.LIMIT).size(), "audited once per plugin version and limit");
        assertEquals(1, log.messages("warn").size(), log.entries().toString());
    }

    @Test
    void entitiesOthersBroughtInAreFreeAndNewOnesCountUpToTheLimit() {
        limits.apply(Map.of("entities", 3));
        known.add(EntityId.of("WaterObserved", "gauge-1"));
        PluginQuota quota = limits.forPlugin(flood);
        quota.checkPublish(level("gauge-1"));
        for (int i = 0; i < 3; i++) {
            quota.checkPublish(level("fake-" + i));
            quota.checkPublish(level("fake-" + i)); // its own again: not another entity
        }
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> quota.checkPublish(level("fake-3")));
        assertEquals("plugin nl.example.flood 1.0.0 may not publish WaterObserved/fake-3/waterLevel: it has brought 3"
                + " entities into the city state, its limit entities = 3", e.getMessage());
        assertThrows(LimitExceededException.class, () -> quota.checkEntity(EntityId.of("Alert", "flood-new")));
        quota.checkPublish(level("fake-0"));

        // The count is the plugin's, whatever its version: a new version does not start again.
        PluginQuota updated = limits.forPlugin(new Owner(FLOOD, "1.1.0", 41));
        assertThrows(LimitExceededException.class, () -> updated.checkPublish(level("fake-9")));
        assertEquals(2, audit.ofKind(AuditEvent.LIMIT).size(), "once for 1.0.0, once for 1.1.0");
    }

    @Test
    void subscriptionsAreTakenAndGivenBack() {
        limits.apply(Map.of("subscriptions", 2));
        PluginQuota quota = limits.forPlugin(flood);
        Runnable first = quota.openSubscription(List.of("WaterObserved/#"));
        quota.openSubscription(List.of("Alert/#"));
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> quota.openSubscription(List.of("#")));
        assertEquals("plugin nl.example.flood 1.0.0 may not subscribe to [#]: it has 2 subscriptions open, its limit"
                + " subscriptions = 2", e.getMessage());
        first.run();
        first.run(); // a second close gives nothing more back
        quota.openSubscription(List.of("#"));
        assertThrows(LimitExceededException.class, () -> quota.openSubscription(List.of("#")));
    }

    @Test
    void threadsOverTheLimitAreReportedOncePerVersionAndCountedEachTimeTheyGoOver() {
        limits.apply(Map.of("threads", 2));
        assertNull(limits.threadsSeen(flood, 2));
        String report = limits.threadsSeen(flood, 5);
        assertEquals("plugin nl.example.flood 1.0.0 runs 5 threads, over its limit threads = 2. Threads cannot be"
                + " refused inside the JVM: update or remove the plugin, or raise its limit in nl.regie.runtime.limits",
                report);
        limits.threadsSeen(flood, 6);
        assertNull(limits.threadsSeen(flood, 1));
        limits.threadsSeen(flood, 3);
        assertEquals(Map.of(FLOOD, Map.of("threads", 2L)), limits.refusals(), "counted each time it went over");
        List<AuditEvent> audited = audit.ofKind(AuditEvent.LIMIT);
        assertEquals(1, audited.size());
        assertEquals(List.of(FLOOD, "threads", "reported"), List.of(audited.get(0).actor(), audited.get(0).target(),
                audited.get(0).outcome()));
    }

    @Test
    void anOverrideGivesOnePluginMoreAndTheRuntimeHasNoLimits() {
        limits.apply(Map.of("entities", 0, "overrides", "nl.example.* entities=1"));
        limits.forPlugin(flood).checkPublish(level("fake-1"));
        assertThrows(LimitExceededException.class, () -> limits.forPlugin(flood).checkPublish(level("fake-2")));
        assertThrows(LimitExceededException.class,
                () -> limits.forPlugin(new Owner("nl.other", "1.0.0", 3)).checkPublish(level("fake-1")));
        assertFalse(PluginQuota.UNLIMITED.limited());
        PluginQuota.UNLIMITED.checkPublish(level("anything"));
        assertEquals(100, PluginQuota.UNLIMITED.busSharePercent());
    }

    @Test
    void aBadConfigurationIsRefusedWholeAndTheLimitsInForceStay() {
        assertTrue(limits.apply(Map.of("subscriptions", 7)));
        assertFalse(limits.apply(Map.of("subscriptions", 8, "busSharePercent", 0)));
        assertEquals(7, limits.settings().defaults().subscriptions());
        assertTrue(log.messages("error").get(0).contains("busSharePercent = 0 is out of range"),
                log.entries().toString());
    }

    @Test
    void metricsShowWhatEachPluginUsesAndWasRefused() {
        limits.apply(Map.of("subscriptions", 1));
        PluginQuota quota = limits.forPlugin(flood);
        quota.openSubscription(List.of("#"));
        assertThrows(LimitExceededException.class, () -> quota.openSubscription(List.of("#")));
        quota.checkPublish(level("fake-1"));
        limits.threadsSeen(flood, 4);
        RecordingMetrics metrics = new RecordingMetrics();
        limits.collect(metrics);
        assertEquals(1, metrics.value("regie_plugin_limit_refusals_total", "plugin", FLOOD, "limit", "subscriptions"));
        assertEquals("counter", metrics.type("regie_plugin_limit_refusals_total"));
        assertEquals(1, metrics.value("regie_plugin_entities", "plugin", FLOOD));
        assertEquals(1, metrics.value("regie_plugin_subscriptions", "plugin", FLOOD));
        assertEquals(4, metrics.value("regie_plugin_threads", "plugin", FLOOD));
    }
}
