package nl.regie.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.Outcome.Operation;
import nl.regie.runtime.spi.lifecycle.Outcome.Result;

import org.junit.jupiter.api.Test;

class PluginAuditTest {

    private static final Instant AT = Instant.parse("2026-11-28T03:00:00Z");

    private final List<AuditEvent> events = new ArrayList<>();
    private final PluginAudit audit = new PluginAudit(events::add);

    private static final String KEY = "sha256:" + "c2".repeat(32);
    private static final SignatureCheck.Signer CONTRACTOR = new SignatureCheck.Signer(KEY, "contractor");

    @Test
    void recordsEachOutcomeWithRouteVersionsKeyAndReason() {
        audit.outcome(outcome(Operation.UPDATE, Result.ROLLED_BACK, "1.0.0", "1.0.0", "1.1.0 was not healthy: x",
                "plugins folder"), CONTRACTOR);
        audit.outcome(outcome(Operation.INSTALL, Result.INSTALLED, null, "1.0.0", "", "HTTP"), CONTRACTOR);
        audit.outcome(outcome(Operation.ROLLBACK, Result.PROMOTED, "1.1.0", "1.0.0", "", "shell"), CONTRACTOR);
        audit.outcome(outcome(Operation.REMOVE, Result.REMOVED, "1.0.0", null, "", "itests"),
                SignatureCheck.Signer.UNSIGNED);
        assertEquals(List.of(
                new AuditEvent(AT, AuditEvent.PLUGIN, "folder", "contractor", "update", "nl.regie.waste 1.0.0",
                        "ROLLED_BACK", "key " + KEY + "; 1.1.0 was not healthy: x"),
                new AuditEvent(AT, AuditEvent.PLUGIN, "http", "contractor", "install", "nl.regie.waste 1.0.0",
                        "INSTALLED", "key " + KEY),
                new AuditEvent(AT, AuditEvent.PLUGIN, "shell", "contractor", "rollback", "nl.regie.waste 1.1.0 -> 1.0.0",
                        "PROMOTED", "key " + KEY),
                new AuditEvent(AT, AuditEvent.PLUGIN, "operator", "(none)", "remove", "nl.regie.waste 1.0.0", "REMOVED",
                        "unsigned")),
                events);
    }

    @Test
    void recordsARefusalWithItsReason() {
        audit.refused(new LifecycleException(Reason.SAME_VERSION, "Cannot update nl.regie.waste: same"), "HTTP",
                Operation.UPDATE, "nl.regie.waste");
        AuditEvent refusal = events.get(0);
        assertEquals("REFUSED", refusal.outcome());
        assertEquals("http", refusal.actor());
        assertEquals("SAME_VERSION: Cannot update nl.regie.waste: same", refusal.detail());
    }

    private static Outcome outcome(Operation operation, Result result, String from, String to, String reason,
            String origin) {
        return new Outcome("nl.regie.waste", operation, result, from, to, reason, 0, 0, Duration.ZERO, List.of(), origin, AT);
    }
}
