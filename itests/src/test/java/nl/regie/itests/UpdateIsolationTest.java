package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.io.FileInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import javax.inject.Inject;

import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.Outcome.Result;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevisions;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;

/**
 * Updating one real plugin (waste) leaves the others (lighting, mobility) untouched: the same bundles in the same
 * state, never updated, the same DS component configurations and services, the same bus subscriptions; and no
 * refresh is needed to let go of waste's old revision.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UpdateIsolationTest extends LifecycleTestSupport {

    @Inject
    private ServiceComponentRuntime scr;

    @Configuration
    public Option[] configuration() {
        return options();
    }

    @Test
    public void updatingWasteLeavesLightingAndMobilityUntouched() throws Exception {
        Bundle waste = installReal("waste");
        Bundle lighting = installReal("lighting");
        Bundle mobility = installReal("mobility");
        removeAfterTest(waste.getSymbolicName());
        for (Bundle bundle : List.of(waste, lighting, mobility)) {
            bundle.start();
        }
        await("waste, lighting and mobility healthy", () -> List.of(waste, lighting, mobility).stream()
                .allMatch(b -> lifecycle.status(b.getSymbolicName()).map(r -> r.healthy()).orElse(false)
                        && !subscriptionsOf(b).isEmpty()), lifecycle::list);
        List<String> before = snapshot(lighting, mobility);

        Outcome outcome = lifecycle.update(waste.getSymbolicName(), jar("waste-0.1.1",
                TestBundles.withVersion(RegieFramework.bundleFile("waste"), "0.1.1")), ORIGIN);

        assertEquals(outcome.toString(), Result.PROMOTED, outcome.result());
        assertEquals("0.1.0.SNAPSHOT", outcome.fromVersion());
        assertEquals("0.1.1", waste.getVersion().toString());
        assertEquals("only the new revision is left, without a refresh", 1,
                waste.adapt(BundleRevisions.class).getRevisions().size());
        assertFalse(context.getBundle(0).adapt(FrameworkWiring.class).getRemovalPendingBundles().contains(waste));
        assertFalse("Felix dropped the old revision itself: the lifecycle's fallback refresh did not run",
                logged("refreshing the plugin alone").isPresent());
        assertEquals("lighting and mobility: same bundles, states, components, services, subscriptions", before,
                snapshot(lighting, mobility));
        await("waste's durable subscriptions delivered to 0.1.1", () -> subscriptionsOf(waste).stream()
                .allMatch(s -> s.bundleVersion().equals("0.1.1")), () -> subscriptionsOf(waste));
        awaitLogged("INFO", "Plugin nl.regie.waste 0.1.0.SNAPSHOT left nothing behind after update");
    }

    private Bundle installReal(String name) throws Exception {
        try (FileInputStream content = new FileInputStream(RegieFramework.bundleFile(name))) {
            return install(RegieFramework.bundleFile(name).toURI().toString(), content);
        }
    }

    /** What must not change about the bundles, one line each. */
    private List<String> snapshot(Bundle... bundles) {
        List<String> lines = new ArrayList<>();
        for (Bundle bundle : bundles) {
            String prefix = bundle.getSymbolicName() + " ";
            lines.add(prefix + "id=" + bundle.getBundleId() + " state=" + bundle.getState() + " lastModified="
                    + bundle.getLastModified() + " revision=" + System.identityHashCode(revisionOf(bundle)));
            for (var description : scr.getComponentDescriptionDTOs(bundle)) {
                for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                    lines.add(prefix + "component " + description.name + " id=" + configuration.id + " state="
                            + configuration.state);
                }
            }
            ServiceReference<?>[] services = bundle.getRegisteredServices();
            for (ServiceReference<?> service : services == null ? new ServiceReference<?>[0] : services) {
                lines.add(prefix + "service " + service.getProperty(Constants.SERVICE_ID) + " "
                        + String.join(",", (String[]) service.getProperty(Constants.OBJECTCLASS)));
            }
            lines.add(prefix + "subscriptions " + subscriptionsOf(bundle).stream()
                    .map(s -> s.id() + ":" + s.state() + ":" + s.bundleVersion() + ":" + s.topicFilters())
                    .sorted().collect(Collectors.joining(" ")));
        }
        return lines;
    }
}
