package nl.regie.testkit;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * answers each, or lets the test clock pass their deadline: the runtime ends them {@code EXPIRED}). Outcomes can also
 * be scripted command by command ({@link #next}): the first retry fails, the second completes.
 */
public final class TestDriver implements ActuationDriver {

    private enum Answer { COMPLETE, REJECT, FAIL, NONE }

    private final Clock clock;
    private final List<Command> received = new ArrayList<>();
    private final Map<String, CompletableFuture<CommandResult>> open = new ConcurrentHashMap<>();
    private final List<Command> openInOrder = new ArrayList<>();
    private final Deque<CommandState> script = new ArrayDeque<>();
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

    /**
     * The outcomes of the next commands, one each in the order they arrive (the runtime hands commands to drivers on a
     * pool of threads: commands sent together may arrive in any order), before the standing answer applies again: {@code COMPLETED},
     * {@code REJECTED} or {@code FAILED} end a command at once (with the reason {@code "scripted"}), {@code ACCEPTED}
     * keeps it open. Adds to what is scripted already.
     *
     * @throws IllegalArgumentException for {@code EXPIRED}: only the runtime ends a command so, at its deadline
     */
    public TestDriver next(CommandState... outcomes) {
        for (CommandState outcome : outcomes) {
            if (outcome == CommandState.EXPIRED) {
                throw new IllegalArgumentException("a driver does not answer EXPIRED: keep the command open (ACCEPTED)"
                        + " and move the clock past its deadline");
            }
        }
        synchronized (received) {
            script.addAll(List.of(outcomes));
        }
        return this;
    }

    /**
     * The commands received that are still open, oldest first: not answered, and not past their deadline (the runtime
     * has ended those {@code EXPIRED}; an answer to one now comes too late and changes nothing).
     */
    public List<Command> open() {
        synchronized (received) {
            return openInOrder.stream().filter(command -> command.deadline().isAfter(clock.instant())).toList();
        }
    }

    /** The ids of the commands held open, expired ones included: what {@link RegieTestKit#settle()} need not wait for. */
    Set<String> heldOpen() {
        return Set.copyOf(open.keySet());
    }

    /** The last command received. */
    public Command last() {
        synchronized (received) {
            if (received.isEmpty()) {
                throw new IllegalStateException("no command received");
            }
            return received.get(received.size() - 1);
        }
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
        synchronized (received) {
            openInOrder.removeIf(command -> command.id().equals(commandId));
        }
        result.complete(new CommandResult(commandId, state, reason, clock.instant()));
    }

    @Override
    public CompletionStage<CommandResult> execute(Command command) {
        CommandState scripted;
        synchronized (received) {
            received.add(command);
            scripted = script.poll();
        }
        if (scripted != null) {
            return scripted == CommandState.ACCEPTED ? keepOpen(command)
                    : done(command, scripted, scripted == CommandState.COMPLETED ? "" : "scripted");
        }
        return switch (answer) {
            case COMPLETE -> done(command, CommandState.COMPLETED, "");
            case REJECT -> done(command, CommandState.REJECTED, reason);
            case FAIL -> done(command, CommandState.FAILED, reason);
            case NONE -> keepOpen(command);
        };
    }

    private CompletionStage<CommandResult> keepOpen(Command command) {
        CompletableFuture<CommandResult> result = new CompletableFuture<>();
        synchronized (received) {
            open.put(command.id(), result);
            openInOrder.add(command);
        }
        return result;
    }

    private CompletionStage<CommandResult> done(Command command, CommandState state, String why) {
        return CompletableFuture.completedFuture(new CommandResult(command.id(), state, why, clock.instant()));
    }
}
