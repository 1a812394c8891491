package nl.regie.benchmarks.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * MQTT ingest: the Regie device bridge against a bare Paho client, on one Mosquitto, in one run.
 *
 * <p>Mosquitto (Debian's, started here on a free loopback port, tuned as the design brief asks) receives SenML
 * packs of about 200 bytes (three readings each, from 100 bins) from one Paho v5 publisher at QoS 1. The same
 * packs are taken off the broker by
 * <ul>
 * <li><b>regie</b>: the runtime's path, broker → {@code PahoConnection} → {@code DeviceBridge} (strict SenML parse,
 * name and permission checks, readings) → {@code BusEngine} → city state; a pack counts once all three readings
 * have been applied to the city state;</li>
 * <li><b>bare</b>: a Paho v5 client connected the same way (persistent session, QoS 1, TCP_NODELAY) that only counts
 * the messages.</li>
 * </ul>
 * Two modes: <b>live</b> publishes while the subscriber is connected and times from the first publish to the last
 * pack taken in (so it includes the publisher's pace, as in production); <b>backlog</b> lets the broker queue the
 * packs for the subscriber's persistent session first, then times the subscriber draining them (the subscriber's
 * own capacity). Rounds alternate regie and bare; each figure is the median of the rounds, after a warm-up round
 * of each.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.ingest.IngestBenchmark
 * [--packs 50000] [--rounds 3] [--mode both|live|backlog] [--cpu]}; {@code --cpu} adds where the CPU time of each
 * round went (threads of this JVM by kind, and the broker).
 */
public final class IngestBenchmark {

    /** One measured round. */
    record Round(String path, String mode, int packs, double seconds, double publishSeconds, String counts,
            String problems, String cpu) {

        double rate() {
            return packs / seconds;
        }

        /** A round in which a reading was dropped or a pack rejected is reported, but not scored. */
        boolean valid() {
            return problems.isEmpty();
        }
    }

    private final long brokerPid;
    private int site;

    private IngestBenchmark(long brokerPid) {
        this.brokerPid = brokerPid;
    }

    /** Runs the benchmark and prints the figures. */
    public static void main(String[] args) throws Exception {
        int packs = 50_000;
        int rounds = 3;
        boolean cpu = false;
        String modeArgument = "both";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--packs" -> packs = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--mode" -> modeArgument = args[++i];
                case "--cpu" -> cpu = true;
                default -> {
                    System.err.println("usage: IngestBenchmark [--packs N] [--rounds R] [--mode both|live|backlog] [--cpu]");
                    System.exit(2);
                }
            }
        }
        List<String> modes = modeArgument.equals("both") ? List.of("live", "backlog") : List.of(modeArgument);
        byte[][] payloads = new byte[1000][];
        int totalBytes = 0;
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = Packs.pack(i);
            totalBytes += payloads[i].length;
        }
        try (MosquittoProcess broker = MosquittoProcess.start();
                Publisher publisher = new Publisher(broker.url(), payloads)) {
            System.out.printf(Locale.ROOT, "MQTT ingest: %s on %s, %d cores, Java %s; %,d packs of %d bytes on average"
                    + " (%d readings each) per round, QoS 1, %d rounds after a warm-up; load average %s%n", broker.version(),
                    broker.url(), Runtime.getRuntime().availableProcessors(), Runtime.version(), packs,
                    totalBytes / payloads.length, Packs.READINGS_PER_PACK, rounds, loadAverage());
            IngestBenchmark benchmark = new IngestBenchmark(cpu ? broker.pid() : -1);
            Map<String, BiFunction<String, String, Subscriber>> paths = new LinkedHashMap<>();
            paths.put("regie", RegieSubscriber::new);
            paths.put("bare", BareSubscriber::new);
            List<String> summary = new ArrayList<>();
            for (String mode : modes) {
                for (Map.Entry<String, BiFunction<String, String, Subscriber>> path : paths.entrySet()) {
                    benchmark.round(broker.url(), publisher, path.getKey(), path.getValue(), mode, Math.max(1000, packs / 5));
                }
                List<Round> results = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    List<String> order = new ArrayList<>(paths.keySet());
                    if (r % 2 == 1) {
                        java.util.Collections.reverse(order);
                    }
                    for (String name : order) {
                        Round round = benchmark.round(broker.url(), publisher, name, paths.get(name), mode, packs);
                        results.add(round);
                        System.out.printf(Locale.ROOT, "  %-7s %-5s round %d: %,9.0f packs/s (%,9.0f readings/s) in %.2f s;"
                                + " the publisher took %.2f s; %s%s%n", mode, name, r + 1, round.rate(),
                                round.rate() * Packs.READINGS_PER_PACK, round.seconds(), round.publishSeconds(),
                                round.counts(), round.problems().isEmpty() ? "" : "; PROBLEMS: " + round.problems());
                        if (!round.cpu().isEmpty()) {
                            System.out.println("      " + round.cpu());
                        }
                    }
                }
                double regie = median(results, "regie");
                double bare = median(results, "bare");
                long invalid = results.stream().filter(r -> !r.valid()).count();
                summary.add(String.format(Locale.ROOT, "%-7s regie %,9.0f packs/s (%,9.0f readings/s), bare Paho %,9.0f"
                        + " packs/s: regie/bare = %.0f%%%s", mode, regie, regie * Packs.READINGS_PER_PACK, bare,
                        100 * regie / bare, invalid == 0 ? "" : " (" + invalid + " round(s) with problems not scored)"));
            }
            System.out.println("Medians (load average now " + loadAverage() + "):");
            summary.forEach(line -> System.out.println("  " + line));
        }
        System.exit(0);
    }

    private static String loadAverage() {
        try {
            return String.join(" ", java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ", 4)[0],
                    "(1 min)");
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double median(List<Round> rounds, String path) {
        double[] rates = rounds.stream().filter(r -> r.path().equals(path) && r.valid()).mapToDouble(Round::rate)
                .sorted().toArray();
        if (rates.length == 0) {
            return Double.NaN;
        }
        return rates.length % 2 == 1 ? rates[rates.length / 2] : (rates[rates.length / 2 - 1] + rates[rates.length / 2]) / 2;
    }

    private Round round(String url, Publisher publisher, String name, BiFunction<String, String, Subscriber> factory,
            String mode, int packs) throws Exception {
        String roundSite = "bench" + (++site);
        try (Subscriber subscriber = factory.apply(url, roundSite)) {
            subscriber.connect();
            CpuUse cpu = brokerPid > 0 ? CpuUse.start(brokerPid) : null;
            long start;
            long published;
            if (mode.equals("live")) {
                start = System.nanoTime();
                publisher.publish(roundSite, packs);
                publisher.awaitAcknowledged();
                published = System.nanoTime();
            } else {
                subscriber.disconnect();
                long publishStart = System.nanoTime();
                publisher.publish(roundSite, packs);
                publisher.awaitAcknowledged();
                published = System.nanoTime() - publishStart;
                start = System.nanoTime();
                published += start;
                subscriber.connect();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!subscriber.done(packs)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " took in only " + subscriber.counts() + " of " + packs
                            + " packs in 120 s; " + subscriber.problems());
                }
                Thread.sleep(1);
            }
            long end = System.nanoTime();
            return new Round(name, mode, packs, (end - start) / 1e9, (published - start) / 1e9, subscriber.counts(),
                    subscriber.problems(), cpu == null ? "" : cpu.stop());
        }
    }
}
