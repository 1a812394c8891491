package nl.regie.testkit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import nl.regie.api.actuation.ActuationDriver;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;

/**
 * The devices of one entity type, as a test plays them: a driver the runtime's actuation routes that type's commands
 * to. By default it completes every command at once; it can reject or fail them, or keep them open (then the test
 * answers each, or lets the test clock pass their deadline: the runtime ends them {@code EXPIRED}).
 */
public final class TestDriver implements ActuationDriver {

    private enum Answer { COMPLETE, REJECT, FAIL, NONE }

    private final Clock clock;
    private final List<Command> received = new ArrayList<>();
    private final Map<String, CompletableFuture<CommandResult>> open = new ConcurrentHashMap<>();
    private volatile Answer answer = Answer.COMPLETE;
    private volatile String reason = "";

    TestDriver(Clock clock) {
        this.clock = clock;
    }

    /** Completes every command from now on (the default). */
    public TestDriver completes() {
        answer = Answer.COMPLETE;
        return this;
    }

    /** Rejects every command from now on, with this reason. */
    public TestDriver rejects(String reason) {
        this.answer = Answer.REJECT;
        this.reason = reason;
        return this;
    }

    /** Fails every command from now on, with this reason. */
    public TestDriver fails(String reason) {
        this.answer = Answer.FAIL;
        this.reason = reason;
        return this;
    }

    /** Answers no command from now on: each stays open until the test answers it or its deadline passes. */
    public TestDriver answersNothing() {
        answer = Answer.NONE;
        return this;
    }

    /** Every command received so far, in order. */
    public List<Command> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Answers an open command: {@code COMPLETED}, {@code REJECTED} or {@code FAILED}, with a reason. */
    public void answer(String commandId, CommandState state, String reason) {
        CompletableFuture<CommandResult> result = open.remove(commandId);
        if (result == null) {
            throw new IllegalStateException("command " + commandId + " is not open at this driver (open: " + open.keySet()
                    + ")");
        }
        result.complete(new CommandResult(commandId, state, reason, clock.instant()));
    }

    @Override
    public CompletionStage<CommandResult> execute(Command command) {
        synchronized (received) {
            received.add(command);
        }
        return switch (answer) {
            case COMPLETE -> done(command, CommandState.COMPLETED, "");
            case REJECT -> done(command, CommandState.REJECTED, reason);
            case FAIL -> done(command, CommandState.FAILED, reason);
            case NONE -> {
                CompletableFuture<CommandResult> result = new CompletableFuture<>();
                open.put(command.id(), result);
                yield result;
            }
        };
    }

    private CompletionStage<CommandResult> done(Command command, CommandState state, String why) {
        return CompletableFuture.completedFuture(new CommandResult(command.id(), state, why, clock.instant()));
    }
}
