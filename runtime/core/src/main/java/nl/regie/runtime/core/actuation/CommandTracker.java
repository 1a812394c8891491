package nl.regie.runtime.core.actuation;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;

/**
 * The commands in progress and the results of recent ones. Ended commands are kept for status queries,
 * the oldest forgotten first once more than {@code retained} have ended.
 */
final class CommandTracker {

    private final Map<String, CompletableFuture<CommandResult>> inProgress = new LinkedHashMap<>();
    private final Map<String, CommandResult> latest;
    private final Map<CommandState, Long> ended = new EnumMap<>(CommandState.class);

    CommandTracker(int retained) {
        latest = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CommandResult> eldest) {
                return size() > retained && !inProgress.containsKey(eldest.getKey());
            }
        };
    }

    /** Registers a new command; returns false if one with the same id is still in progress. */
    synchronized boolean start(CommandResult accepted, CompletableFuture<CommandResult> outcome) {
        if (inProgress.containsKey(accepted.commandId())) {
            return false;
        }
        inProgress.put(accepted.commandId(), outcome);
        latest.put(accepted.commandId(), accepted);
        return true;
    }

    /** Records a final result; the first one wins. Returns whether this call ended the command. */
    synchronized boolean end(CommandResult result) {
        CompletableFuture<CommandResult> outcome = inProgress.remove(result.commandId());
        if (outcome == null) {
            return false;
        }
        latest.put(result.commandId(), result);
        ended.merge(result.state(), 1L, Long::sum);
        outcome.complete(result);
        return true;
    }

    /** Records a command that ended without ever being in progress, such as one refused at once. */
    synchronized void record(CommandResult result) {
        if (!inProgress.containsKey(result.commandId())) {
            latest.put(result.commandId(), result);
            ended.merge(result.state(), 1L, Long::sum);
        }
    }

    synchronized Optional<CommandResult> status(String commandId) {
        return Optional.ofNullable(latest.get(commandId));
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
}
