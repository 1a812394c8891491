package nl.regie.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import nl.regie.runtime.spi.lifecycle.HistoryEntry;
import nl.regie.runtime.spi.lifecycle.Outcome.Operation;
import nl.regie.runtime.spi.lifecycle.Outcome.Result;
import nl.regie.runtime.spi.lifecycle.PluginLifecycle;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.util.tracker.ServiceTracker;

/** A plugin's history and kept jars survive a restart of the runtime, read back from {@code regie.state.dir}. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginHistoryTest extends LifecycleTestSupport {

    @Configuration
    public Option[] configuration() {
        File state = new File(RegieFramework.workDirectory(), "state-" + UUID.randomUUID());
        return options(frameworkProperty("regie.state.dir").value(state.getPath()));
    }

    @Test
    public void historySurvivesARestartOfTheRuntime() throws Exception {
        String name = "nl.regie.itests.probe.history";
        Path state = Path.of(context.getProperty("regie.state.dir"));
        installThroughLifecycle(name, "1.0.0", TestBundles.PROBE_PACKAGE);
        assertEquals(Result.PROMOTED, lifecycle.update(name, pluginJar(name, "1.0.1", TestBundles.PROBE_PACKAGE), ORIGIN)
                .result());
        List<HistoryEntry> before = lifecycle.history(name);
        assertEquals(2, before.size());
        Path folder = state.resolve("plugins").resolve(name);
        assertTrue(Files.isRegularFile(folder.resolve("history.json")));
        assertTrue(Files.isRegularFile(folder.resolve("1.0.0.jar")));
        assertTrue(Files.isRegularFile(folder.resolve("1.0.1.jar")));

        Bundle runtime = bundleNamed("nl.regie.runtime.lifecycle");
        runtime.stop();
        runtime.start();
        PluginLifecycle restarted = awaitLifecycle();

        assertNotSame("a new lifecycle", lifecycle, restarted);
        assertEquals("the history, read back", before, restarted.history(name));
        assertEquals("1.0.0", restarted.status(name).orElseThrow().previousVersion());
        var rolledBack = restarted.rollback(name, ORIGIN);
        assertEquals(rolledBack.toString(), Result.PROMOTED, rolledBack.result());
        assertEquals(Operation.ROLLBACK, rolledBack.operation());
        assertEquals("1.0.0", bundleNamed(name).getVersion().toString());
        assertEquals(3, restarted.history(name).size());
        restarted.remove(name, ORIGIN);
    }

    private PluginLifecycle awaitLifecycle() throws InterruptedException {
        ServiceTracker<PluginLifecycle, PluginLifecycle> tracker = new ServiceTracker<>(context, PluginLifecycle.class, null);
        tracker.open();
        try {
            PluginLifecycle service = tracker.waitForService(Eventually.TIMEOUT.toMillis());
            assertNotNull("the lifecycle came back", service);
            return service;
        } finally {
            tracker.close();
        }
    }
}
