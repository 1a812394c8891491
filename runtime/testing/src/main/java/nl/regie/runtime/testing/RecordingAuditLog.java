package nl.regie.runtime.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;

/** An audit log that keeps what it is given, for tests. */
public final class RecordingAuditLog implements AuditLog {

    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void record(AuditEvent event) {
        events.add(event);
    }

    /** Everything recorded so far, in order. */
    public List<AuditEvent> events() {
        return List.copyOf(events);
    }

    /** What was recorded of one kind. */
    public List<AuditEvent> ofKind(String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).toList();
    }
}
