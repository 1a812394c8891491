package nl.regie.testkit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import nl.regie.api.actuation.Actuation;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;

/**
 * The plugin's {@link Actuation}: the runtime's own, which decides everything, knowing which commands are still on
 * their way, so that {@link RegieTestKit#settle()} can wait until each has reached a driver that holds it open for the
 * test, or has ended and the plugin has taken its outcome (the plugin's callbacks on the stage have run).
 */
final class TrackedActuation implements Actuation {

    private final Actuation runtime;
    private final Set<String> underWay = new HashSet<>();
    private final List<Command> sent = new ArrayList<>();

    TrackedActuation(Actuation runtime) {
        this.runtime = runtime;
    }

    @Override
    public CompletionStage<CommandResult> send(Command command) {
        CompletableFuture<CommandResult> toPlugin = new CompletableFuture<>();
        synchronized (this) {
            underWay.add(command.id());
            sent.add(command);
        }
        CompletionStage<CommandResult> stage;
        try {
            stage = runtime.send(command);
        } catch (RuntimeException e) {
            done(command.id());
            throw e;
        }
        stage.whenComplete((result, failure) -> {
            // Completing runs the plugin's callbacks on this thread; only then is the command no longer under way.
            try {
                if (failure != null) {
                    toPlugin.completeExceptionally(failure);
                } else {
                    toPlugin.complete(result);
                }
            } finally {
                done(command.id());
            }
        });
        return toPlugin;
    }

    @Override
    public Optional<CommandResult> status(String commandId) {
        return runtime.status(commandId);
    }

    private synchronized void done(String commandId) {
        underWay.remove(commandId);
    }

    /** Every command the plugin sent, in the order it sent them. */
    synchronized List<Command> sent() {
        return List.copyOf(sent);
    }

    /** Whether every command under way is one of those held open by a driver (the test answers it). */
    synchronized boolean settled(Set<String> heldOpen) {
        return heldOpen.containsAll(underWay);
    }
}
