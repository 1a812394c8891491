package nl.regie.runtime.actuation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import nl.regie.api.actuation.CommandResult;

/**
 * The commands in progress and the results of recent ones. Ended commands are kept for status queries,
 * the oldest forgotten first once more than {@code retained} have ended.
 */
final class CommandTracker {

    private final Map<String, CompletableFuture<CommandResult>> inProgress = new LinkedHashMap<>();
    private final Map<String, CommandResult> latest;

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
        outcome.complete(result);
        return true;
    }

    /** Records a command that ended without ever being in progress, such as one refused at once. */
    synchronized void record(CommandResult result) {
        if (!inProgress.containsKey(result.commandId())) {
            latest.put(result.commandId(), result);
        }
    }

    synchronized Optional<CommandResult> status(String commandId) {
        return Optional.ofNullable(latest.get(commandId));
    }

    synchronized List<String> inProgress() {
        return List.copyOf(inProgress.keySet());
    }
}
