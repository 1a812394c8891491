package nl.regie.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

class LeakCheckTest {

    private static final Set<String> PLUGIN = Set.of("nl.example.plugin");

    private final LeakCheck check = new LeakCheck(Duration.ofMillis(200), 10, new RecordingLogger().logger());

    private static StackTraceElement frame(String className, String method) {
        return new StackTraceElement(className, method, className.substring(className.lastIndexOf('.') + 1) + ".java", 7);
    }

    @Test
    void aThreadIsThePluginsWhenItsOutermostNonJdkFrameIsThePlugins() {
        StackTraceElement[] started = {frame("java.lang.Thread", "sleep"), frame("nl.example.plugin.Worker", "loop"),
                frame("nl.example.plugin.Worker$1", "run"), frame("java.lang.Thread", "run")};
        StackTraceElement[] onAnExecutor = {frame("nl.example.plugin.Task", "run"),
                frame("java.util.concurrent.ThreadPoolExecutor$Worker", "run"), frame("java.lang.Thread", "run")};
        StackTraceElement[] busDelivery = {frame("nl.example.plugin.Listener", "onReading"),
                frame("nl.regie.runtime.core.bus.Subscriber", "deliver"), frame("java.lang.Thread", "run")};

        assertTrue(LeakProbe.startedBy(started, PLUGIN));
        assertTrue(LeakProbe.startedBy(onAnExecutor, PLUGIN));
        assertFalse(LeakProbe.startedBy(busDelivery, PLUGIN), "a runtime thread calling into the plugin is not the plugin's");
        assertFalse(LeakProbe.startedBy(new StackTraceElement[] {frame("java.lang.Object", "wait")}, PLUGIN));
        assertEquals("nl.example.plugin.Worker.loop(Worker.java:7)", LeakProbe.topFrame(started, PLUGIN));
    }

    @Test
    void reportsAThreadStillRunningAndTheClassLoaderItKeeps() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stop = new CountDownLatch(1);
        Thread worker = new Thread(() -> Spinner.spin(started, stop), "example-worker");
        worker.setDaemon(true);
        worker.start();
        started.await();
        ClassLoader loader = new URLClassLoader(new URL[0]);
        try {
            LeakProbe probe = LeakProbe.of("nl.example", "1.0.0", loader, Set.of(Spinner.class.getPackageName()),
                    Thread.getAllStackTraces());

            List<String> leaks = check.check(List.of(probe));

            assertEquals(2, leaks.size(), leaks.toString());
            assertTrue(leaks.get(0).startsWith("thread example-worker still runs " + Spinner.class.getName() + ".spin("),
                    leaks.toString());
            assertEquals("class loader of nl.example 1.0.0 was not collected", leaks.get(1));
        } finally {
            stop.countDown();
            worker.join();
            loader.getClass(); // keeps the loader strongly reachable until here
        }
    }

    @Test
    void findsNothingWhenTheThreadsEndedAndTheLoaderIsCollected() throws Exception {
        LeakProbe probe = LeakProbe.of("nl.example", "1.0.0", new URLClassLoader(new URL[0]),
                Set.of(Spinner.class.getPackageName()), java.util.Map.of());

        assertEquals(List.of(), check.check(List.of(probe)));
    }

    /** Stands in for a plugin's worker loop. */
    static final class Spinner {

        static void spin(CountDownLatch started, CountDownLatch stop) {
            started.countDown();
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
