package nl.regie.runtime.lifecycle;

import java.time.Duration;
import java.util.Locale;

import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.Outcome.Result;

/** The one INFO line each lifecycle operation logs, e.g. "Plugin nl.regie.waste updated 0.1.0 -> 0.2.0 (...)". */
final class OperationLog {

    private OperationLog() {
    }

    /**
     * The line for an outcome.
     *
     * @param attempted the version the operation tried to run (for an update that was rolled back)
     * @param failure   why it failed, without the version, or null
     * @param took      how long the operation took until it was decided
     */
    static String line(Outcome outcome, String attempted, String failure, Duration took) {
        String name = "Plugin " + outcome.symbolicName();
        String swap = " (" + (outcome.result() == Result.ROLLED_BACK ? "in " : "promoted in ") + millis(took)
                + "; " + count(outcome.held()) + " readings held"
                + (outcome.dropped() > 0 ? ", " + count(outcome.dropped()) + " dropped" : "")
                + ", gap " + millis(outcome.gap()) + "; by " + outcome.origin() + ")";
        return switch (outcome.operation()) {
            case INSTALL -> outcome.result() == Result.INSTALLED && LifecycleComponent.RESTORED.equals(outcome.reason())
                    ? name + " " + outcome.toVersion() + " " + outcome.reason() + " (healthy in " + millis(took) + ")"
                    : outcome.result() == Result.INSTALLED
                    ? name + " " + outcome.toVersion() + " installed (healthy in " + millis(took) + "; by " + outcome.origin() + ")"
                    : name + " " + outcome.toVersion() + " installed but not healthy: " + failure + " (by " + outcome.origin() + ")";
            case UPDATE -> outcome.result() == Result.PROMOTED
                    ? name + " updated " + outcome.fromVersion() + " -> " + outcome.toVersion() + swap
                    : name + " update " + outcome.fromVersion() + " -> " + attempted + " rolled back to "
                            + outcome.toVersion() + ": " + failure + swap;
            case ROLLBACK -> outcome.result() == Result.PROMOTED
                    ? name + " rolled back " + outcome.fromVersion() + " -> " + outcome.toVersion() + swap
                    : name + " rollback " + outcome.fromVersion() + " -> " + attempted + " failed, "
                            + outcome.toVersion() + " restored: " + failure + swap;
            case REMOVE -> name + " " + outcome.fromVersion() + " removed (by " + outcome.origin() + ")";
        };
    }

    /** "1,234". */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** "143 ms". */
    static String millis(Duration duration) {
        return count(duration.toMillis()) + " ms";
    }
}
