package nl.regie.runtime.core.limits;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whose each live thread is: a plugin's when the thread's class was loaded by the plugin (a subclass of
 * {@link Thread}), when its context class loader is the plugin's, or when the outermost frame of its stack that is
 * not the JDK's is in one of the plugin's packages (a thread it started, directly or as a task of an executor it made,
 * as the lifecycle's leak check tells them). Threads of the runtime that are calling into a plugin (a bus delivery, SCR
 * activating a component) are not the plugin's. A pool thread a plugin made, idle in the JDK's code with the JDK's
 * context class loader, cannot be told from any other until it runs the plugin's code again: it is counted then.
 * Plain Java.
 *
 * @param loaders  the class loaders of the plugins' revisions, to the plugin's symbolic name
 * @param packages the plugins' packages, to the plugin's symbolic name
 */
record ThreadOwners(Map<ClassLoader, String> loaders, Map<String, String> packages) {

    private static final List<String> JDK_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");

    /** The live threads of each plugin, by symbolic name (plugins with none are left out), sorted. */
    Map<String, Integer> count(Map<Thread, StackTraceElement[]> stacks) {
        Map<String, Integer> counts = new TreeMap<>();
        stacks.forEach((thread, stack) -> {
            if (thread.isAlive() && thread != Thread.currentThread()) {
                String owner = ownerOf(thread, stack);
                if (owner != null) {
                    counts.merge(owner, 1, Integer::sum);
                }
            }
        });
        return counts;
    }

    private String ownerOf(ClassLoader loader) {
        return loader == null ? null : loaders.get(loader); // null: the JDK's own classes, or no context loader
    }

    /** The plugin a thread is one of, or null. */
    String ownerOf(Thread thread, StackTraceElement[] stack) {
        String owner = ownerOf(thread.getClass().getClassLoader());
        if (owner == null) {
            owner = ownerOf(thread.getContextClassLoader());
        }
        if (owner == null) {
            for (int i = stack.length - 1; i >= 0; i--) {
                String className = stack[i].getClassName();
                if (JDK_PACKAGES.stream().noneMatch(className::startsWith)) {
                    int dot = className.lastIndexOf('.');
                    return packages.get(dot < 0 ? "" : className.substring(0, dot));
                }
            }
        }
        return owner;
    }
}
