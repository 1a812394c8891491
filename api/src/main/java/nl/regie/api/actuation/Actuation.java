package nl.regie.api.actuation;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends commands to entities. The runtime routes each command to the {@link ActuationDriver} registered for
 * the target's entity type and guarantees an outcome: the returned stage always completes, with
 * COMPLETED, REJECTED, FAILED, or EXPIRED at the deadline. A command for an entity type without driver is
 * REJECTED at once.
 */
@ProviderType
public interface Actuation {

    /**
     * Sends a command.
     *
     * @param command the command
     * @return a stage that completes with the final result; it never completes exceptionally
     * @throws IllegalArgumentException if a command with the same id is still in progress
     */
    CompletionStage<CommandResult> send(Command command);

    /** The latest known state of a recent command, or empty if the id is unknown or long forgotten. */
    Optional<CommandResult> status(String commandId);
}
