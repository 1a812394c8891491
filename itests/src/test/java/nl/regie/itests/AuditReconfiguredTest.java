package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.audit.AuditQuery;
import nl.regie.runtime.spi.audit.AuditReader;
import nl.regie.runtime.spi.policy.AccessPolicy;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The audit log's configuration changes while Regie runs, and the sovereignty's policy stays in place: the audit log
 * reopens itself rather than being deactivated, which took the policy (it records to the log) down with it, and for
 * that moment the core's stand-in answered in its place ({@link PolicyFailsClosedTest}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AuditReconfiguredTest extends RegieTestSupport {

    private static final String AUDIT_PID = "nl.regie.runtime.audit";

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private AuditReader auditReader;

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options();
    }

    @After
    public void defaultAudit() throws Exception {
        configAdmin.getConfiguration(AUDIT_PID, "?").delete();
    }

    @Test
    public void aChangedAuditConfigurationKeepsThePolicyAndTheLogInPlace() throws Exception {
        ServiceReference<AccessPolicy> policy = context.getServiceReference(AccessPolicy.class);
        assertTrue("the sovereignty's policy, not the core's fallback: " + policy.getProperty("component.name"),
                String.valueOf(policy.getProperty("component.name")).contains("sovereignty"));
        ServiceReference<AuditLog> audit = context.getServiceReference(AuditLog.class);
        List<String> gone = new CopyOnWriteArrayList<>();
        ServiceListener watch = event -> {
            if (event.getType() == ServiceEvent.UNREGISTERING) {
                gone.add(String.valueOf(event.getServiceReference().getProperty("component.name")));
            }
        };
        context.addServiceListener(watch, "(|(objectClass=" + AccessPolicy.class.getName() + ")(objectClass="
                + AuditLog.class.getName() + "))");
        try {
            Hashtable<String, Object> settings = new Hashtable<>();
            settings.put("rotate.mebibytes", 1);
            configAdmin.getConfiguration(AUDIT_PID, "?").update(settings);
            await("the audit log has its new configuration", () -> {
                ServiceReference<AuditLog> now = context.getServiceReference(AuditLog.class);
                return now != null && Integer.valueOf(1).equals(now.getProperty("rotate.mebibytes"));
            }, () -> context.getServiceReference(AuditLog.class));

            assertEquals("nothing was unregistered", List.of(), gone);
            assertEquals(audit.getProperty(Constants.SERVICE_ID),
                    context.getServiceReference(AuditLog.class).getProperty(Constants.SERVICE_ID));
            assertEquals(policy.getProperty(Constants.SERVICE_ID),
                    context.getServiceReference(AccessPolicy.class).getProperty(Constants.SERVICE_ID));
            Instant since = Instant.now();
            AuditQuery mine = new AuditQuery(AuditEvent.CONFIG, "itest", null, since, 10);
            context.getService(audit).record(new AuditEvent(since, AuditEvent.CONFIG, "itest", "", "update", AUDIT_PID,
                    "granted", "after the change"));
            await("the event is in the reopened log", () -> auditReader.read(mine).stream()
                    .anyMatch(e -> "after the change".equals(e.detail())), () -> auditReader.read(mine));
        } finally {
            context.removeServiceListener(watch);
        }
    }
}
