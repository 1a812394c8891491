package nl.regie.runtime.lifecycle;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

/**
 * What a plugin revision looked like just before it was stopped, for the leak check afterwards: its class loader
 * and the threads running its code, both held weakly, so the probe itself keeps nothing alive.
 *
 * <p>A thread counts as the plugin's when the outermost frame that is not the JDK's belongs to one of the bundle's
 * own packages: a thread the plugin started (directly, or as a task on an executor it made). Threads of the runtime
 * that happen to be calling into the plugin (a bus delivery, SCR activating a component) are not its own; they are
 * not expected to end when the plugin stops.
 *
 * @param symbolicName the plugin
 * @param version      the revision's version
 * @param loader       the revision's class loader, or null not to check it
 * @param threads      the threads running the plugin's code
 * @param packages     the bundle's own packages (to find its frames in a stack)
 */
record LeakProbe(String symbolicName, String version, WeakReference<ClassLoader> loader, List<SeenThread> threads,
        Set<String> packages) {

    /**
     * A thread running the plugin's code.
     *
     * @param thread the thread
     * @param name   its name when seen
     * @param frame  the plugin frame it was running
     */
    record SeenThread(WeakReference<Thread> thread, String name, String frame) {
    }

    private static final List<String> JDK_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");

    /**
     * The probe of a bundle's current revision; null if it has no wiring (never resolved), so nothing can leak.
     *
     * @param known threads already reported as leaked by an earlier revision of the plugin: not this revision's
     */
    static LeakProbe of(Bundle bundle, Set<Thread> known) {
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        if (wiring == null || wiring.getClassLoader() == null) {
            return null;
        }
        Set<String> packages = new TreeSet<>();
        for (String resource : wiring.listResources("/", "*.class",
                BundleWiring.LISTRESOURCES_LOCAL | BundleWiring.LISTRESOURCES_RECURSE)) {
            int slash = resource.lastIndexOf('/');
            if (slash > 0) {
                packages.add(resource.substring(0, slash).replace('/', '.'));
            }
        }
        Map<Thread, StackTraceElement[]> stacks = Thread.getAllStackTraces();
        stacks.keySet().removeAll(known);
        return of(bundle.getSymbolicName(), bundle.getVersion().toString(), wiring.getClassLoader(), packages, stacks);
    }

    /**
     * This probe without its class loader: for the revision of a version that failed its health gate, whose class
     * loader is expected to stay for a while (the Log Service keeps the last entries, and with them the exceptions
     * its code threw, whose stack traces reference its classes). Its threads are still checked.
     */
    LeakProbe threadsOnly() {
        return new LeakProbe(symbolicName, version, null, threads, packages);
    }

    /** A probe from its parts (and a snapshot of the live threads). */
    static LeakProbe of(String symbolicName, String version, ClassLoader loader, Set<String> packages,
            Map<Thread, StackTraceElement[]> stacks) {
        List<SeenThread> threads = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> entry : stacks.entrySet()) {
            Thread thread = entry.getKey();
            if (thread != Thread.currentThread() && thread.isAlive() && startedBy(entry.getValue(), packages)) {
                threads.add(new SeenThread(new WeakReference<>(thread), thread.getName(),
                        topFrame(entry.getValue(), packages)));
            }
        }
        return new LeakProbe(symbolicName, version, new WeakReference<>(loader), List.copyOf(threads), Set.copyOf(packages));
    }

    /** Whether the outermost non-JDK frame of a stack is in one of the packages. */
    static boolean startedBy(StackTraceElement[] stack, Set<String> packages) {
        for (int i = stack.length - 1; i >= 0; i--) {
            String className = stack[i].getClassName();
            if (JDK_PACKAGES.stream().noneMatch(className::startsWith)) {
                return packages.contains(packageOf(className));
            }
        }
        return false;
    }

    /** The innermost frame of a stack in one of the packages, as "class.method(File.java:line)"; null if none. */
    static String topFrame(StackTraceElement[] stack, Set<String> packages) {
        for (StackTraceElement frame : stack) {
            if (packages.contains(packageOf(frame.getClassName()))) {
                return frame.getClassName() + "." + frame.getMethodName() + "("
                        + (frame.getFileName() == null ? "Unknown Source" : frame.getFileName())
                        + (frame.getLineNumber() >= 0 ? ":" + frame.getLineNumber() : "") + ")";
            }
        }
        return null;
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }
}
