package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;

import nl.regie.api.model.Reading;
import nl.regie.api.monitor.SubscriberInfo;
import nl.regie.itests.plugin.probe.ProbeListener;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

/** A plugin's life on a running system: installed, updated and removed while the bus keeps running. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginLifecycleTest extends RegieTestSupport {

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options();
    }

    @Test
    public void installedPluginReceivesTheReadingsItSubscribedTo() throws Exception {
        Bundle probe = installProbe("nl.regie.itests.probe.install", "1.0.0");

        SubscriberInfo subscription = awaitSubscription(probe, "1.0.0");
        assertEquals("nl.regie.itests.probe.install", subscription.bundleSymbolicName());
        assertEquals(List.of(ProbeListener.TOPIC_FILTER), subscription.topicFilters());

        Reading other = temperature("itest-install-1", 21.5);
        Reading matching = fillingLevel("itest-install-1", 0.5);
        bus.publish(other);
        bus.publish(matching);

        awaitDelivered(probe, "1.0.0", 1);
        awaitProbeReceived(probe, matching.topic());
        assertEquals("the probe subscribed to fillingLevel only", List.of(matching.topic()), receivedByProbe(probe));
        assertEquals("the bus counted the one matching delivery", 1, awaitDelivered(probe, "1.0.0", 1).delivered());
    }

    @Test
    public void updatedPluginReceivesAsItsNewVersion() throws Exception {
        Bundle probe = installProbe("nl.regie.itests.probe.update", "1.0.0");
        awaitSubscription(probe, "1.0.0");
        Reading beforeUpdate = fillingLevel("itest-update-1", 0.2);
        bus.publish(beforeUpdate);
        awaitProbeReceived(probe, beforeUpdate.topic());

        probe.update(TestBundles.plugin("nl.regie.itests.probe.update", "1.0.1", TestBundles.PROBE_PACKAGE));

        assertEquals(Version.parseVersion("1.0.1"), probe.getVersion());
        assertEquals(Bundle.ACTIVE, probe.getState());
        awaitSubscription(probe, "1.0.1");
        await("the subscription of version 1.0.0 closed",
                () -> subscriptionsOf(probe).stream()
                        .noneMatch(s -> s.bundleVersion().equals("1.0.0") && s.state() != SubscriberInfo.State.CLOSED),
                monitor::subscribers);

        Reading afterUpdate = fillingLevel("itest-update-2", 0.3);
        bus.publish(afterUpdate);
        awaitDelivered(probe, "1.0.1", 1);
        awaitProbeReceived(probe, afterUpdate.topic());
        assertFalse("the new version is a new instance that never saw the old reading",
                receivedByProbe(probe).contains(beforeUpdate.topic()));
        // The old revision's subscriber thread is gone: one subscription, one thread.
        await("one bus thread left for the plugin", () -> liveThreadsNamed("regie-bus-" + probe.getSymbolicName() + "-").size() == 1,
                () -> liveThreadsNamed("regie-bus-"));
    }

    @Test
    public void uninstalledPluginLeavesNoSubscriptionAndNoThread() throws Exception {
        String symbolicName = "nl.regie.itests.probe.uninstall";
        Bundle probe = installProbe(symbolicName, "1.0.0");
        awaitSubscription(probe, "1.0.0");
        Reading reading = fillingLevel("itest-uninstall-1", 0.9);
        bus.publish(reading);
        awaitDelivered(probe, "1.0.0", 1);
        awaitProbeReceived(probe, reading.topic());
        // The bus serves each subscriber on a thread of its own, named after the plugin: make sure there is
        // one, so that its absence after the uninstall means something.
        await("a bus thread named after " + symbolicName, () -> !liveThreadsNamed("regie-bus-" + symbolicName).isEmpty(),
                () -> liveThreadsNamed("regie-bus-"));
        long bundleId = probe.getBundleId();

        probe.uninstall();

        await("no subscription of " + symbolicName + " left",
                () -> monitor.subscribers().stream()
                        .noneMatch(s -> s.bundleId() == bundleId || s.bundleSymbolicName().equals(symbolicName)),
                monitor::subscribers);
        await("no thread of " + symbolicName + " alive", () -> liveThreadsNamed(symbolicName).isEmpty(),
                () -> liveThreadsNamed(symbolicName));

        long published = monitor.published();
        bus.publish(fillingLevel("itest-uninstall-2", 0.1));
        await("the bus still counts publications", () -> monitor.published() > published, monitor::published);
        assertTrue(liveThreadsNamed(symbolicName).isEmpty());
    }
}
