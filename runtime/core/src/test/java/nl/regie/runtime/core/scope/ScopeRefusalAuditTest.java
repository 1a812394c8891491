package nl.regie.runtime.core.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import nl.regie.api.actuation.Command;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.TestPolicy;

import org.junit.jupiter.api.Test;

/** Refusals are counted and refused every time, but audited once per plugin version, kind and pattern. */
class ScopeRefusalAuditTest {

    private static final String BINS = "nl.example.bins";
    private static final DeclaredScope SCOPE = DeclaredScope.of(List.of("WasteContainer/+/fillingLevel"),
            List.of("WasteContainer/+/full"), List.of("Streetlight"));

    private final RecordingAuditLog audit = new RecordingAuditLog();

    private ScopeGuards guards(int maxAuditedKeys) {
        return new ScopeGuards(new TestPolicy(), audit, new RecordingLogger().logger(), 1, Clock.systemUTC(),
                maxAuditedKeys);
    }

    private static Reading bin(String localId, String attribute, String source) {
        return Reading.of(EntityId.of("WasteContainer", localId), attribute, Value.of(1), "", source);
    }

    private List<String> auditedTargets() {
        return audit.ofKind(AuditEvent.SCOPE).stream().map(e -> e.action() + " " + e.target()).toList();
    }

    @Test
    void aPluginLoopingOnRefusedPublishesIsRefusedEveryTimeButAuditedOncePerPattern() {
        ScopeGuards guards = guards(ScopeRefusals.DEFAULT_MAX_KEYS);
        ScopeGuard guard = guards.forPlugin(new Owner(BINS, "1.4.0", 17), SCOPE);

        for (int i = 0; i < 1_000; i++) {
            String localId = "bin-" + i;
            SecurityException e = assertThrows(SecurityException.class,
                    () -> guard.checkPublish(bin(localId, "fillingLevel", BINS)));
            assertTrue(e.getMessage().contains("WasteContainer/" + localId + "/fillingLevel"), e.getMessage());
        }
        assertThrows(SecurityException.class, () -> guard.checkPublish(bin("bin-1", "temperature", BINS)));
        assertThrows(SecurityException.class, () -> guard.checkPublish(bin("bin-1", "full", "bin-1")));
        assertThrows(SecurityException.class, () -> guard.checkPublish(bin("bin-2", "full", "bin-2")));

        assertEquals(List.of("publish WasteContainer/bin-0/fillingLevel", "publish WasteContainer/bin-1/temperature",
                "publish WasteContainer/bin-1/full"), auditedTargets(), "one record per pattern and reason");
        assertEquals(Map.of(BINS, 1_003L), guards.refusalsByPlugin());
        assertEquals(Map.of(BINS, Map.of("publish", 1_003L)), guards.refusalsByPluginAndKind());
        assertEquals(1_003L, guards.refusals());
    }

    @Test
    void subscriptionsAndCommandsAreDeduplicatedByFilterAndEntityType() {
        ScopeGuards guards = guards(ScopeRefusals.DEFAULT_MAX_KEYS);
        ScopeGuard guard = guards.forPlugin(new Owner(BINS, "1.4.0", 17), SCOPE);

        for (int i = 0; i < 3; i++) {
            assertThrows(SecurityException.class, () -> guard.checkSubscribe(List.of("WasteContainer/#")));
            Command command = Command.of(EntityId.of("Valve", "valve-" + i), "open", Map.of(),
                    Instant.now().plusSeconds(60));
            String refusal = guard.commandRefusal(command);
            assertNotNull(refusal, "refused every time");
            assertTrue(refusal.contains("may not actuate entity type Valve"), refusal);
        }
        assertEquals(List.of("subscribe WasteContainer/#", "open urn:ngsi-ld:Valve:valve-0"), auditedTargets());
        assertEquals(Map.of(BINS, Map.of("subscribe", 3L, "actuate", 3L)), guards.refusalsByPluginAndKind());
    }

    @Test
    void theScopeMonitorCountsEveryRefusalOfAPluginByKindAndOnlyGrows() {
        ScopeGuards guards = guards(ScopeRefusals.DEFAULT_MAX_KEYS);
        ScopeGuard guard = guards.forPlugin(new Owner(BINS, "1.4.0", 17), SCOPE);
        assertEquals(Map.of(), guards.refusalsOf(BINS), "none yet");

        assertThrows(SecurityException.class, () -> guard.checkSubscribe(List.of("WasteContainer/#")));
        assertThrows(SecurityException.class, () -> guard.checkSubscribe(List.of("WasteContainer/#")));
        assertThrows(SecurityException.class, () -> guard.checkPublish(bin("bin-1", "temperature", BINS)));
        assertEquals(Map.of("publish", 1L, "subscribe", 2L), guards.refusalsOf(BINS));

        ScopeGuard updated = guards.forPlugin(new Owner(BINS, "1.5.0", 19), SCOPE);
        assertThrows(SecurityException.class, () -> updated.checkSubscribe(List.of("WasteContainer/#")));
        assertEquals(Map.of("publish", 1L, "subscribe", 3L), guards.refusalsOf(BINS),
                "a new version adds to the counts: the lifecycle compares them with those taken before it started");
        assertEquals(Map.of(), guards.refusalsOf("nl.example.other"));
    }

    @Test
    void pastTheLimitNewRefusalsAreCountedOnlyAndTheOneReachingItSaysSo() {
        ScopeGuards guards = guards(3);
        ScopeGuard guard = guards.forPlugin(new Owner(BINS, "1.4.0", 17), SCOPE);

        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 6; i++) {
                String attribute = "attribute" + i;
                assertThrows(SecurityException.class, () -> guard.checkPublish(bin("bin-1", attribute, BINS)));
            }
        }

        List<AuditEvent> events = audit.ofKind(AuditEvent.SCOPE);
        assertEquals(4, events.size(), auditedTargets().toString());
        assertFalse(events.get(2).detail().contains("not audited"), events.get(2).detail());
        assertEquals("WasteContainer/bin-1/attribute3", events.get(3).target());
        assertTrue(events.get(3).detail().endsWith("this plugin has had over 3 distinct refusals, so further new ones"
                + " are counted (in /metrics) but not audited"), events.get(3).detail());
        assertEquals(Map.of(BINS, 12L), guards.refusalsByPlugin());
    }

    @Test
    void aNewVersionOfThePluginIsAuditedAgainAndOtherPluginsOnTheirOwn() {
        ScopeGuards guards = guards(ScopeRefusals.DEFAULT_MAX_KEYS);
        ScopeGuard old = guards.forPlugin(new Owner(BINS, "1.4.0", 17), SCOPE);
        ScopeGuard other = guards.forPlugin(new Owner("nl.example.other", "1.0.0", 18), SCOPE);
        ScopeGuard updated = guards.forPlugin(new Owner(BINS, "1.5.0", 19), SCOPE);

        assertThrows(SecurityException.class, () -> old.checkPublish(bin("bin-1", "temperature", BINS)));
        assertThrows(SecurityException.class, () -> old.checkPublish(bin("bin-2", "temperature", BINS)));
        assertThrows(SecurityException.class,
                () -> other.checkPublish(bin("bin-1", "temperature", "nl.example.other")));
        assertThrows(SecurityException.class, () -> updated.checkPublish(bin("bin-3", "temperature", BINS)));

        assertEquals(List.of("nl.example.bins 1.4.0", "nl.example.other 1.0.0", "nl.example.bins 1.5.0"),
                audit.ofKind(AuditEvent.SCOPE).stream().map(e -> e.detail().split(" ")[1] + " "
                        + e.detail().split(" ")[2]).toList());
        assertEquals(Map.of(BINS, 3L, "nl.example.other", 1L), guards.refusalsByPlugin());
    }

    @Test
    void aGuardMustRememberAtLeastOneKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> guards(0));
        assertEquals("at least one refusal key must be remembered per plugin: 0", e.getMessage());
    }
}
