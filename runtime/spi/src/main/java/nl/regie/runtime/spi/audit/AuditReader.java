package nl.regie.runtime.spi.audit;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Reads the audit log back: runtime-internal, for {@code GET /api/audit} and the metrics. */
@ProviderType
public interface AuditReader {

    /** The events matching the query, newest first, from the current and the rotated files. */
    List<AuditEvent> read(AuditQuery query);

    /** Events that could not be written (the queue was full, or the disk failed) since the log was opened. */
    long lost();
}
