package nl.regie.runtime.sovereignty.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

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
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The runtime's {@link AuditLog} and {@link AuditReader}: an {@link AuditFile} in {@code <regie.state.dir>/audit}
 * (the framework property, {@code state} in the working directory when unset). Configured under the PID
 * {@value #PID}; a change reopens the log in place ({@link Modified}): the component is not deactivated, so what holds a
 * static reference to it stays. (A reactivation took the sovereignty's policy down with it, since the policy records
 * to the audit log, and for that moment the core's single-party policy, which lets every reader see everything, stood
 * in for it.) Events recorded while the log is reopened wait for it; if it cannot be reopened they are lost, counted
 * and logged.
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

    private final Path folder;
    private final Logger logger;
    /** Held to record and read; held alone to reopen the log. */
    private final ReadWriteLock reopening = new ReentrantReadWriteLock();
    private AuditFile file;
    /** Events the files closed before this one lost. */
    private long lostBefore;

    /** Opens the log and starts its writer thread. */
    @Activate
    public AuditLogComponent(BundleContext context, Config config,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        String state = context.getProperty(STATE_DIR_PROPERTY);
        this.folder = Path.of(state == null || state.isBlank() ? "state" : state).resolve("audit");
        this.logger = logger;
        try {
            this.file = open(config);
        } catch (IOException e) {
            logger.error("Cannot open the audit log in {}: {}", folder, e.getMessage());
            throw new UncheckedIOException("cannot open the audit log in " + folder + ": " + e.getMessage(), e);
        }
        logger.info("Audit log: {}", folder.resolve(AuditFile.CURRENT).toAbsolutePath());
    }

    /** Writes what is queued and reopens the log with the new settings. */
    @Modified
    void modified(Config config) {
        reopening.writeLock().lock();
        try {
            AuditFile previous = file;
            previous.close();
            try {
                file = open(config);
                lostBefore += previous.lost();
                logger.info("Audit log reopened: rotate at {} MiB, {} queued events at most",
                        Math.max(1, config.rotate_mebibytes()), Math.max(1, config.queue_capacity()));
            } catch (IOException e) {
                // The closed file counts what is recorded from now on as lost.
                logger.error("Cannot reopen the audit log in {}: {}; events are lost until it is", folder, e.getMessage());
            }
        } finally {
            reopening.writeLock().unlock();
        }
    }

    private AuditFile open(Config config) throws IOException {
        return new AuditFile(folder, Math.max(1, config.rotate_mebibytes()) * 1024L * 1024L,
                Math.max(1, config.queue_capacity()), logger::warn);
    }

    @Deactivate
    void deactivate() {
        reopening.writeLock().lock();
        try {
            file.close();
        } finally {
            reopening.writeLock().unlock();
        }
    }

    @Override
    public void record(AuditEvent event) {
        reopening.readLock().lock();
        try {
            file.record(event);
        } finally {
            reopening.readLock().unlock();
        }
    }

    @Override
    public List<AuditEvent> read(AuditQuery query) {
        reopening.readLock().lock();
        try {
            return file.read(query);
        } finally {
            reopening.readLock().unlock();
        }
    }

    @Override
    public long lost() {
        reopening.readLock().lock();
        try {
            return lostBefore + file.lost();
        } finally {
            reopening.readLock().unlock();
        }
    }

    /** Writes {@code regie_audit_events_lost_total}. */
    @Override
    public void collect(MetricWriter out) {
        out.counter("regie_audit_events_lost_total",
                "Audit events that could not be written (queue full or disk failure) since the runtime started.")
                .sample(lost());
    }
}
