package nl.regie.runtime.core.actuation;

import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;

/**
 * Records the end of each command in the audit log: who, for which party, what, on which entity, how it ended. Without
 * an audit log (the sovereignty bundle left out) nothing is recorded.
 */
final class CommandAudit {

    private final Supplier<AuditLog> log;
    private final Clock clock;

    CommandAudit(Supplier<AuditLog> log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** The same stage, which records the command's end when it completes. */
    CompletionStage<CommandResult> onEnd(String actor, String party, Command command,
            CompletionStage<CommandResult> outcome) {
        outcome.whenComplete((result, failure) -> {
            String state = result != null ? result.state().name() : "FAILED";
            String reason = result != null ? result.reason() : String.valueOf(failure);
            AuditLog audit = log.get();
            if (audit == null) {
                return;
            }
            audit.record(new AuditEvent(clock.instant(), AuditEvent.COMMAND, actor, party, command.action(),
                    command.target().toString(), state, reason));
        });
        return outcome;
    }
}
