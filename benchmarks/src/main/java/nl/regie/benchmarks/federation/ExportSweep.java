package nl.regie.benchmarks.federation;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.benchmarks.federation.FederationBenchmark.Site;

/**
 * Export throughput and its cost, as the issue asks it: the exported rate at which the local bus keeps at least 90% of
 * its rate without export, and what a steadily exported reading costs the exporting site in CPU, by thread.
 *
 * <p>Each round measures, for every export rate (their order rotated from round to round), the probe alone, then the
 * probe beside a paced export stream at that rate, then the probe alone again: a probe is {@code probe} prepared
 * readings of a type no rule exports, published at once to one plugin subscriber of Roeselare's bus, timed until the
 * plugin has the last. A round's share is the probe beside the export over the mean of the two alone around it, so a
 * drift of the machine's load between rounds cancels; the medians and quartiles of the rounds' shares are reported.
 *
 * <p>Before every probe beside the export, the stream running for 1 s already, a window of {@value #CPU_SECONDS} s of
 * export alone: the CPU time of each of Roeselare's threads (by {@link ThreadMXBean}, full names) over it, divided by
 * the readings exported in it: the bus subscription of the federation (export rule, view, JSON, journal, and the
 * direct publish to Paho), the link's sender, the journal's sync thread and Paho's threads of Roeselare's client. The
 * JVM's own threads (GC, JIT; from {@code /proc/self/stat} less the Java threads) serve both sites and are given
 * apart, as is the stream's publishing thread (the bus's publish, what any publisher pays). Over the same window the
 * readings waiting in the export subscription's bus queue (published, not yet taken by the engine: what a
 * {@code kill -9} would lose, docs/federation.md) are sampled every millisecond.
 */
final class ExportSweep {

    private static final int CPU_SECONDS = 3;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Site roeselare;
    private final Site gent;
    private final long brokerPid;
    private final int probe;
    private final Reading[] probeReadings = new Reading[1_024];

    ExportSweep(Site roeselare, Site gent, long brokerPid, int probe) {
        this.roeselare = roeselare;
        this.gent = gent;
        this.brokerPid = brokerPid;
        this.probe = probe;
        for (int i = 0; i < probeReadings.length; i++) {
            probeReadings[i] = Reading.of(EntityId.of("Streetlight", "lamp-" + i), "dimLevel", Value.of(i), "%",
                    "lamp-" + i);
        }
    }

    /** What one export rate showed over the rounds. */
    private static final class AtRate {
        final List<Double> shares = new ArrayList<>();
        /** The probe's CPU per reading beside the export over the mean of the two alone around it. */
        final List<Double> cpuRatios = new ArrayList<>();
        final List<Double> besideCores = new ArrayList<>();
        final List<Double> received = new ArrayList<>();
        final List<Map<String, Double>> micros = new ArrayList<>();
        final List<Long> maxWaiting = new ArrayList<>();
        final List<Double> meanWaiting = new ArrayList<>();
    }

    void run(int[] rates, int rounds) throws Exception {
        AtomicInteger imported = new AtomicInteger();
        Subscription gentSide = gent.bus.subscribe(FederationBenchmark.PLUGIN, List.of("WaterObserved/#"),
                reading -> imported.incrementAndGet(), 1_000_000);
        Map<Integer, AtRate> results = new TreeMap<>();
        List<Double> alones = new ArrayList<>();
        List<Double> aloneCores = new ArrayList<>();
        probeRate(); // warm-up of the probe's path
        for (int round = 0; round < rounds; round++) {
            double before = probeRate();
            double beforeMicros = probeMicros;
            aloneCores.add(probeCores);
            alones.add(before);
            for (int k = 0; k < rates.length; k++) {
                int rate = rates[(k + round) % rates.length];
                AtRate at = results.computeIfAbsent(rate, r -> new AtRate());
                double beside = beside(rate, imported, at);
                double besideMicros = probeMicros;
                at.besideCores.add(probeCores);
                double after = probeRate();
                aloneCores.add(probeCores);
                alones.add(after);
                at.shares.add(beside / ((before + after) / 2));
                at.cpuRatios.add(besideMicros / ((beforeMicros + probeMicros) / 2));
                before = after;
                beforeMicros = probeMicros;
            }
            System.out.printf(Locale.ROOT, "round %d of %d done, load average %.1f%n", round + 1, rounds,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
        gentSide.close();
        double[] alone = alones.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "probe alone (%,d readings to one plugin): median %,.0f readings/s (%,.0f-%,.0f)"
                + " over %d probes, using %.2f cores (median)%n", probe, quantile(alone, 0.5), alone[0],
                alone[alone.length - 1], alone.length, quantile(sorted(aloneCores), 0.5));
        int highest = 0;
        for (Map.Entry<Integer, AtRate> e : results.entrySet()) {
            AtRate at = e.getValue();
            double[] shares = sorted(at.shares);
            double median = quantile(shares, 0.5);
            if (highest >= 0) { // negative once a rate missed: the rates above a miss do not count
                highest = median >= 0.9 ? e.getKey() : highest > 0 ? -highest : -1;
            }
            System.out.printf(Locale.ROOT, "export %,6d/s: local bus kept %.0f%% (quartiles %.0f-%.0f%%, range %.0f-%.0f%%,"
                    + " %d rounds); Gent received %,.0f/s (median); waiting in the export subscription's queue: max %,d,"
                    + " mean %.1f (medians of rounds)%n", e.getKey(), 100 * median, 100 * quantile(shares, 0.25),
                    100 * quantile(shares, 0.75), 100 * shares[0], 100 * shares[shares.length - 1], shares.length,
                    quantile(sorted(at.received), 0.5), (long) quantile(sorted(at.maxWaiting.stream().map(Long::doubleValue)
                            .toList()), 0.5), quantile(sorted(at.meanWaiting), 0.5));
            Map<String, double[]> byKind = new TreeMap<>();
            for (Map<String, Double> m : at.micros) {
                m.keySet().forEach(kind -> byKind.putIfAbsent(kind, null));
            }
            StringBuilder line = new StringBuilder();
            for (String kind : byKind.keySet()) {
                double[] values = at.micros.stream().mapToDouble(m -> m.getOrDefault(kind, 0.0)).sorted().toArray();
                line.append(String.format(Locale.ROOT, "%n    %-52s %6.1f µs (%.1f-%.1f)", kind, quantile(values, 0.5),
                        values[0], values[values.length - 1]));
            }
            double[] ratios = sorted(at.cpuRatios);
            double exporting = quantile(at.micros.stream().mapToDouble(m -> m.get("= Roeselare exporting, total"))
                    .sorted().toArray(), 0.5);
            System.out.printf(Locale.ROOT, "  the probe's CPU per reading beside the export: %.0f%% of alone (quartiles"
                    + " %.0f-%.0f%%); the probe used %.2f cores beside it; the export took %.2f cores at %.1f µs a reading%n",
                    100 * quantile(ratios, 0.5), 100 * quantile(ratios, 0.25), 100 * quantile(ratios, 0.75),
                    quantile(sorted(at.besideCores), 0.5), e.getKey() * exporting / 1e6, exporting);
            System.out.printf(Locale.ROOT, "  CPU per exported reading, median of rounds (range):%s%n", line);
        }
        highest = Math.abs(highest);
        System.out.println(highest <= 1 ? "the local bus kept under 90% at the lowest exported rate swept"
                : String.format(Locale.ROOT, "highest exported rate swept at which the local bus kept at least 90%% (median),"
                        + " and at every rate below it: %,d readings/s", highest));
    }

    /**
     * The probe beside a paced export stream at {@code rate}; then, the stream still running, the CPU window.
     *
     * @return the probe's rate
     */
    private double beside(int rate, AtomicInteger imported, AtRate at) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong published = new AtomicLong();
        long takenAtStart = roeselare.taken.get();
        Thread stream = new Thread(() -> {
            long interval = 1_000_000_000L / rate;
            long next = System.nanoTime();
            for (int i = 1; running.get(); i++) {
                long now = System.nanoTime();
                while (now < next) {
                    LockSupport.parkNanos(next - now);
                    now = System.nanoTime();
                }
                roeselare.bus.publish("mqtt:gauge-1", FederationBenchmark.reading(i));
                published.incrementAndGet();
                next += interval;
            }
        }, "bench-export-stream");
        stream.start();
        Thread.sleep(1_000); // the stream at its pace before the CPU window

        int importedBefore = imported.get();
        long takenBefore = roeselare.taken.get();
        long publishedBefore = published.get();
        Map<Long, Long> cpuBefore = threadCpu();
        long processBefore = processCpuNanos();
        long brokerBefore = brokerTicks();
        long from = System.nanoTime();
        long end = from + CPU_SECONDS * 1_000_000_000L;
        long max = 0;
        long sum = 0;
        long samples = 0;
        while (System.nanoTime() < end) {
            long waiting = published.get() - (roeselare.taken.get() - takenAtStart);
            max = Math.max(max, waiting);
            sum += waiting;
            samples++;
            LockSupport.parkNanos(1_000_000);
        }
        long taken = roeselare.taken.get() - takenBefore;
        long processAfter = processCpuNanos();
        long brokerAfter = brokerTicks();
        Map<Long, Long> cpuAfter = threadCpu();
        double seconds = (System.nanoTime() - from) / 1e9;
        long exported = published.get() - publishedBefore;
        at.received.add((imported.get() - importedBefore) / seconds);
        at.maxWaiting.add(max);
        at.meanWaiting.add(samples == 0 ? 0 : (double) sum / samples);

        Map<String, Double> micros = new HashMap<>();
        long javaThreads = 0;
        for (Map.Entry<Long, Long> e : cpuAfter.entrySet()) {
            long used = e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L);
            javaThreads += used;
            String kind = kind(e.getKey());
            if (kind != null) {
                micros.merge(kind, used / 1e3 / Math.max(1, taken), Double::sum);
            }
        }
        double site = micros.values().stream().mapToDouble(Double::doubleValue).sum();
        micros.put("= Roeselare exporting, total", site);
        micros.put("(JVM's own threads: GC, JIT; both sites)", Math.max(0, processAfter - processBefore - javaThreads)
                / 1e3 / Math.max(1, taken));
        micros.put("(mosquitto, both sites)", (brokerAfter - brokerBefore) * 10_000.0 / Math.max(1, taken));
        at.micros.add(micros);
        double beside = probeRate(); // the stream still running
        running.set(false);
        stream.join();
        FederationBenchmark.awaitTrue(() -> roeselare.taken.get() - takenAtStart == published.get()
                && roeselare.link.queued() == 0, 120, "the exported stream sent");
        if (exported == 0) {
            throw new IllegalStateException("nothing exported at " + rate + "/s");
        }
        return beside;
    }

    /** Roeselare's export threads by kind; null for any other thread. */
    private static String kind(long id) {
        ThreadInfo info = THREADS.getThreadInfo(id);
        if (info == null) {
            return null;
        }
        String name = info.getThreadName();
        if (name.startsWith("regie-bus-nl.regie.runtime.federation")) {
            return "bus subscription (export, JSON, journal, publish)";
        }
        if (name.startsWith("regie-federation-send") && name.contains("roeselare")) {
            return "link sender";
        }
        if (name.startsWith("regie-state-regie-bench-outbox")) {
            return "journal's sync thread";
        }
        if (name.startsWith("MQTT") && name.contains("roeselare")) {
            return "Paho " + name.substring(0, name.indexOf(':'));
        }
        if (name.equals("bench-export-stream")) {
            return "(the stream's bus publish, not export)";
        }
        return null;
    }

    /** The last probe's CPU time (its publisher and its plugin's delivery thread) per reading, in µs. */
    private double probeMicros;
    /** The last probe's cores: its CPU time over its wall time. */
    private double probeCores;

    /**
     * Readings per second one local plugin takes in for the probe, published at once; also notes the probe's own CPU
     * per reading (publisher and delivery thread: what the export's presence does to the bus's work per reading,
     * which the machine's load inflates least) and the cores it used.
     */
    private double probeRate() throws InterruptedException {
        AtomicInteger local = new AtomicInteger();
        long[] deliveryCpu = new long[2];
        Subscription plugin = roeselare.bus.subscribe(FederationBenchmark.PLUGIN, List.of("Streetlight/#"), reading -> {
            int n = local.incrementAndGet();
            if (n == 1) {
                deliveryCpu[0] = THREADS.getCurrentThreadCpuTime();
            } else if (n == probe) {
                deliveryCpu[1] = THREADS.getCurrentThreadCpuTime();
            }
        }, probe);
        long cpu = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < probe; i++) {
            roeselare.bus.publish("mqtt:lamp", probeReadings[i & (probeReadings.length - 1)]);
        }
        long publisher = THREADS.getCurrentThreadCpuTime() - cpu;
        FederationBenchmark.awaitQuiet(local, probe, 120);
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = local.get() / seconds;
        plugin.close();
        long delivery = deliveryCpu[1] - deliveryCpu[0];
        probeMicros = (publisher + delivery) / 1e3 / probe;
        probeCores = (publisher + delivery) / 1e9 / seconds;
        return rate;
    }

    private static Map<Long, Long> threadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long nanos = THREADS.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return cpu;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    /** The broker's CPU ticks (user and system, 100 a second) from {@code /proc/<pid>/stat}; 0 off Linux. */
    private long brokerTicks() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + brokerPid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        double position = q * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = (int) Math.ceil(position);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }
}
