package nl.regie.runtime.lifecycle;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;

/**
 * One operation per plugin at a time. A second one is refused at once (never queued: an operator who sends an
 * update twice should learn that the first is still running, not have the second run after it).
 */
final class PluginLocks {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final ConcurrentMap<String, Lease> leases = new ConcurrentHashMap<>();

    /** A held lock; closing it lets the next operation on the plugin in. */
    final class Lease implements AutoCloseable {

        private final String symbolicName;
        private final String operation;
        private final Instant since = Instant.now();

        private Lease(String symbolicName, String operation) {
            this.symbolicName = symbolicName;
            this.operation = operation;
        }

        @Override
        public void close() {
            leases.remove(symbolicName, this);
        }
    }

    /**
     * Takes the plugin's lock.
     *
     * @param operation what is about to run, for the message of a refused second operation: "update to 1.0.1 by HTTP"
     * @param what      how a refusal starts: "Cannot update nl.regie.waste"
     * @throws LifecycleException BUSY, saying what runs since when
     */
    Lease acquire(String symbolicName, String operation, String what) throws LifecycleException {
        Lease lease = new Lease(symbolicName, operation);
        Lease running = leases.putIfAbsent(symbolicName, lease);
        if (running != null) {
            throw new LifecycleException(Reason.BUSY, what + ": another operation on " + symbolicName
                    + " is under way (" + running.operation + ", since " + TIME.format(running.since)
                    + " UTC); try again when it has finished");
        }
        return lease;
    }

    /** Whether an operation on the plugin is under way. */
    boolean busy(String symbolicName) {
        return leases.containsKey(symbolicName);
    }
}
