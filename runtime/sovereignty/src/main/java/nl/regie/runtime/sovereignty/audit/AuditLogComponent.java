package nl.regie.runtime.sovereignty.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.audit.AuditQuery;
import nl.regie.runtime.spi.audit.AuditReader;
import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The runtime's {@link AuditLog} and {@link AuditReader}: an {@link AuditFile} in {@code <regie.state.dir>/audit}
 * (the framework property, {@code state} in the working directory when unset). Configured under the PID
 * {@value #PID}; a change reopens the log.
 */
@Component(immediate = true, configurationPid = AuditLogComponent.PID, service = {AuditLog.class, AuditReader.class, MetricSource.class},
        property = MetricSource.ORDER + ":Integer=95")
@Designate(ocd = AuditLogComponent.Config.class)
public final class AuditLogComponent implements AuditLog, AuditReader, MetricSource {

    /** The configuration PID. */
    public static final String PID = "nl.regie.runtime.audit";
    /** The framework property naming the state folder; the log lives in its {@code audit} folder. */
    public static final String STATE_DIR_PROPERTY = "regie.state.dir";

    /** The audit log's configuration. */
    @ObjectClassDefinition(id = PID, name = "Regie audit log",
            description = "The append-only audit log: <regie.state.dir>/audit/audit.jsonl, one JSON object per line.")
    public @interface Config {

        /** Size past which the file is rotated, in MiB. */
        @AttributeDefinition(name = "Rotate at (MiB)", min = "1",
                description = "When audit.jsonl would grow past this size it is renamed audit-<UTC time>.jsonl"
                        + " (kept; delete old ones yourself) and a new file is started.")
        int rotate_mebibytes() default 32;

        /** Events that can wait to be written. */
        @AttributeDefinition(name = "Queue capacity", min = "1",
                description = "Events that can wait for the writer thread; beyond it events are lost, counted and"
                        + " logged.")
        int queue_capacity() default 10_000;
    }

    private final AuditFile file;

    /** Opens the log and starts its writer thread. */
    @Activate
    public AuditLogComponent(BundleContext context, Config config,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        String state = context.getProperty(STATE_DIR_PROPERTY);
        Path folder = Path.of(state == null || state.isBlank() ? "state" : state).resolve("audit");
        try {
            this.file = new AuditFile(folder, Math.max(1, config.rotate_mebibytes()) * 1024L * 1024L,
                    Math.max(1, config.queue_capacity()), logger::warn);
        } catch (IOException e) {
            logger.error("Cannot open the audit log in {}: {}", folder, e.getMessage());
            throw new UncheckedIOException("cannot open the audit log in " + folder + ": " + e.getMessage(), e);
        }
        logger.info("Audit log: {}", folder.resolve(AuditFile.CURRENT).toAbsolutePath());
    }

    @Deactivate
    void deactivate() {
        file.close();
    }

    @Override
    public void record(AuditEvent event) {
        file.record(event);
    }

    @Override
    public List<AuditEvent> read(AuditQuery query) {
        return file.read(query);
    }

    @Override
    public long lost() {
        return file.lost();
    }

    /** Writes {@code regie_audit_events_lost_total}. */
    @Override
    public void collect(MetricWriter out) {
        out.counter("regie_audit_events_lost_total",
                "Audit events that could not be written (queue full or disk failure) since the log was opened.")
                .sample(lost());
    }
}
