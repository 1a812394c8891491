package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.Outcome.Result;

import org.junit.Test;
import org.junit.function.ThrowingRunnable;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Bad input to the lifecycle: each is refused with its reason and a message naming the plugin, and the running
 * version is untouched (the same bundle revision, still receiving).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginRefusalTest extends LifecycleTestSupport {

    @Configuration
    public Option[] configuration() {
        return options();
    }

    @Test
    public void jarThatIsNotABundleIsRefused() throws Exception {
        String name = "nl.regie.itests.probe.notabundle";
        Bundle probe = installThroughLifecycle(name, "1.0.0", TestBundles.PROBE_PACKAGE);
        Object revision = revisionOf(probe);
        Path text = Files.writeString(jar("text", TestBundles.jarWithoutSymbolicName()), "not a jar", StandardCharsets.UTF_8);

        assertRefused(Reason.NOT_A_BUNDLE, () -> lifecycle.update(name, text, ORIGIN), name, "is not a jar (zip) file");
        assertRefused(Reason.NOT_A_BUNDLE, () -> lifecycle.update(name, jar("nobsn", TestBundles.jarWithoutSymbolicName()),
                ORIGIN), name, "no Bundle-SymbolicName");
        assertUntouched(probe, revision, "1.0.0", "itest-notabundle");
    }

    @Test
    public void jarThatDoesNotResolveIsRefusedBeforeTheRunningVersionIsTouched() throws Exception {
        String name = "nl.regie.itests.probe.unresolvable";
        String missing = "nl.regie.itests.missing";
        Bundle probe = installThroughLifecycle(name, "1.0.0", TestBundles.PROBE_PACKAGE);
        Object revision = revisionOf(probe);
        long bundles = context.getBundles().length;

        assertRefused(Reason.NOT_RESOLVABLE, () -> lifecycle.update(name, jar("missing",
                TestBundles.pluginWithMissingImport(name, "1.0.1", TestBundles.PROBE_PACKAGE, missing)), ORIGIN),
                name, "Import-Package " + missing);

        assertEquals("the pre-flight candidate is gone", bundles, context.getBundles().length);
        assertUntouched(probe, revision, "1.0.0", "itest-unresolvable");
        assertEquals("nothing recorded but the install", 1, lifecycle.history(name).size());
    }

    @Test
    public void sameVersionAnotherPluginsJarAndASecondInstallAreRefused() throws Exception {
        String name = "nl.regie.itests.probe.same";
        Bundle probe = installThroughLifecycle(name, "1.0.0", TestBundles.PROBE_PACKAGE);
        Object revision = revisionOf(probe);

        assertRefused(Reason.SAME_VERSION, () -> lifecycle.update(name, pluginJar(name, "1.0.0", TestBundles.PROBE_PACKAGE),
                ORIGIN), name, "version 1.0.0 is installed already");
        assertRefused(Reason.WRONG_PLUGIN, () -> lifecycle.update(name, pluginJar("nl.regie.itests.other", "1.0.1",
                TestBundles.PROBE_PACKAGE), ORIGIN), name, "that jar is nl.regie.itests.other 1.0.1");
        assertRefused(Reason.ALREADY_INSTALLED, () -> lifecycle.install(pluginJar(name, "1.0.1", TestBundles.PROBE_PACKAGE),
                ORIGIN), name, "update it instead");
        assertUntouched(probe, revision, "1.0.0", "itest-same");
    }

    @Test
    public void operationsOnAPluginThatIsNotInstalledAreRefused() throws Exception {
        String name = "nl.regie.itests.nope";

        assertRefused(Reason.UNKNOWN_PLUGIN, () -> lifecycle.update(name, pluginJar(name, "1.0.1", TestBundles.PROBE_PACKAGE),
                ORIGIN), name, "no plugin " + name + " is installed");
        assertRefused(Reason.UNKNOWN_PLUGIN, () -> lifecycle.rollback(name, ORIGIN), name, "no plugin");
        assertRefused(Reason.UNKNOWN_PLUGIN, () -> lifecycle.remove(name, ORIGIN), name, "no plugin");
        assertFalse(lifecycle.status(name).isPresent());
        assertEquals(0, lifecycle.history(name).size());
    }

    @Test
    public void installThatDoesNotResolveIsRefusedAndLeavesNothingInstalled() throws Exception {
        String name = "nl.regie.itests.probe.neverinstalled";
        long bundles = context.getBundles().length;

        assertRefused(Reason.NOT_RESOLVABLE, () -> lifecycle.install(jar("missing", TestBundles.pluginWithMissingImport(
                name, "1.0.0", TestBundles.PROBE_PACKAGE, "nl.regie.itests.missing")), ORIGIN), name, "nl.regie.itests.missing");

        assertEquals(bundles, context.getBundles().length);
        assertTrue(Arrays.stream(context.getBundles()).noneMatch(b -> b.getSymbolicName().startsWith(name)));
    }

    @Test
    public void secondOperationWhileOneRunsIsRefusedAsBusy() throws Exception {
        String name = "nl.regie.itests.warming";
        installThroughLifecycle(name, "1.0.0", TestBundles.WARMING_PACKAGE);

        // 1.0.1 needs a while to pass its health gate, so the update stays under way long enough to collide with.
        CompletableFuture<Outcome> first = CompletableFuture.supplyAsync(() -> {
            try {
                return lifecycle.update(name, pluginJar(name, "1.0.1", TestBundles.WARMING_PACKAGE), ORIGIN);
            } catch (LifecycleException e) {
                throw new IllegalStateException(e);
            }
        });
        await("the first update under way", () -> lifecycle.status(name).map(r -> r.busy()).orElse(false),
                () -> lifecycle.status(name));

        assertRefused(Reason.BUSY, () -> lifecycle.update(name, pluginJar(name, "1.0.2", TestBundles.WARMING_PACKAGE), ORIGIN),
                name, "another operation on " + name + " is under way (update to 1.0.1 by " + ORIGIN);
        assertRefused(Reason.BUSY, () -> lifecycle.remove(name, ORIGIN), name, "under way");

        Outcome outcome = first.get(Eventually.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(outcome.toString(), Result.PROMOTED, outcome.result());
        assertEquals("1.0.1", bundleNamed(name).getVersion().toString());
        assertFalse(lifecycle.status(name).orElseThrow().busy());
    }

    private LifecycleException assertRefused(Reason reason, ThrowingRunnable operation, String name, String text) {
        LifecycleException refused = assertThrows(LifecycleException.class, operation);
        assertEquals(refused.getMessage(), reason, refused.reason());
        assertTrue("the message names the plugin: " + refused.getMessage(), refused.getMessage().contains(name));
        assertTrue("the message says '" + text + "': " + refused.getMessage(), refused.getMessage().contains(text));
        awaitLogged("INFO", "Refused (" + reason, refused.getMessage());
        return refused;
    }

    private void assertUntouched(Bundle probe, Object revision, String version, String localId) {
        assertSame("the same bundle revision runs", revision, revisionOf(probe));
        assertEquals(Bundle.ACTIVE, probe.getState());
        assertProbeStillReceives(probe, version, localId);
    }
}
