package nl.regie.runtime.core.actuation;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;

/**
 * The commands in progress and the results of recent ones. Ended commands are kept for status queries,
 * the oldest forgotten first once more than {@code retained} have ended. Every start and end is told to a
 * {@link Journal} under the tracker's lock, in order, so the commands can be kept on disk ({@link CommandFiles}).
 */
final class CommandTracker {

    /**
     * A command in progress, with who sent it for which party (what the audit log records when it ends).
     *
     * @param accepted its ACCEPTED result: when it started
     */
    record Pending(Command command, String actor, String party, CommandResult accepted) {
        Pending {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(party, "party");
            Objects.requireNonNull(accepted, "accepted");
        }
    }

    /** Told of every start and end, under the tracker's lock, in order. */
    interface Journal {
        Journal NONE = new Journal() {
            @Override
            public void started(Pending pending) {
            }

            @Override
            public void ended(CommandResult result, String actor) {
            }
        };

        void started(Pending pending);

        /** A command ended; {@code actor} sent it ("" when not known, as for a command kept by an older runtime). */
        void ended(CommandResult result, String actor);
    }

    private final Map<String, CompletableFuture<CommandResult>> inProgress = new LinkedHashMap<>();
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Map<String, CommandResult> latest;
    /** Who sent each command in {@link #latest}, so that a caller is told the state of its own commands only. */
    private final Map<String, String> senders = new HashMap<>();
    private final Map<CommandState, Long> ended = new EnumMap<>(CommandState.class);
    private Journal journal = Journal.NONE;

    CommandTracker(int retained) {
        latest = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CommandResult> eldest) {
                boolean forget = size() > retained && !inProgress.containsKey(eldest.getKey());
                if (forget) {
                    senders.remove(eldest.getKey());
                }
                return forget;
            }
        };
    }

    /** Sets who is told of starts and ends; before any command is sent. */
    synchronized void journal(Journal listener) {
        journal = Objects.requireNonNull(listener);
    }

    /** Registers a new command and who sent it; returns false if one with the same id is still in progress. */
    synchronized boolean start(Pending started, CompletableFuture<CommandResult> outcome) {
        String id = started.accepted().commandId();
        if (inProgress.containsKey(id)) {
            return false;
        }
        inProgress.put(id, outcome);
        pending.put(id, started);
        senders.put(id, started.actor());
        latest.put(id, started.accepted());
        journal.started(started);
        return true;
    }

    /** Records a final result; the first one wins. Returns whether this call ended the command. */
    synchronized boolean end(CommandResult result) {
        CompletableFuture<CommandResult> outcome = inProgress.remove(result.commandId());
        if (outcome == null) {
            return false;
        }
        Pending started = pending.remove(result.commandId());
        latest.put(result.commandId(), result);
        ended.merge(result.state(), 1L, Long::sum);
        journal.ended(result, started.actor());
        outcome.complete(result);
        return true;
    }

    /** Records a command {@code actor} sent that ended without ever being in progress, such as one refused at once. */
    synchronized void record(CommandResult result, String actor) {
        if (!inProgress.containsKey(result.commandId())) {
            senders.put(result.commandId(), actor);
            latest.put(result.commandId(), result);
            ended.merge(result.state(), 1L, Long::sum);
            journal.ended(result, actor);
        }
    }

    synchronized Optional<CommandResult> status(String commandId) {
        return Optional.ofNullable(latest.get(commandId));
    }

    /** Who sent a command whose state is kept: "" when not known (kept by an older runtime). */
    synchronized Optional<String> sender(String commandId) {
        return latest.containsKey(commandId) ? Optional.of(senders.getOrDefault(commandId, "")) : Optional.empty();
    }

    /** ACCEPTED: the commands in progress now; each final state: the commands that ended in it so far. */
    synchronized Map<CommandState, Long> counts() {
        Map<CommandState, Long> counts = new EnumMap<>(CommandState.class);
        for (CommandState state : CommandState.values()) {
            counts.put(state, ended.getOrDefault(state, 0L));
        }
        counts.put(CommandState.ACCEPTED, (long) inProgress.size());
        return counts;
    }

    synchronized List<String> inProgress() {
        return List.copyOf(inProgress.keySet());
    }

    /** The command in progress with this id, with who sent it. */
    synchronized Optional<Pending> pending(String commandId) {
        return Optional.ofNullable(pending.get(commandId));
    }

    // ---------------------------------------------------------------------------------------------- kept on disk

    /** Puts back a command that was in progress when the runtime stopped; nobody waits for it. Recovery only. */
    synchronized void restore(Pending started) {
        String id = started.accepted().commandId();
        inProgress.put(id, new CompletableFuture<>());
        pending.put(id, started);
        senders.put(id, started.actor());
        latest.put(id, started.accepted());
    }

    /**
     * Puts back a command's final result and who sent it, ending it if it was in progress. Recovery only: not counted.
     * An empty {@code actor} (a record of an older runtime) keeps the sender the command's start named.
     */
    synchronized void restore(CommandResult result, String actor) {
        inProgress.remove(result.commandId());
        pending.remove(result.commandId());
        if (!actor.isEmpty() || !senders.containsKey(result.commandId())) {
            senders.put(result.commandId(), actor);
        }
        latest.put(result.commandId(), result);
    }

    /** Forgets everything (recovery only: a snapshot turned out damaged halfway). */
    synchronized void clear() {
        inProgress.clear();
        pending.clear();
        latest.clear();
        senders.clear();
    }

    /** An ended command as a snapshot holds it: its final result and who sent it. */
    record Ended(CommandResult result, String actor) {
    }

    /**
     * What a snapshot holds, in the order the commands came: each one in progress as its {@link Pending}, each
     * ended one as {@link Ended}.
     */
    synchronized List<Object> capture() {
        List<Object> all = new ArrayList<>(latest.size());
        for (Map.Entry<String, CommandResult> entry : latest.entrySet()) {
            Pending p = pending.get(entry.getKey());
            all.add(p != null ? p : new Ended(entry.getValue(), senders.getOrDefault(entry.getKey(), "")));
        }
        return all;
    }
}
