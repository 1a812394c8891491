package nl.regie.runtime.spi.actuation;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The runtime's own way to send commands on someone's behalf (the HTTP API, the plugins' bundle-scoped
 * {@link nl.regie.api.actuation.Actuation}): like {@code Actuation.send}, and the end of every command is recorded
 * in the audit log (kind {@code command}) with who sent it for which party. Runtime-internal.
 */
@ProviderType
public interface Commands {

    /**
     * Sends a command; see {@link nl.regie.api.actuation.Actuation#send}.
     *
     * @param actor   who sends it: a plugin's symbolic name or an HTTP token's name
     * @param party   the party the actor acts for
     * @param command the command
     * @return a stage that completes with the final result, never exceptionally
     * @throws IllegalArgumentException if a command with the same id is still in progress
     */
    CompletionStage<CommandResult> send(String actor, String party, Command command);

    /**
     * Ends a command at once as REJECTED without routing it (the caller refused it, for example for being outside
     * a plugin's scope), recorded and audited like any other command.
     */
    CompletionStage<CommandResult> reject(String actor, String party, Command command, String reason);

    /** The latest known state of a recent command; see {@link nl.regie.api.actuation.Actuation#status}. */
    Optional<CommandResult> status(String commandId);

    /**
     * Who sent a recent command (the {@code actor} it was sent or rejected with), for as long as its state is kept,
     * restarts included; empty for a command not known, "" for one whose sender is not known (kept by a runtime
     * before 1.1 of this package).
     */
    Optional<String> sender(String commandId);
}
