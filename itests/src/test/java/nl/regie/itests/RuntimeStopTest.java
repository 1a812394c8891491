package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import nl.regie.runtime.spi.monitor.BusMonitor;
import nl.regie.runtime.spi.monitor.SubscriberInfo;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;

/**
 * Stopping the runtime's bundles stops every thread they started, whatever its name (bus subscribers, the bus
 * watchdog, actuation, notifications, the audit writer, the config folder, the lifecycle's leak check, the stream, the
 * state folder's snapshot writers),
 * and starting them again subscribes the plugins' whiteboard listeners anew. Runs in a framework of its own.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeStopTest extends RegieTestSupport {

    /** With a state folder, so the threads that keep the city state, alerts and commands there are stopped too. */
    @Configuration
    public Option[] configuration() {
        File state = new File(RegieFramework.workDirectory(), "state-" + UUID.randomUUID());
        return OptionUtils.combine(RegieFramework.options(),
                CoreOptions.frameworkProperty("regie.state.dir").value(state.getPath()));
    }

    @Test
    public void stoppingTheRuntimeLeavesNoThreadAndARestartResubscribesThePlugins() throws Exception {
        List<Bundle> runtime = runtimeBundles();
        stop(runtime);
        // Every thread alive with the runtime stopped: the framework's, SCR's, Jetty's, the test's own.
        Set<Thread> without = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .collect(Collectors.toSet());

        start(runtime);
        // The services injected into the test belong to the runtime as it was before the first stop: ask afresh.
        Bundle probe = installProbe("nl.regie.itests.probe.restart", "1.0.0");
        await("the probe subscribed", () -> freshSubscribers().stream().anyMatch(s -> s.bundleId() == probe.getBundleId()
                && s.state() == SubscriberInfo.State.ACTIVE), this::freshSubscribers);
        await("the runtime's threads are running", () -> !startedSince(without).isEmpty(), () -> describe(without));

        stop(runtime);
        await("no thread the runtime started is left after it stopped", () -> startedSince(without).isEmpty(),
                () -> describe(without));

        start(runtime);
        await("the probe is subscribed again after the runtime restarted",
                () -> freshSubscribers().stream().anyMatch(s -> s.bundleId() == probe.getBundleId()
                        && s.state() == SubscriberInfo.State.ACTIVE),
                this::freshSubscribers);
    }

    /** The runtime's bundles, in the order they were installed. */
    private List<Bundle> runtimeBundles() {
        return Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith("nl.regie.runtime."))
                .sorted(Comparator.comparingLong(Bundle::getBundleId)).toList();
    }

    private static void stop(List<Bundle> runtime) throws BundleException {
        List<Bundle> reversed = new ArrayList<>(runtime);
        Collections.reverse(reversed);
        for (Bundle bundle : reversed) {
            bundle.stop();
        }
    }

    private static void start(List<Bundle> runtime) throws BundleException {
        for (Bundle bundle : runtime) {
            bundle.start();
        }
    }

    /** The live threads that were not alive in {@code before}. */
    private static List<Thread> startedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).filter(t -> !before.contains(t))
                .sorted(Comparator.comparing(Thread::getName)).toList();
    }

    /** Each new thread's name and the top of its stack, to name who started it. */
    private static String describe(Set<Thread> before) {
        StringBuilder text = new StringBuilder();
        for (Thread thread : startedSince(before)) {
            text.append("\n  ").append(thread.getName()).append(thread.isDaemon() ? " (daemon)" : "");
            Arrays.stream(thread.getStackTrace()).limit(8).forEach(frame -> text.append("\n      at ").append(frame));
        }
        return text.length() == 0 ? "none" : text.toString();
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
