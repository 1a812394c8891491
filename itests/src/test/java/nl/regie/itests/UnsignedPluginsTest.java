package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.time.Instant;
import java.util.List;

import javax.inject.Inject;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditQuery;
import nl.regie.runtime.spi.audit.AuditReader;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.policy.AccessPolicy;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * With the development switch {@code regie.plugins.unsigned} (the launcher's {@code --dev-unsigned-plugins}) an
 * unsigned plugin is let in, and acts for no party: it reads nothing of anyone's, not even readings no grant is
 * needed for elsewhere. A jar signed by a key the policy does not list is still refused.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UnsignedPluginsTest extends LifecycleTestSupport {

    private static final String PLUGIN = "nl.regie.itests.unsigned";

    @Inject
    private AccessPolicy policy;

    @Inject
    private AuditReader auditReader;

    @Configuration
    public Option[] configuration() {
        return options(frameworkProperty("regie.plugins.unsigned").value("true"));
    }

    @Test
    public void anUnsignedPluginRunsAndReadsNothingOfAnyones() throws Exception {
        Instant since = Instant.now();
        removeAfterTest(PLUGIN);
        Outcome outcome = lifecycle.install(jar(PLUGIN, TestBundles.signedPlugin(PLUGIN, "1.0.0",
                TestBundles.PROBE_PACKAGE, null)), ORIGIN);
        assertEquals(Outcome.Result.INSTALLED, outcome.result());
        assertEquals(AccessPolicy.NO_PARTY, policy.partyOfPlugin(PLUGIN));
        assertTrue(policy.keyOfPlugin(PLUGIN).isEmpty());
        // The audit log is written on its own thread.
        await("the install audited", () -> !auditReader.read(new AuditQuery(AuditEvent.PLUGIN, "operator", null, since,
                1)).isEmpty(), () -> "");
        AuditEvent installed = auditReader.read(new AuditQuery(AuditEvent.PLUGIN, "operator", null, since, 1)).get(0);
        assertEquals("INSTALLED", installed.outcome());
        assertEquals("unsigned", installed.detail());
        assertEquals(AccessPolicy.NO_PARTY, installed.party());

        Bundle plugin = bundleNamed(PLUGIN);
        awaitSubscription(plugin, "1.0.0");
        bus.publish(fillingLevel("bin-dev-1", 0.5));
        await("the city's reading denied to the unsigned plugin", () -> auditReader.read(
                new AuditQuery(AuditEvent.READ, PLUGIN, AccessPolicy.NO_PARTY, since, 10)).stream()
                .anyMatch(e -> e.detail().contains("acts for no party")), () -> "");
        assertEquals(List.of(), receivedByProbe(plugin));

        // The switch lets unsigned jars in, not jars signed by a key nobody trusts.
        LifecycleException refused = assertThrows(LifecycleException.class, () -> lifecycle.install(jar("stranger",
                TestBundles.signedPlugin("nl.regie.itests.stranger", "1.0.0", TestBundles.PROBE_PACKAGE,
                        TestKeys.STRANGER)), ORIGIN));
        assertEquals(Reason.UNTRUSTED_KEY, refused.reason());
    }
}
