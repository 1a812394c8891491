package nl.regie.api.actuation;

import java.time.Instant;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The state of a command at one moment; the final result when {@link CommandState#isFinal()}.
 *
 * @param commandId the command's id
 * @param state     its state
 * @param reason    why it ended this way (for REJECTED, FAILED, EXPIRED), or empty
 * @param at        when it reached this state
 */
@ProviderType
public record CommandResult(String commandId, CommandState state, String reason, Instant at) {

    /** Checks that every field is present. */
    public CommandResult {
        Objects.requireNonNull(commandId, "commandId is required");
        Objects.requireNonNull(state, "state is required");
        Objects.requireNonNull(reason, "reason is required (use \"\" for none)");
        Objects.requireNonNull(at, "at is required");
    }

    /** A result in the given state, now. */
    public static CommandResult of(String commandId, CommandState state, String reason) {
        return new CommandResult(commandId, state, reason, Instant.now());
    }

    /** A COMPLETED result, now. */
    public static CommandResult completed(String commandId) {
        return of(commandId, CommandState.COMPLETED, "");
    }

    /** A REJECTED result, now. */
    public static CommandResult rejected(String commandId, String reason) {
        return of(commandId, CommandState.REJECTED, reason);
    }

    /** A FAILED result, now. */
    public static CommandResult failed(String commandId, String reason) {
        return of(commandId, CommandState.FAILED, reason);
    }
}
