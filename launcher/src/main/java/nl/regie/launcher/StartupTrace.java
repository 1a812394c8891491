package nl.regie.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.SynchronousBundleListener;

/**
 * The start's timeline, with {@code -Dregie.startup.trace=true}: the launcher's phases, each bundle's start (from
 * STARTING to STARTED, which holds what its activator and SCR's immediate components do on the starting thread), and
 * the first service each DS component registers, every one as milliseconds from the JVM's start (as the ready line
 * counts) and, for the phases, the process's CPU time so far. Printed after the ready line, one {@code startup:} line
 * each, where it finds the big items of a start. Off by default: then {@link #off()} records nothing.
 *
 * <p>Thread-safe: bundles start on the launcher's thread, components may register from any.
 */
class StartupTrace implements SynchronousBundleListener, ServiceListener {

    /** The system property that turns it on. */
    static final String PROPERTY = "regie.startup.trace";

    private static final StartupTrace OFF = new StartupTrace(() -> 0, () -> -1) {
        @Override
        void phase(String name) {
        }

        @Override
        void attach(BundleContext context) {
        }

        @Override
        List<String> lines() {
            return List.of();
        }
    };

    /** One thing that happened: when (ms from the JVM's start), what, how long it took (or -1), CPU so far (or -1). */
    record Entry(long atMillis, String what, long tookMillis, long cpuMillis) {
    }

    private final LongSupplier sinceStartMillis;
    private final LongSupplier cpuMillis;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<Long, Long> bundleStarting = new HashMap<>();
    private final Map<String, Boolean> componentsSeen = new HashMap<>();

    /**
     * @param sinceStartMillis milliseconds since the JVM started
     * @param cpuMillis        CPU time the process has used, in milliseconds, or -1 where it cannot be read
     */
    StartupTrace(LongSupplier sinceStartMillis, LongSupplier cpuMillis) {
        this.sinceStartMillis = sinceStartMillis;
        this.cpuMillis = cpuMillis;
    }

    /** The trace {@link #PROPERTY} asks for: on, counting from {@code jvmStartMillis} (epoch), or {@link #off()}. */
    static StartupTrace fromSystemProperties(long jvmStartMillis) {
        if (!Boolean.getBoolean(PROPERTY)) {
            return off();
        }
        return new StartupTrace(() -> System.currentTimeMillis() - jvmStartMillis, StartupTrace::processCpuMillis);
    }

    /** A trace that records nothing. */
    static StartupTrace off() {
        return OFF;
    }

    /** A phase of the launcher's start has ended (or, for one that says so, begun) now. */
    void phase(String name) {
        long cpu = cpuMillis.getAsLong();
        synchronized (this) {
            entries.add(new Entry(sinceStartMillis.getAsLong(), name, -1, cpu));
        }
    }

    /** Follows bundle starts and DS components' services in the framework of {@code context}. */
    void attach(BundleContext context) {
        context.addBundleListener(this);
        context.addServiceListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        long now = sinceStartMillis.getAsLong();
        Bundle bundle = event.getBundle();
        synchronized (this) {
            if (event.getType() == BundleEvent.STARTING) {
                bundleStarting.put(bundle.getBundleId(), now);
            } else if (event.getType() == BundleEvent.STARTED) {
                Long began = bundleStarting.remove(bundle.getBundleId());
                entries.add(new Entry(now, "bundle " + bundle.getSymbolicName() + " started",
                        began == null ? -1 : now - began, -1));
            }
        }
    }

    @Override
    public void serviceChanged(ServiceEvent event) {
        if (event.getType() != ServiceEvent.REGISTERED) {
            return;
        }
        Object component = event.getServiceReference().getProperty("component.name");
        if (component == null) {
            return;
        }
        long now = sinceStartMillis.getAsLong();
        synchronized (this) {
            if (componentsSeen.putIfAbsent(component.toString(), Boolean.TRUE) == null) {
                entries.add(new Entry(now, "component " + component + " registered its service", -1, -1));
            }
        }
    }

    /** The timeline so far, in order of time, one line each: {@code startup:  1234 ms  [cpu 2345 ms]  what (took 12 ms)}. */
    synchronized List<String> lines() {
        return entries.stream().sorted((a, b) -> Long.compare(a.atMillis(), b.atMillis())).map(StartupTrace::line).toList();
    }

    /** The entries recorded so far, in the order they were recorded. */
    synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    private static String line(Entry entry) {
        return String.format(Locale.ROOT, "startup: %6d ms %s %s%s", entry.atMillis(),
                entry.cpuMillis() < 0 ? "               " : String.format(Locale.ROOT, "[cpu %6d ms]", entry.cpuMillis()),
                entry.what(), entry.tookMillis() < 0 ? "" : " (took " + entry.tookMillis() + " ms)");
    }

    /**
     * The process's CPU time (user and system) from {@code /proc/self/stat}, in milliseconds, or -1 where there is
     * none (not Linux). Fields 14 and 15, in clock ticks of 100 per second (Linux's USER_HZ everywhere).
     */
    static long processCpuMillis() {
        try {
            return cpuMillisOfStat(Files.readString(Path.of("/proc/self/stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The user and system time of a {@code /proc/<pid>/stat} line, in milliseconds. */
    static long cpuMillisOfStat(String stat) {
        // The command name (field 2) is in parentheses and may hold blanks: count the fields after its last ')'.
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = Long.parseLong(after[11]) + Long.parseLong(after[12]);
        return ticks * 10;
    }
}
