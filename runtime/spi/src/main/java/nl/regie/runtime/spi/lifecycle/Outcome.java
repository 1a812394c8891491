package nl.regie.runtime.spi.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a lifecycle operation did.
 *
 * @param symbolicName the plugin
 * @param operation    INSTALL, UPDATE, ROLLBACK or REMOVE
 * @param result       what came of it
 * @param fromVersion  the version before (null for an install)
 * @param toVersion    the version running after (null after a remove)
 * @param reason       why it was rolled back or failed; empty when it went well
 * @param held         readings held for the plugin during the swap
 * @param dropped      readings dropped while held (a full queue, or a subscription no version took over)
 * @param gap          the longest delivery gap of the swap (time readings were held), zero if none
 * @param leaks        what the old version left behind (threads still running its code, a class loader that was
 *                     not collected), empty if nothing; filled in when the leak check has run
 * @param origin       who asked
 * @param at           when it ended (wall clock)
 */
public record Outcome(String symbolicName, Operation operation, Result result, String fromVersion, String toVersion,
        String reason, long held, long dropped, Duration gap, List<String> leaks, String origin, Instant at) {

    /** The operations. */
    public enum Operation { INSTALL, UPDATE, ROLLBACK, REMOVE }

    /** The results. */
    public enum Result {
        /** Installed and healthy. */
        INSTALLED,
        /** The new version passed its health gate and runs. */
        PROMOTED,
        /** The new version failed; the previous version runs again. */
        ROLLED_BACK,
        /** Removed. */
        REMOVED,
        /** Installed, but its components or health check did not come up (the plugin stays installed). */
        UNHEALTHY
    }
}
