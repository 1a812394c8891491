package nl.regie.benchmarks.swap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import nl.regie.benchmarks.EmbeddedRegie;

import org.osgi.service.log.LogLevel;

/**
 * The plugin swap benchmark (issue 5, item 7): the delivery gap while a plugin is replaced on a live system.
 *
 * <p>In one embedded Felix provisioned as the launcher provisions it, a paced thread publishes numbered readings
 * at a steady rate to a test plugin, and the plugin is replaced by a new version again and again:
 * <ul>
 * <li><b>Regie</b>: through the runtime's {@code PluginLifecycle.update}, which holds the plugin's durable
 * subscription while the new version starts and hands it the held readings;</li>
 * <li><b>EventAdmin</b>, the standard alternative: the same rate through {@code EventAdmin.postEvent} to a plain
 * handler plugin replaced with {@code Bundle.update}.</li>
 * </ul>
 * For each swap it reports the delivery gap (the longest interval between consecutive deliveries to the plugin
 * around the swap; for Regie also the runtime's own {@code Outcome.gap()}), the update call's duration, the
 * largest publish-to-delivery delay, readings held, lost (never delivered), duplicated and out of order; then
 * the median and 99th percentile of each way's gaps.
 *
 * <p>The ways are interleaved: in each of {@code --rounds} rounds each way runs {@code --swaps} swaps in a framework
 * started for it alone (so neither inherits the other's threads or garbage), the order reversed from round to round,
 * and the summary pools each way's swaps over the rounds, then gives each round's medians side by side.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.swap.SwapBenchmark [--swaps 10]
 * [--rounds 2] [--rate 10000] [--interval-ms 2000] [--warmup-ms 3000] [--ways both|regie|eventadmin] [--log warn|info]}.
 */
public final class SwapBenchmark {

    private SwapBenchmark() {
    }

    /** Runs the benchmark and prints the figures. */
    public static void main(String[] args) throws Exception {
        int swaps = 10;
        int rounds = 2;
        int rate = 10_000;
        long interval = 2000;
        long warmup = 3000;
        String ways = "both";
        LogLevel log = LogLevel.WARN;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--swaps" -> swaps = Integer.parseInt(args[++i]);
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--rate" -> rate = Integer.parseInt(args[++i]);
                    case "--interval-ms" -> interval = Long.parseLong(args[++i]);
                    case "--warmup-ms" -> warmup = Long.parseLong(args[++i]);
                    case "--ways" -> ways = args[++i];
                    case "--log" -> log = LogLevel.valueOf(args[++i].toUpperCase(Locale.ROOT));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (swaps < 1 || rounds < 1 || rate < 1 || rate > 1_000_000 || interval < 100 || warmup < 0
                    || !List.of("both", "regie", "eventadmin").contains(ways)) {
                throw new IllegalArgumentException("out of range");
            }
        } catch (RuntimeException e) {
            System.err.println("SwapBenchmark: " + e.getMessage() + "\nusage: SwapBenchmark [--swaps N >= 1] [--rounds R >= 1] [--rate R"
                    + " readings/s] [--interval-ms >= 100] [--warmup-ms M] [--ways both|regie|eventadmin] [--log warn|info]");
            System.exit(2);
        }
        SwapPhase.Settings settings = new SwapPhase.Settings(swaps, rate, interval, warmup);
        System.out.printf(Locale.ROOT, "Plugin swap: %d rounds of %d swaps per way, %d ms apart, at %,d readings/s after"
                + " %d ms of warm-up; %d cores, Java %s; load average %s%n", rounds, swaps, interval, rate, warmup,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), loadAverage());
        List<String> order = new ArrayList<>();
        if (!ways.equals("eventadmin")) {
            order.add("regie");
        }
        if (!ways.equals("regie")) {
            order.add("eventadmin");
        }
        SwapReport report = new SwapReport(System.out);
        Map<String, List<SwapPhase.Result>> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            // Interleaved: each round reverses the last one's order, so neither way always runs first or last.
            List<String> thisRound = new ArrayList<>(order);
            if (round % 2 == 0) {
                Collections.reverse(thisRound);
            }
            for (String way : thisRound) {
                System.out.printf(Locale.ROOT, "%nRound %d, %s; load average %s%n", round, way, loadAverage());
                SwapPhase.Result result = runWay(way, settings, log);
                results.computeIfAbsent(result.name(), k -> new ArrayList<>()).add(result);
                report.swaps(result);
            }
        }
        report.summary(results.values().stream().map(SwapPhase.Result::merge).toList());
        if (rounds > 1) {
            report.rounds(results);
        }
        System.out.println("Load average at the end: " + loadAverage());
        System.exit(0);
    }

    /** One way's swaps in a framework of its own, started for it and stopped after it. */
    private static SwapPhase.Result runWay(String way, SwapPhase.Settings settings, LogLevel log) throws Exception {
        Path work = Files.createTempDirectory("regie-swap-bench");
        EmbeddedRegie.Options options = EmbeddedRegie.Options.site("swap-bench").withEventAdmin();
        try (EmbeddedRegie framework = new EmbeddedRegie(work, options, log, System.out)) {
            SwapBundles bundles = new SwapBundles(framework);
            framework.installPackage(SwapBundles.DRIVER);
            Swapper swapper = way.equals("regie") ? new RegieSwapper(framework, bundles, work.resolve("jars"))
                    : new EventAdminSwapper(framework, bundles);
            return new SwapPhase(framework, swapper, settings).run();
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0] + " (1 min)";
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
