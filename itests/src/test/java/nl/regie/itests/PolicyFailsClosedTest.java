package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * The operator's policy is taken away while Regie runs (the sovereignty bundle stopped, as an update or a refresh does
 * for a moment), and what stands in for it shares nothing: the core's single-party default, under which every reader
 * sees everything, answers only in a runtime without the sovereignty bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PolicyFailsClosedTest extends RegieTestSupport {

    private static final String SOVEREIGNTY = "nl.regie.runtime.sovereignty";

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options();
    }

    @Test
    public void withoutTheOperatorsPolicyNothingIsShared() throws Exception {
        Reading level = Reading.of(EntityId.of("WasteContainer", "bin-001"), "fillingLevel", Value.of(0.4), "/",
                "bin-001");
        AccessPolicy operators = policyInForce();
        assertTrue("the sovereignty's policy is in force", componentName().contains("sovereignty"));
        ReadView held = operators.readView(AccessPolicy.DEFAULT_PARTY, "itest");
        assertNotNull("a reader of the city sees the city's bin under the operator's policy", held.apply(level));

        Bundle sovereignty = Arrays.stream(context.getBundles()).filter(b -> SOVEREIGNTY.equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
        sovereignty.stop();
        try {
            await("the core's policy answers", () -> !componentName().contains("sovereignty"), this::componentName);
            AccessPolicy standIn = policyInForce();
            assertNull("the stand-in shows a reader of the city nothing",
                    standIn.readView(AccessPolicy.DEFAULT_PARTY, "itest").apply(level));
            assertNull("nor a plugin", standIn.pluginView("nl.regie.waste").apply(level));
            assertEquals(AccessPolicy.NO_PARTY, standIn.partyOfSource("bin-001"));
            assertEquals(AccessPolicy.NO_PARTY, standIn.partyOfPlugin("nl.regie.waste"));
            assertNull("nothing leaves for another site", standIn.exportView("gent").apply(level));
        } finally {
            sovereignty.start();
        }
        await("the operator's policy is back", () -> componentName().contains("sovereignty"), this::componentName);
        assertNotNull(policyInForce().readView(AccessPolicy.DEFAULT_PARTY, "itest").apply(level));
    }

    private AccessPolicy policyInForce() {
        ServiceReference<AccessPolicy> reference = context.getServiceReference(AccessPolicy.class);
        return context.getService(reference);
    }

    private String componentName() {
        ServiceReference<AccessPolicy> reference = context.getServiceReference(AccessPolicy.class);
        return reference == null ? "none" : String.valueOf(reference.getProperty("component.name"));
    }
}
