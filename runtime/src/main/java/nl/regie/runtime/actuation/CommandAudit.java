package nl.regie.runtime.actuation;

import java.time.Clock;
import java.util.concurrent.CompletionStage;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.runtime.audit.AuditEvent;
import nl.regie.runtime.audit.AuditLog;

/** Records the end of each command in the audit log: who, for which party, what, on which entity, how it ended. */
final class CommandAudit {

    private final AuditLog log;
    private final Clock clock;

    CommandAudit(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** The same stage, which records the command's end when it completes. */
    CompletionStage<CommandResult> onEnd(String actor, String party, Command command,
            CompletionStage<CommandResult> outcome) {
        outcome.whenComplete((result, failure) -> {
            String state = result != null ? result.state().name() : "FAILED";
            String reason = result != null ? result.reason() : String.valueOf(failure);
            log.record(new AuditEvent(clock.instant(), AuditEvent.COMMAND, actor, party, command.action(),
                    command.target().toString(), state, reason));
        });
        return outcome;
    }
}
