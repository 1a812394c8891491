package nl.regie.runtime.actuation;

import java.util.Map;

import nl.regie.api.actuation.CommandState;

/**
 * How many commands ended in each state since the runtime started, for {@code GET /metrics}. Registered by the
 * actuation component alongside {@link nl.regie.api.actuation.Actuation}. Private to the runtime bundle.
 */
public interface CommandCounts {

    /**
     * Per state: for {@link CommandState#ACCEPTED} the commands in progress now; for each final state the
     * commands that ended in it since the runtime started, refused ones included. Every state is present.
     */
    Map<CommandState, Long> commandCounts();
}
