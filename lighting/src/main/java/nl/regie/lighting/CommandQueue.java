package nl.regie.lighting;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import nl.regie.api.actuation.Actuation;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;

/**
 * Sends {@code dim} commands to lamps through {@link Actuation}, at most {@code maxInFlight} at a time; the rest
 * wait in a first-in first-out queue, so a profile change over thousands of lamps reaches the broker as a steady
 * stream. A command that ends REJECTED, FAILED or EXPIRED is retried up to {@code retries} times with a
 * doubling backoff (wall clock, on the {@link TaskScheduler}), then given up and reported to {@link Outcomes}.
 *
 * <p>A newer level for a lamp replaces the older one wherever it is: waiting, waiting for a retry, or under way.
 * One under way is not waited for (a device that acknowledges late would hold a crowd's full light back until
 * the deadline): it keeps its place in the bound until it ends, its outcome is ignored, and the newer level is
 * queued at once. Should the two arrive out of order, the mismatch check of the engine puts it right.
 *
 * <p>Not thread-safe: every method, and every task it hands to its scheduler, must run under the engine's
 * lock (the engine gives it a scheduler that takes the lock). Outcomes never run inside {@link Actuation#send}:
 * a stage that is already complete is still handled on the scheduler, so no state changes under a caller's feet.
 */
final class CommandQueue {

    /** What the engine learns of commands. */
    interface Outcomes {

        /** The lamp carried out a command to {@code level}. */
        void completed(EntityId lamp, double level);

        /** The lamp did not carry out {@code level} in {@code attempts} attempts; {@code last} says why. */
        void gaveUp(EntityId lamp, double level, CommandResult last, int attempts);
    }

    /**
     * How the queue sends.
     *
     * @param maxInFlight commands under way at most
     * @param retries     retries after a first failed attempt
     * @param backoff     the wait before the first retry; doubled for each further one
     * @param deadline    how long a command may take, wall clock
     */
    record Limits(int maxInFlight, int retries, Duration backoff, Duration deadline) {
    }

    /** The action the lamps take; level 0 switches a lamp off. */
    static final String DIM = "dim";
    /** How long after its deadline an unanswered command is taken as EXPIRED, should the runtime never answer. */
    static final Duration ANSWER_GRACE = Duration.ofSeconds(10);

    private enum State { WAITING, IN_FLIGHT, BACKOFF }

    /** The work for one lamp: its newest level and where that is. */
    private static final class Entry {
        double level;
        int attempt;
        State state = State.WAITING;
        /** The command under way for this level (IN_FLIGHT), or the retry awaited (BACKOFF). */
        long token;

        Entry(double level) {
            this.level = level;
        }
    }

    private final Actuation actuation;
    private final TaskScheduler scheduler;
    private final Clock wallClock;
    private final Outcomes outcomes;
    private final Map<EntityId, Entry> entries = new HashMap<>();
    private final ArrayDeque<EntityId> waiting = new ArrayDeque<>();
    /** Every command under way by token, superseded ones included: they hold their place until they end. */
    private final Map<Long, EntityId> flights = new HashMap<>();
    private Limits limits;
    private long tokens;
    private boolean closed;

    CommandQueue(Actuation actuation, TaskScheduler scheduler, Clock wallClock, Outcomes outcomes, Limits limits) {
        this.actuation = actuation;
        this.scheduler = scheduler;
        this.wallClock = wallClock;
        this.outcomes = outcomes;
        this.limits = limits;
    }

    /** Asks for {@code lamp} to go to {@code level}, replacing any level asked before. */
    void submit(EntityId lamp, double level) {
        if (closed) {
            return;
        }
        Entry entry = entries.get(lamp);
        if (entry == null) {
            entries.put(lamp, new Entry(level));
            waiting.addLast(lamp);
        } else {
            entry.level = level;
            entry.attempt = 0;
            if (entry.state != State.WAITING) {
                // Under way or awaiting a retry: that command or retry no longer speaks for this lamp.
                entry.token = 0;
                entry.state = State.WAITING;
                waiting.addLast(lamp);
            }
        }
        pump();
    }

    /** Whether a command for {@code lamp} waits, is under way, or waits for a retry. */
    boolean busy(EntityId lamp) {
        return entries.containsKey(lamp);
    }

    /** Commands under way. */
    int inFlight() {
        return flights.size();
    }

    /** Lamps whose command waits for a place. */
    int waiting() {
        return waiting.size();
    }

    /** Applies new limits; a larger bound sends more at once. */
    void limits(Limits newLimits) {
        this.limits = newLimits;
        pump();
    }

    /** Stops sending; outcomes still under way are ignored. */
    void close() {
        closed = true;
        entries.clear();
        waiting.clear();
        flights.clear();
    }

    private void pump() {
        while (!closed && flights.size() < limits.maxInFlight() && !waiting.isEmpty()) {
            EntityId lamp = waiting.pollFirst();
            Entry entry = entries.get(lamp);
            if (entry != null && entry.state == State.WAITING) {
                send(lamp, entry);
            }
        }
    }

    private void send(EntityId lamp, Entry entry) {
        long token = ++tokens;
        entry.state = State.IN_FLIGHT;
        entry.token = token;
        flights.put(token, lamp);
        Command command = Command.of(lamp, DIM, Map.of("level", Value.of(entry.level)),
                wallClock.instant().plus(limits.deadline()));
        CompletionStage<CommandResult> stage;
        try {
            stage = actuation.send(command);
        } catch (RuntimeException e) {
            stage = CompletableFuture.completedFuture(
                    CommandResult.failed(command.id(), "the runtime refused the command: " + e.getMessage()));
        }
        stage.whenComplete((result, error) -> {
            CommandResult outcome = result != null ? result
                    : CommandResult.failed(command.id(), "the command's stage failed: " + error);
            scheduler.execute(() -> finished(token, outcome));
        });
        // A safety net for the bound: Actuation promises an answer by the deadline, but a place lost to a missing
        // answer would never come back.
        scheduler.schedule(() -> finished(token, CommandResult.of(command.id(), CommandState.EXPIRED,
                "no answer " + ANSWER_GRACE.toSeconds() + " s after the deadline")), limits.deadline().plus(ANSWER_GRACE));
    }

    private void finished(long token, CommandResult result) {
        EntityId lamp = flights.remove(token);
        if (closed || lamp == null) {
            return; // answered already (a late answer after the safety net), or closed
        }
        Entry entry = entries.get(lamp);
        if (entry == null || entry.state != State.IN_FLIGHT || entry.token != token) {
            pump(); // a superseded command ended: its place is free
            return;
        }
        if (result.state() == CommandState.COMPLETED) {
            entries.remove(lamp);
            outcomes.completed(lamp, entry.level);
        } else if (entry.attempt < limits.retries()) {
            entry.attempt++;
            entry.state = State.BACKOFF;
            long retryToken = ++tokens;
            entry.token = retryToken;
            Duration delay = limits.backoff().multipliedBy(1L << Math.min(entry.attempt - 1, 20));
            scheduler.schedule(() -> retry(lamp, retryToken), delay);
        } else {
            entries.remove(lamp);
            outcomes.gaveUp(lamp, entry.level, result, entry.attempt + 1);
        }
        pump();
    }

    private void retry(EntityId lamp, long token) {
        Entry entry = entries.get(lamp);
        if (closed || entry == null || entry.state != State.BACKOFF || entry.token != token) {
            return;
        }
        entry.state = State.WAITING;
        waiting.addLast(lamp);
        pump();
    }
}
