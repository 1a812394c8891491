package nl.regie.itests;

import static nl.regie.itests.Eventually.await;
import java.util.Arrays;
import java.util.List;

import nl.regie.api.monitor.BusMonitor;
import nl.regie.api.monitor.SubscriberInfo;

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
 * Stopping the runtime bundle stops every thread it started (bus subscribers, the bus watchdog, actuation),
 * and starting it again subscribes the plugins' whiteboard listeners anew. Runs in a framework of its own.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeStopTest extends RegieTestSupport {

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options();
    }

    @Test
    public void stoppingTheRuntimeLeavesNoThreadAndARestartResubscribesThePlugins() throws Exception {
        Bundle probe = installProbe("nl.regie.itests.probe.restart", "1.0.0");
        awaitSubscription(probe, "1.0.0");
        await("the runtime's threads are running", () -> !regieThreads().isEmpty(), this::regieThreads);

        Bundle runtime = Arrays.stream(context.getBundles())
                .filter(b -> "nl.regie.runtime".equals(b.getSymbolicName())).findFirst().orElseThrow();
        runtime.stop();
        await("no regie- thread is left after the runtime stopped", () -> regieThreads().isEmpty(), this::regieThreads);

        runtime.start();
        await("the probe is subscribed again after the runtime restarted",
                () -> freshSubscribers().stream().anyMatch(s -> s.bundleId() == probe.getBundleId()
                        && s.state() == SubscriberInfo.State.ACTIVE),
                this::freshSubscribers);
    }

    private List<String> regieThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive).map(Thread::getName).filter(name -> name.startsWith("regie-")).sorted().toList();
    }

    /** The subscribers the restarted runtime reports (the injected monitor belongs to the stopped one). */
    private List<SubscriberInfo> freshSubscribers() {
        ServiceReference<BusMonitor> reference = context.getServiceReference(BusMonitor.class);
        BusMonitor current = reference == null ? null : context.getService(reference);
        if (current == null) {
            return List.of();
        }
        try {
            return current.subscribers();
        } finally {
            context.ungetService(reference);
        }
    }
}
