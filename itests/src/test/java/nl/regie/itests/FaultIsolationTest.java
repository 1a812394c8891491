package nl.regie.itests;

import static nl.regie.itests.Eventually.await;
import static nl.regie.itests.Eventually.holdsFor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import javax.inject.Inject;

import nl.regie.api.monitor.SubscriberInfo;
import nl.regie.itests.plugin.faulty.FaultyListener;
import nl.regie.itests.plugin.malformed.CanaryListener;
import nl.regie.itests.plugin.malformed.MalformedTopicsListener;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;

/** Bad plugins get a clear error and hurt nobody: the runtime and the other plugins keep working. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FaultIsolationTest extends RegieTestSupport {

    /** Long enough for the runtime to have acted on a registration it should ignore. */
    private static final Duration IGNORED_FOR = Duration.ofMillis(500);

    @Inject
    private ServiceComponentRuntime scr;

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options();
    }

    @Test
    public void componentThatFailsToActivateLeavesTheOthersWorking() throws Exception {
        Bundle probe = installProbe("nl.regie.itests.probe.faulty", "1.0.0");
        awaitSubscription(probe, "1.0.0");

        Bundle faulty = installPlugin("nl.regie.itests.faulty", "1.0.0", TestBundles.FAULTY_PACKAGE);

        assertEquals("a failing component does not stop its bundle", Bundle.ACTIVE, faulty.getState());
        await("SCR reports the faulty component FAILED_ACTIVATION with its failure",
                () -> configurationsOf(faulty).stream().anyMatch(c -> c.state == ComponentConfigurationDTO.FAILED_ACTIVATION
                        && c.failure != null && c.failure.contains(FaultyListener.FAILURE)),
                () -> describe(configurationsOf(faulty)));

        assertProbeStillReceives(probe, "1.0.0", "itest-faulty-1");
        holdsFor("no deliveries to the faulty plugin", IGNORED_FOR,
                () -> subscriptionsOf(faulty).stream().allMatch(s -> s.delivered() == 0),
                monitor::subscribers);
        assertEquals(Bundle.ACTIVE, bundleNamed("nl.regie.runtime.core").getState());
    }

    @Test
    public void listenerWithMalformedTopicFilterIsIgnored() throws Exception {
        Bundle probe = installProbe("nl.regie.itests.probe.malformed", "1.0.0");
        awaitSubscription(probe, "1.0.0");

        Bundle plugin = installPlugin("nl.regie.itests.malformed", "1.0.0", TestBundles.MALFORMED_PACKAGE);

        // The well-formed canary of the same bundle gets its subscription, so the runtime has seen the bundle...
        SubscriberInfo canary = awaitSubscription(plugin, "1.0.0");
        assertEquals(List.of(CanaryListener.TOPIC_FILTER), canary.topicFilters());
        // ...and the malformed listener really is registered, with its bad filter...
        assertNotNull("the malformed listener's service is registered", malformedListenerService(plugin));
        // ...but gets no subscription.
        holdsFor("only the canary is subscribed for " + plugin.getSymbolicName(), IGNORED_FOR,
                () -> subscriptionsOf(plugin).stream().map(SubscriberInfo::topicFilters).collect(Collectors.toList())
                        .equals(List.of(List.of(CanaryListener.TOPIC_FILTER))),
                monitor::subscribers);

        bus.publish(temperature("itest-malformed-1", 19.0));
        awaitDelivered(plugin, "1.0.0", 1);
        assertProbeStillReceives(probe, "1.0.0", "itest-malformed-2");
    }

    @Test
    public void jarWithoutSymbolicNameIsRefused() throws Exception {
        Bundle probe = installProbe("nl.regie.itests.probe.nobsn", "1.0.0");
        awaitSubscription(probe, "1.0.0");
        int bundlesBefore = context.getBundles().length;

        BundleException refused = assertThrows(BundleException.class,
                () -> install("regie-itests:not-a-bundle", TestBundles.jarWithoutSymbolicName()));

        assertTrue("the error names the missing symbolic name: " + refused.getMessage(),
                refused.getMessage().toLowerCase(Locale.ROOT).contains("symbolic name"));
        assertEquals("nothing was installed", bundlesBefore, context.getBundles().length);
        assertProbeStillReceives(probe, "1.0.0", "itest-nobsn-1");
    }

    @Test
    public void bundleWithUnresolvableImportFailsToStartWithTheMissingPackage() throws Exception {
        Bundle probe = installProbe("nl.regie.itests.probe.unresolved", "1.0.0");
        awaitSubscription(probe, "1.0.0");
        String missing = "nl.regie.itests.missing";

        Bundle unresolvable = install("regie-itests:unresolvable",
                TestBundles.bundleWithMissingImport("nl.regie.itests.unresolvable", missing));
        BundleException refused = assertThrows(BundleException.class, unresolvable::start);

        assertEquals(BundleException.RESOLVE_ERROR, refused.getType());
        assertTrue("the error names the missing package: " + refused.getMessage(), refused.getMessage().contains(missing));
        assertEquals(Bundle.INSTALLED, unresolvable.getState());
        assertProbeStillReceives(probe, "1.0.0", "itest-unresolved-1");
        assertEquals(Bundle.ACTIVE, bundleNamed("nl.regie.runtime.core").getState());
    }

    private List<ComponentConfigurationDTO> configurationsOf(Bundle bundle) {
        return scr.getComponentDescriptionDTOs(bundle).stream()
                .flatMap(description -> scr.getComponentConfigurationDTOs(description).stream())
                .collect(Collectors.toList());
    }

    private static String describe(List<ComponentConfigurationDTO> configurations) {
        return configurations.stream()
                .map(c -> c.description.name + " state=" + c.state + " failure=" + c.failure)
                .collect(Collectors.joining("; ", "[", "]"));
    }

    private ServiceReference<?> malformedListenerService(Bundle plugin) {
        ServiceReference<?>[] services = plugin.getRegisteredServices();
        return services == null ? null : Arrays.stream(services)
                .filter(r -> "malformed".equals(r.getProperty(MalformedTopicsListener.ROLE_PROPERTY)))
                .findFirst().orElse(null);
    }
}
