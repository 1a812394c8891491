package nl.regie.benchmarks.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of every thread of this process, Java's and native ones alike (DuckDB's workers, GC, the JIT), read from
 * {@code /proc/self/task/<tid>/stat} (user and system ticks) and grouped by the thread's name as Linux has it (the
 * first 15 characters of a Java thread's name). Two snapshots give where a phase's CPU went. Empty off Linux.
 */
final class ThreadCpu {

    private static final double TICK_SECONDS = 0.01; // USER_HZ is 100 on Linux

    /** CPU ticks by thread id, and each id's name. */
    private final Map<Long, Long> ticks = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();

    private ThreadCpu() {
    }

    /** The CPU ticks of every thread of the process now. */
    static ThreadCpu snapshot() {
        ThreadCpu snapshot = new ThreadCpu();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return snapshot;
        }
        try (Stream<Path> all = Files.list(tasks)) {
            all.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // pid (comm) state ...: the name may hold spaces and parentheses, so cut at the last ')'.
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String[] fields = stat.substring(close + 2).split(" ");
                    long tid = Long.parseLong(task.getFileName().toString());
                    // After the name: state is field 0, utime 11, stime 12.
                    snapshot.ticks.put(tid, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                    snapshot.names.put(tid, stat.substring(open + 1, close));
                } catch (IOException | RuntimeException gone) {
                    // The thread ended between the listing and the read: its CPU is not counted.
                }
            });
        } catch (IOException e) {
            return snapshot;
        }
        return snapshot;
    }

    /**
     * The CPU seconds each thread name used since {@code before} (threads started since count from zero), most first,
     * names that used under 0.05 s left out; as one line.
     */
    String since(ThreadCpu before) {
        Map<String, Long> byName = new HashMap<>();
        ticks.forEach((tid, now) -> byName.merge(names.get(tid), now - before.ticks.getOrDefault(tid, 0L), Long::sum));
        StringBuilder line = new StringBuilder();
        byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() * TICK_SECONDS >= 0.05)
                .forEach(e -> line.append(line.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                        "%s %.2f s", e.getKey(), e.getValue() * TICK_SECONDS)));
        return line.toString();
    }
}
