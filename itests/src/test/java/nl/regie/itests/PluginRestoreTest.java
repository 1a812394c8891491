package nl.regie.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
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
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * A plugin coming back after a restart (the jar its history says ran, into a framework that does not have it) is
 * resolved as itself, without a pre-flight candidate, and refused just the same if it no longer resolves.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginRestoreTest extends LifecycleTestSupport {

    private static final String PACKAGE = "nl.regie.itests.restore.shared";

    @Configuration
    public Option[] configuration() {
        File state = new File(RegieFramework.workDirectory(), "state-" + UUID.randomUUID());
        return options(frameworkProperty("regie.state.dir").value(state.getPath()));
    }

    @Test
    public void aRestoredPluginIsResolvedInPlaceAndRefusedIfItNoLongerResolves() throws Exception {
        String name = "nl.regie.itests.probe.restore";
        removeAfterTest(name);
        Bundle provider = context.installBundle("itest:restore-provider",
                TestBundles.exporting("nl.regie.itests.restore.provider", PACKAGE));
        Path jar = jar(name, TestBundles.pluginWithMissingImport(name, "1.0.0", TestBundles.PROBE_PACKAGE, PACKAGE));
        assertEquals(Result.INSTALLED, lifecycle.install(jar, ORIGIN).result());

        // A restart, as the lifecycle sees it: the framework no longer has the plugin, the history says it ran.
        bundleNamed(name).uninstall();
        List<String> installed = new CopyOnWriteArrayList<>();
        BundleListener listener = event -> {
            if (event.getType() == BundleEvent.INSTALLED) {
                installed.add(event.getBundle().getSymbolicName());
            }
        };
        context.addBundleListener(listener);
        try {
            Outcome restored = lifecycle.install(jar, ORIGIN);
            assertEquals(restored.toString(), Result.INSTALLED, restored.result());
            assertEquals("restored as it ran before the restart", restored.reason());
            assertEquals("no pre-flight candidate", List.of(name), installed);
            assertEquals("nothing new in the history", 1, lifecycle.history(name).size());

            // Again, now that what it imports is gone: refused, and nothing is left installed.
            bundleNamed(name).uninstall();
            provider.uninstall();
            refresh();
            installed.clear();
            int bundles = context.getBundles().length;
            LifecycleException refused = null;
            try {
                lifecycle.install(jar, ORIGIN);
            } catch (LifecycleException e) {
                refused = e;
            }
            assertTrue("refused", refused != null);
            assertEquals(refused.getMessage(), Reason.NOT_RESOLVABLE, refused.reason());
            assertTrue(refused.getMessage(), refused.getMessage().contains(name + " 1.0.0 does not resolve: missing"
                    + " Import-Package " + PACKAGE));
            assertEquals(List.of(name), installed);
            assertEquals("uninstalled again", bundles, context.getBundles().length);
            assertFalse(Arrays.stream(context.getBundles()).anyMatch(b -> name.equals(b.getSymbolicName())));
            assertEquals("nothing new in the history", 1, lifecycle.history(name).size());
        } finally {
            context.removeBundleListener(listener);
        }
    }

    private void refresh() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(null, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        assertTrue("refreshed", done.await(Eventually.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }
}
