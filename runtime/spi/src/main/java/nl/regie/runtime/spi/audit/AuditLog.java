package nl.regie.runtime.spi.audit;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The runtime's append-only audit log (JSON lines under the state folder). Runtime-internal: the bus views, the
 * actuation service, the policy, the plugin lifecycle and the HTTP access filter record into it.
 */
@ProviderType
public interface AuditLog {

    /**
     * Appends an event. Never throws and never blocks the caller on the disk: the event is written by the log's own
     * thread; if the log cannot keep up, the event is counted as lost and logged.
     */
    void record(AuditEvent event);
}
