package nl.regie.lighting;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import nl.regie.api.actuation.Actuation;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.Value;

/** An {@link Actuation} whose commands end when the test says so. */
final class FakeActuation implements Actuation {

    /** A command as sent, with the stage the test completes. */
    record Sent(Command command, CompletableFuture<CommandResult> stage) {

        double level() {
            return ((Value.Number) command.parameters().get("level")).value();
        }

        String lamp() {
            return command.target().localId();
        }

        void complete(CommandState state) {
            stage.complete(CommandResult.of(command.id(), state, state == CommandState.COMPLETED ? "" : "test says " + state));
        }
    }

    private final List<Sent> sent = new ArrayList<>();
    /** When set, every command ends at once in this state, as the runtime does for an entity type without driver. */
    CommandState immediately;

    @Override
    public CompletionStage<CommandResult> send(Command command) {
        CompletableFuture<CommandResult> stage = new CompletableFuture<>();
        Sent entry = new Sent(command, stage);
        sent.add(entry);
        if (immediately != null) {
            entry.complete(immediately);
        }
        return stage;
    }

    @Override
    public Optional<CommandResult> status(String commandId) {
        return Optional.empty();
    }

    /** Every command sent, in order. */
    List<Sent> sent() {
        return sent;
    }

    /** The commands not yet ended. */
    List<Sent> pending() {
        return sent.stream().filter(s -> !s.stage().isDone()).toList();
    }

    /** The last command sent. */
    Sent last() {
        return sent.get(sent.size() - 1);
    }

    /** Forgets what was sent so far (pending stages stay completable through their {@link Sent}). */
    List<Sent> drain() {
        List<Sent> copy = List.copyOf(sent);
        sent.clear();
        return copy;
    }
}
