package nl.regie.runtime.lifecycle.folder;

import java.util.Locale;

import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.Outcome;

/** One readable line for what a lifecycle operation did or why it was refused: for the folder's log and the shell. */
public final class OutcomeText {

    private OutcomeText() {
    }

    /** What happened, with the swap's figures and any leaks: {@code com.example.swap updated from 1.0.0 to 1.1.0 (...)}. */
    public static String line(Outcome outcome) {
        String name = outcome.symbolicName();
        String what = switch (outcome.result()) {
            case INSTALLED -> name + " " + outcome.toVersion() + " installed";
            case UNHEALTHY -> name + " " + outcome.toVersion() + " installed but not healthy: " + outcome.reason();
            case PROMOTED -> name + (outcome.operation() == Outcome.Operation.ROLLBACK ? " rolled back from " : " updated from ")
                    + outcome.fromVersion() + " to " + outcome.toVersion();
            case ROLLED_BACK -> name + (outcome.operation() == Outcome.Operation.ROLLBACK
                    ? " could not go back to its previous version" : " update failed and was rolled back")
                    + ", " + outcome.toVersion() + " runs again: " + outcome.reason();
            case REMOVED -> name + " " + outcome.fromVersion() + " removed";
        };
        StringBuilder line = new StringBuilder(what);
        if (outcome.operation() == Outcome.Operation.UPDATE || outcome.operation() == Outcome.Operation.ROLLBACK) {
            line.append(String.format(Locale.ROOT, " (%d readings held, %d dropped, longest gap %d ms)", outcome.held(),
                    outcome.dropped(), outcome.gap() == null ? 0 : outcome.gap().toMillis()));
        }
        if (outcome.leaks() != null && !outcome.leaks().isEmpty()) {
            line.append("; the old version leaks: ").append(String.join("; ", outcome.leaks()));
        }
        return line.toString();
    }

    /** A refusal: {@code refused (BUSY): <the lifecycle's message>}. */
    public static String refusal(LifecycleException e) {
        return "refused (" + e.reason() + "): " + e.getMessage();
    }
}
