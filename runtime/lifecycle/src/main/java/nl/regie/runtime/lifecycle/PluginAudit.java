package nl.regie.runtime.lifecycle;

import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.Outcome.Operation;

/**
 * Records the lifecycle's operations in the audit log (kind {@link AuditEvent#PLUGIN}): actor the route the
 * operation came by ({@code folder}, {@code http}, {@code shell}, else {@code operator}), action the operation,
 * target the plugin with its versions, outcome the result (or {@code REFUSED}), detail the reason. Without an audit
 * log (the sovereignty bundle left out) nothing is recorded; the lifecycle's own log lines remain.
 */
final class PluginAudit {

    private final Supplier<AuditLog> audit;

    PluginAudit(Supplier<AuditLog> audit) {
        this.audit = audit;
    }

    PluginAudit(AuditLog audit) {
        this(() -> audit);
    }

    private void record(AuditEvent event) {
        AuditLog log = audit.get();
        if (log != null) {
            log.record(event);
        }
    }

    /**
     * An operation that ran: the party is the party of the key that signed the jar it installed, updated to or rolled
     * back to (or the removed plugin's), and the detail starts with that key.
     */
    void outcome(Outcome outcome, SignatureCheck.Signer signer) {
        String from = outcome.fromVersion();
        String to = outcome.toVersion();
        String versions = from == null ? (to == null ? "" : " " + to)
                : to == null || to.equals(from) ? " " + from : " " + from + " -> " + to;
        String key = signer.describe();
        record(new AuditEvent(outcome.at(), AuditEvent.PLUGIN, actor(outcome.origin()), signer.party(),
                action(outcome.operation()), outcome.symbolicName() + versions, outcome.result().name(),
                outcome.reason().isEmpty() ? key : key + "; " + outcome.reason()));
    }

    /** An operation refused before it ran. */
    void refused(LifecycleException e, String origin, Operation operation, String target) {
        record(new AuditEvent(Instant.now(), AuditEvent.PLUGIN, actor(origin), "", action(operation), target,
                "REFUSED", e.reason() + ": " + e.getMessage()));
    }

    /** The route an operation came by: folder, http or shell; operator when the origin is none of them. */
    static String actor(String origin) {
        if (origin == null) {
            return "operator";
        }
        return switch (origin) {
            case FolderWriter.ORIGIN -> "folder";
            case "HTTP" -> "http";
            case "shell" -> "shell";
            default -> "operator";
        };
    }

    private static String action(Operation operation) {
        return operation.name().toLowerCase(Locale.ROOT);
    }
}
