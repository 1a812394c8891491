package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;

import nl.regie.itests.plugin.leaky.LeakyWorker;
import nl.regie.itests.plugin.tidy.TidyWorker;
import nl.regie.runtime.spi.lifecycle.HistoryEntry;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.Outcome.Operation;
import nl.regie.runtime.spi.lifecycle.Outcome.Result;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The leak check after an update or removal: a plugin that forgets a thread is reported by name, with the thread
 * and its class loader that could not be collected; a plugin that cleans up is not.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginLeakTest extends LifecycleTestSupport {

    @Configuration
    public Option[] configuration() {
        return options();
    }

    @After
    public void stopForgottenThreads() {
        threadsNamed(LeakyWorker.THREAD_NAME).forEach(Thread::interrupt);
    }

    @Test
    public void pluginThatForgetsAThreadIsReportedAfterUpdateAndAfterRemoval() throws Exception {
        String name = "nl.regie.itests.leaky";
        installThroughLifecycle(name, "1.0.0", TestBundles.LEAKY_PACKAGE);
        await("the leaky worker runs", () -> threadsNamed(LeakyWorker.THREAD_NAME).size() == 1,
                () -> threadsNamed(LeakyWorker.THREAD_NAME));

        Outcome updated = lifecycle.update(name, pluginJar(name, "1.0.1", TestBundles.LEAKY_PACKAGE), ORIGIN);

        assertEquals(Result.PROMOTED, updated.result());
        String threadLeak = "thread " + LeakyWorker.THREAD_NAME + " still runs " + TestBundles.LEAKY_PACKAGE + ".LeakyWorker.";
        String loaderLeak = "class loader of " + name + " 1.0.0 was not collected";
        await("the update's leaks on the plugin's record",
                () -> hasLeaks(lifecycle.status(name).orElseThrow().leaks(), threadLeak, loaderLeak),
                () -> lifecycle.status(name));
        assertTrue(hasLeaks(lifecycle.status(name).orElseThrow().lastOutcome().leaks(), threadLeak, loaderLeak));
        awaitLogged("WARN", "Plugin " + name + " 1.0.0 leaks after update: " + threadLeak, loaderLeak);

        Outcome removed = lifecycle.remove(name, ORIGIN);

        assertEquals(Result.REMOVED, removed.result());
        String removedLoaderLeak = "class loader of " + name + " 1.0.1 was not collected";
        await("the removal's leaks in the history", () -> hasLeaks(lastEntry(name).outcome().leaks(), threadLeak,
                removedLoaderLeak), () -> lifecycle.history(name));
        assertEquals(Operation.REMOVE, lastEntry(name).outcome().operation());
        awaitLogged("WARN", "Plugin " + name + " 1.0.1 leaks after removal: " + threadLeak, removedLoaderLeak);
    }

    @Test
    public void pluginThatStopsItsThreadLeavesNothingBehind() throws Exception {
        String name = "nl.regie.itests.tidy";
        installThroughLifecycle(name, "1.0.0", TestBundles.TIDY_PACKAGE);
        await("the tidy worker runs", () -> threadsNamed(TidyWorker.THREAD_NAME).size() == 1,
                () -> threadsNamed(TidyWorker.THREAD_NAME));

        assertEquals(Result.PROMOTED, lifecycle.update(name, pluginJar(name, "1.0.1", TestBundles.TIDY_PACKAGE), ORIGIN)
                .result());
        awaitLogged("INFO", "Plugin " + name + " 1.0.0 left nothing behind after update");
        assertEquals(List.of(), lifecycle.status(name).orElseThrow().leaks());

        lifecycle.remove(name, ORIGIN);
        awaitLogged("INFO", "Plugin " + name + " 1.0.1 left nothing behind after removal");
        assertEquals(List.of(), lastEntry(name).outcome().leaks());
        assertFalse(logged("WARN", "Plugin " + name).isPresent());
        assertTrue(threadsNamed(TidyWorker.THREAD_NAME).isEmpty());
    }

    private HistoryEntry lastEntry(String name) {
        List<HistoryEntry> history = lifecycle.history(name);
        return history.get(history.size() - 1);
    }

    private static boolean hasLeaks(List<String> leaks, String thread, String loader) {
        return leaks.stream().anyMatch(leak -> leak.startsWith(thread)) && leaks.contains(loader);
    }
}
