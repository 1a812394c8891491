package nl.regie.runtime.core.actuation;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;

/**
 * Records the end of each command in the audit log: who, for which party, what, on which entity, how it ended. Without
 * an audit log (the sovereignty bundle left out) nothing is recorded, except the ends of commands found in progress at
 * a restart, which wait for the audit log to come (it usually starts after actuation).
 */
final class CommandAudit {

    /** Ends found at a restart that wait for an audit log, at most. */
    static final int MAX_WAITING = 10_000;

    private final Supplier<AuditLog> log;
    private final Clock clock;
    /** Guarded by itself. */
    private final List<AuditEvent> waiting = new ArrayList<>();

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
            audit.record(event(actor, party, command, state, reason));
        });
        return outcome;
    }

    /** Records the end of a command found in progress at a restart, now or as soon as there is an audit log. */
    void ended(String actor, String party, Command command, CommandResult result) {
        AuditEvent event = event(actor, party, command, result.state().name(), result.reason());
        synchronized (waiting) {
            if (waiting.size() < MAX_WAITING) {
                waiting.add(event);
            }
        }
        flush();
    }

    /** Records what waits for an audit log, if there is one now. */
    void flush() {
        AuditLog audit = log.get();
        if (audit == null) {
            return;
        }
        List<AuditEvent> events;
        synchronized (waiting) {
            events = List.copyOf(waiting);
            waiting.clear();
        }
        events.forEach(audit::record);
    }

    private AuditEvent event(String actor, String party, Command command, String state, String reason) {
        return new AuditEvent(clock.instant(), AuditEvent.COMMAND, actor, party, command.action(),
                command.target().toString(), state, reason);
    }
}
