package nl.regie.runtime.core.actuation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import nl.regie.api.actuation.Actuation;
import nl.regie.api.actuation.ActuationDriver;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;

/**
 * Routes commands to drivers and guarantees every command an outcome.
 *
 * <p>A command for a type without driver is REJECTED at once; a command whose deadline has passed is
 * EXPIRED at once. Otherwise it is ACCEPTED, handed to the driver on the driver executor (so a driver that
 * blocks cannot block the sender), and ends with the driver's result, FAILED if the driver throws or answers
 * with a non-final state, or EXPIRED when its deadline comes first. Whatever comes first wins; anything
 * later is ignored.
 */
final class CommandRouter implements Actuation {

    private final DriverRegistry drivers;
    private final CommandTracker tracker;
    private final Executor driverExecutor;
    private final ScheduledExecutorService deadlines;
    private final Clock clock;

    CommandRouter(DriverRegistry drivers, CommandTracker tracker, Executor driverExecutor,
            ScheduledExecutorService deadlines, Clock clock) {
        this.drivers = drivers;
        this.tracker = tracker;
        this.driverExecutor = driverExecutor;
        this.deadlines = deadlines;
        this.clock = clock;
    }

    @Override
    public CompletionStage<CommandResult> send(Command command) {
        return send(command, "", "");
    }

    /** Sends a command on behalf of {@code actor} for {@code party}, kept with it while it is in progress. */
    CompletionStage<CommandResult> send(Command command, String actor, String party) {
        Instant now = clock.instant();
        Optional<ActuationDriver> driver = drivers.driverFor(command.target().type());
        if (driver.isEmpty()) {
            return refused(new CommandResult(command.id(), CommandState.REJECTED,
                    "no actuation driver for entity type " + command.target().type(), now), actor);
        }
        if (!command.deadline().isAfter(now)) {
            return refused(new CommandResult(command.id(), CommandState.EXPIRED,
                    "deadline " + command.deadline() + " had passed when the command was sent", now), actor);
        }
        CompletableFuture<CommandResult> outcome = new CompletableFuture<>();
        CommandResult accepted = new CommandResult(command.id(), CommandState.ACCEPTED, "", now);
        if (!tracker.start(new CommandTracker.Pending(command, actor, party, accepted), outcome)) {
            throw new IllegalArgumentException("command " + command.id() + " is already in progress");
        }
        long delayMillis = Math.max(1, Duration.between(now, command.deadline()).toMillis());
        deadlines.schedule(() -> end(command, CommandState.EXPIRED, "no result before the deadline " + command.deadline()),
                delayMillis, TimeUnit.MILLISECONDS);
        try {
            driverExecutor.execute(() -> execute(driver.get(), command));
        } catch (RejectedExecutionException e) {
            end(command, CommandState.REJECTED, "actuation is overloaded or stopping; try again later");
        }
        return outcome.minimalCompletionStage();
    }

    /** Ends a command of {@code actor}'s at once as REJECTED, for a reason of the caller's, without routing it. */
    CompletionStage<CommandResult> reject(Command command, String actor, String reason) {
        return refused(new CommandResult(command.id(), CommandState.REJECTED, reason, clock.instant()), actor);
    }

    @Override
    public Optional<CommandResult> status(String commandId) {
        return tracker.status(commandId);
    }

    /** Who sent a recent command; see {@link CommandTracker#sender}. */
    Optional<String> sender(String commandId) {
        return tracker.sender(commandId);
    }

    /** Commands by state: in progress (ACCEPTED) and ended, by outcome. */
    Map<CommandState, Long> counts() {
        return tracker.counts();
    }

    /**
     * Ends the commands that were in progress when the runtime last stopped, as read back from the state folder: a
     * command whose deadline has passed is EXPIRED, dated at its deadline, because the runtime was down then and no
     * answer can have been taken; one whose deadline is still ahead is FAILED now, because the device's answer to it
     * cannot be matched any more (the bridge forgot the command when the runtime went down), though the device may
     * have carried it out.
     *
     * @return each command ended, with who sent it, for the audit log
     */
    List<Ended> endRestored() {
        Instant now = clock.instant();
        List<Ended> ended = new ArrayList<>();
        for (String id : tracker.inProgress()) {
            Optional<CommandTracker.Pending> pending = tracker.pending(id);
            if (pending.isEmpty()) {
                continue;
            }
            Command command = pending.get().command();
            CommandResult result = command.deadline().isAfter(now)
                    ? new CommandResult(id, CommandState.FAILED, "the runtime restarted before the command ended;"
                            + " the device may have carried it out, but its answer can no longer be taken", now)
                    : new CommandResult(id, CommandState.EXPIRED, "the runtime was down at the deadline "
                            + command.deadline() + " (accepted at " + pending.get().accepted().at()
                            + "); no result was taken", command.deadline());
            if (tracker.end(result)) {
                ended.add(new Ended(pending.get(), result));
            }
        }
        return ended;
    }

    /** A command ended by {@link #endRestored}, with who sent it. */
    record Ended(CommandTracker.Pending pending, CommandResult result) {
    }

    /** Ends every command in progress as FAILED; used when the runtime stops. */
    void failAll(String reason) {
        for (String id : tracker.inProgress()) {
            tracker.end(new CommandResult(id, CommandState.FAILED, reason, clock.instant()));
        }
    }

    private void execute(ActuationDriver driver, Command command) {
        CompletionStage<CommandResult> stage;
        try {
            stage = driver.execute(command);
        } catch (RuntimeException e) {
            end(command, CommandState.FAILED, "driver threw " + describe(e));
            return;
        }
        if (stage == null) {
            end(command, CommandState.FAILED, "driver returned no result");
            return;
        }
        stage.whenComplete((result, failure) -> {
            if (failure != null) {
                end(command, CommandState.FAILED, "driver failed: " + describe(failure));
            } else if (result == null || !result.state().isFinal()) {
                end(command, CommandState.FAILED, "driver answered with a non-final state "
                        + (result == null ? "null" : result.state()));
            } else {
                end(command, result.state(), result.reason());
            }
        });
    }

    private void end(Command command, CommandState state, String reason) {
        tracker.end(new CommandResult(command.id(), state, reason, clock.instant()));
    }

    private CompletionStage<CommandResult> refused(CommandResult result, String actor) {
        tracker.record(result, actor);
        return CompletableFuture.completedFuture(result).minimalCompletionStage();
    }

    private static String describe(Throwable t) {
        Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
