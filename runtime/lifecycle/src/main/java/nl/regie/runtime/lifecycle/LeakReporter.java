package nl.regie.runtime.lifecycle;

import java.util.List;

import nl.regie.runtime.spi.lifecycle.Outcome;

import org.osgi.service.log.Logger;

/**
 * Reports what the {@link LeakCheck} finds after an operation: a WARN naming the plugin and each leak ("Plugin
 * nl.regie.waste 0.1.0 leaks after update: thread ... still runs ...; class loader of ... was not collected"), or an
 * INFO that it left nothing behind; and the leaks filled into the operation's outcome in the history, where the
 * plugin's record and last outcome show them.
 */
final class LeakReporter {

    private final LeakCheck leaks;
    private final PluginStore store;
    private final Logger logger;

    LeakReporter(LeakCheck leaks, PluginStore store, Logger logger) {
        this.leaks = leaks;
        this.store = store;
        this.logger = logger;
    }

    /** Checks the probes of an operation's replaced revisions later, off the caller's thread. */
    void checkLater(Outcome outcome, List<LeakProbe> probes) {
        String operation = switch (outcome.operation()) {
            case INSTALL -> "install";
            case UPDATE -> "update";
            case ROLLBACK -> "rollback";
            case REMOVE -> "removal";
        };
        String versions = String.join(", ", probes.stream().filter(p -> p != null).map(LeakProbe::version).distinct()
                .toList());
        leaks.checkLater(probes, found -> {
            if (found.isEmpty()) {
                logger.info("Plugin {} {} left nothing behind after {}", outcome.symbolicName(), versions, operation);
                return;
            }
            logger.warn("Plugin {} {} leaks after {}: {}", outcome.symbolicName(), versions, operation,
                    String.join("; ", found));
            store.replace(outcome.symbolicName(), outcome, new Outcome(outcome.symbolicName(), outcome.operation(),
                    outcome.result(), outcome.fromVersion(), outcome.toVersion(), outcome.reason(), outcome.held(),
                    outcome.dropped(), outcome.gap(), List.copyOf(found), outcome.origin(), outcome.at()));
        });
    }
}
