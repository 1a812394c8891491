package nl.regie.benchmarks.ingest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Where the CPU time of a round went: this JVM's threads by kind, and the broker process. */
final class CpuUse {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long TICKS_PER_SECOND = 100;

    private final Map<Long, Long> threadsBefore = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final long brokerBefore;
    private final long pid;

    private CpuUse(long pid) {
        this.pid = pid;
        for (long id : THREADS.getAllThreadIds()) {
            threadsBefore.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
        }
        brokerBefore = brokerTicks();
    }

    static CpuUse start(long brokerPid) {
        return new CpuUse(brokerPid);
    }

    /** CPU seconds since the start, per kind of thread and for the broker, as one line. */
    String stop() {
        Map<String, Long> byKind = new TreeMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long now = THREADS.getThreadCpuTime(id);
            var info = THREADS.getThreadInfo(id);
            if (now < 0 || info == null) {
                continue;
            }
            names.put(id, info.getThreadName());
            long used = now - threadsBefore.getOrDefault(id, 0L);
            byKind.merge(kind(info.getThreadName()), used, Long::sum);
        }
        StringBuilder line = new StringBuilder("CPU s:");
        byKind.forEach((kind, nanos) -> {
            if (nanos > 5_000_000) {
                line.append(String.format(Locale.ROOT, " %s %.2f,", kind, nanos / 1e9));
            }
        });
        line.append(String.format(Locale.ROOT, " mosquitto %.2f", (brokerTicks() - brokerBefore) / (double) TICKS_PER_SECOND));
        return line.toString();
    }

    private static String kind(String thread) {
        if (thread.startsWith("MQTT")) {
            String[] parts = thread.split(": ", 2);
            String client = parts.length == 2 ? parts[1].replaceAll("bench\\d+", "") : "";
            return parts[0].replace("MQTT ", "paho-") + "(" + client + ")";
        }
        if (thread.startsWith("regie-bus-")) {
            return "bus-subscriber";
        }
        return thread.replaceAll("\\d+", "#");
    }

    private long brokerTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
