package nl.regie.runtime.core.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Whose a thread is: by its class's loader, its context class loader, or the outermost frame that is not the JDK's. */
class ThreadOwnersTest {

    private final ClassLoader pluginLoader = new URLClassLoader(new URL[0]);
    private final ThreadOwners owners = new ThreadOwners(Map.of(pluginLoader, "nl.example.flood"),
            Map.of("nl.example.flood", "nl.example.flood", "nl.example.flood.work", "nl.example.flood"));

    private static StackTraceElement frame(String className) {
        return new StackTraceElement(className, "run", "X.java", 1);
    }

    @Test
    void aThreadRunningThePluginsCodeOutermostIsThePlugins() {
        Thread thread = new Thread(() -> { });
        StackTraceElement[] pluginTask = {frame("java.lang.Object"), frame("nl.example.flood.work.Pump"),
            frame("java.util.concurrent.ThreadPoolExecutor$Worker"), frame("java.lang.Thread")};
        assertEquals("nl.example.flood", owners.ownerOf(thread, pluginTask));

        StackTraceElement[] runtimeDelivering = {frame("nl.example.flood.Listener"),
            frame("nl.regie.runtime.core.bus.Subscriber"), frame("java.lang.Thread")};
        assertNull(owners.ownerOf(thread, runtimeDelivering), "the runtime calling into the plugin");

        StackTraceElement[] idlePool = {frame("jdk.internal.misc.Unsafe"), frame("java.lang.Thread")};
        assertNull(owners.ownerOf(thread, idlePool));
    }

    @Test
    void aThreadWithThePluginsContextClassLoaderIsThePlugins() {
        Thread thread = new Thread(() -> { });
        thread.setContextClassLoader(pluginLoader);
        assertEquals("nl.example.flood", owners.ownerOf(thread, new StackTraceElement[0]));
    }

    @Test
    void countsOnlyLiveThreadsPerPlugin() throws InterruptedException {
        Thread alive = new Thread(() -> { });
        Thread dead = new Thread(() -> { });
        dead.start();
        dead.join();
        Map<Thread, StackTraceElement[]> stacks = new LinkedHashMap<>();
        StackTraceElement[] plugin = {frame("nl.example.flood.work.Pump")};
        stacks.put(alive, plugin);
        stacks.put(dead, plugin);
        stacks.put(Thread.currentThread(), plugin);
        assertEquals(Map.of(), owners.count(stacks), "not started, ended, or the counting thread itself");
    }
}
