package nl.regie.api.actuation;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a command is in its life. A command starts {@link #ACCEPTED} and always ends in exactly one of the
 * final states.
 */
@ProviderType
public enum CommandState {
    /** Routed to a driver and in progress. */
    ACCEPTED,
    /** The target carried it out. */
    COMPLETED,
    /** Refused: no driver for the entity type, a malformed command, or the target said no. */
    REJECTED,
    /** The driver or the target tried and failed. */
    FAILED,
    /** No final answer arrived before the command's deadline. */
    EXPIRED;

    /** Whether this state ends the command. */
    public boolean isFinal() {
        return this != ACCEPTED;
    }
}
