package nl.regie.benchmarks.swap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.swap.SwapBenchmark [--swaps 20]
 * [--rate 10000] [--interval-ms 2000] [--warmup-ms 3000] [--ways both|regie|eventadmin] [--log warn|info]}.
 */
public final class SwapBenchmark {

    private SwapBenchmark() {
    }

    /** Runs the benchmark and prints the figures. */
    public static void main(String[] args) throws Exception {
        int swaps = 20;
        int rate = 10_000;
        long interval = 2000;
        long warmup = 3000;
        String ways = "both";
        LogLevel log = LogLevel.WARN;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--swaps" -> swaps = Integer.parseInt(args[++i]);
                    case "--rate" -> rate = Integer.parseInt(args[++i]);
                    case "--interval-ms" -> interval = Long.parseLong(args[++i]);
                    case "--warmup-ms" -> warmup = Long.parseLong(args[++i]);
                    case "--ways" -> ways = args[++i];
                    case "--log" -> log = LogLevel.valueOf(args[++i].toUpperCase(Locale.ROOT));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (swaps < 1 || rate < 1 || rate > 1_000_000 || interval < 100 || warmup < 0
                    || !List.of("both", "regie", "eventadmin").contains(ways)) {
                throw new IllegalArgumentException("out of range");
            }
        } catch (RuntimeException e) {
            System.err.println("SwapBenchmark: " + e.getMessage() + "\nusage: SwapBenchmark [--swaps N >= 1] [--rate R"
                    + " readings/s] [--interval-ms >= 100] [--warmup-ms M] [--ways both|regie|eventadmin] [--log warn|info]");
            System.exit(2);
        }
        SwapPhase.Settings settings = new SwapPhase.Settings(swaps, rate, interval, warmup);
        Path work = Files.createTempDirectory("regie-swap-bench");
        System.out.printf(Locale.ROOT, "Plugin swap: %d swaps %d ms apart at %,d readings/s after %d ms of warm-up;"
                + " %d cores, Java %s; load average %s%n", swaps, interval, rate, warmup,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), loadAverage());
        List<SwapPhase.Result> results = new ArrayList<>();
        SwapReport report = new SwapReport(System.out);
        EmbeddedRegie.Options options = EmbeddedRegie.Options.site("swap-bench").withEventAdmin();
        try (EmbeddedRegie framework = new EmbeddedRegie(work, options, log, System.out)) {
            SwapBundles bundles = new SwapBundles(framework);
            framework.installPackage(SwapBundles.DRIVER);
            List<Swapper> swappers = new ArrayList<>();
            if (!ways.equals("eventadmin")) {
                swappers.add(new RegieSwapper(framework, bundles, work.resolve("jars")));
            }
            if (!ways.equals("regie")) {
                swappers.add(new EventAdminSwapper(framework, bundles));
            }
            for (Swapper swapper : swappers) {
                SwapPhase.Result result = new SwapPhase(framework, swapper, settings).run();
                results.add(result);
                report.swaps(result);
            }
            report.summary(results);
            System.out.println("Load average at the end: " + loadAverage());
        }
        System.exit(0);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0] + " (1 min)";
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
