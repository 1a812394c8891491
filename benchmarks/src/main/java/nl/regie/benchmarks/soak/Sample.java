package nl.regie.benchmarks.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the soak reads of the launcher's process at one moment: resident memory and threads from
 * {@code /proc/<pid>/status}, open file handles from {@code /proc/<pid>/fd}, and how many readings the bus has
 * delivered to the soak's plugin (its subscriptions' {@code delivered} in {@code /api/plugins/{symbolicName}}).
 *
 * @param seconds        since the soak's clock started
 * @param residentKib    {@code VmRSS}
 * @param threads        {@code Threads}
 * @param fileHandles    entries of {@code /proc/<pid>/fd}
 * @param delivered      readings the bus delivered to the soak's plugin, as its subscriptions count them
 * @param streamClients  stream clients connected at that moment
 * @param pluginVersion  the soak plugin's running version, as {@code /api/plugins} says it
 */
record Sample(double seconds, long residentKib, int threads, int fileHandles, long delivered, int streamClients,
        String pluginVersion) {

    /** Reads the process figures of {@code pid}; the rest is given. */
    static Sample of(long pid, double seconds, long delivered, int streamClients, String pluginVersion) throws IOException {
        long rss = -1;
        int threads = -1;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
            }
        }
        int handles;
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            handles = (int) fds.count();
        }
        if (rss < 0 || threads < 0) {
            throw new IOException("/proc/" + pid + "/status has no VmRSS or Threads line");
        }
        return new Sample(seconds, rss, threads, handles, delivered, streamClients, pluginVersion);
    }
}
