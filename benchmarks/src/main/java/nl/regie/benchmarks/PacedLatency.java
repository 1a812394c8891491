package nl.regie.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * Publish-to-delivery latency at a paced rate (issue 18, item 5): one thread publishes the prepared readings at a
 * steady {@code --rate} (default 100,000/s) to {@code --subscribers} (default 3) subscribers of each bus, and every
 * subscriber records, for every reading it receives, the time since that reading's publish call began, in an
 * HdrHistogram (3 significant digits). A second histogram takes the time since the reading was <em>due</em> by the
 * pace, so a publisher that fell behind (a stall of the JVM or the machine) shows there instead of hiding
 * (coordinated omission). The buses run one after the other in rounds, in a rotated order; a run in which a
 * subscriber missed a reading, or the bus dropped one, is reported as invalid, not scored.
 *
 * <p>The publisher parks until the next reading is due and, when it wakes late (a park lasts about 50 µs on Linux,
 * five readings at 100,000/s), publishes every reading due by then at once: the rate holds on average without
 * spinning a core, as {@code swap.PacedPublisher} does. Subscribers receive in publish order on both buses (Regie:
 * one queue and thread per subscriber; EventAdmin: asynchronous delivery in posting order), so a subscriber's n-th
 * delivery is the n-th publish.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.PacedLatency [--rate 100000]
 * [--subscribers 3] [--seconds 10] [--warmup-seconds 3] [--rounds 3] [--bus regie-bus,...]}.
 */
public final class PacedLatency {

    /** The goal of issue 18: p99 publish-to-delivery under 1 ms at 100,000 readings/s with 3 subscribers. */
    private static final double GOAL_MICROS = 1000;

    private record Settings(int rate, int subscribers, int seconds, int warmupSeconds, int rounds, List<String> buses) {
    }

    /** One bus's run: percentiles in µs, from the publish call and from the due time. */
    private record Run(String bus, int round, double achievedRate, double p50, double p90, double p99, double p999,
            double max, double dueP99, double dueMax, String problem) {
    }

    private PacedLatency() {
    }

    /** Runs the rounds and prints each run and the summary. */
    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = parse(args);
        } catch (RuntimeException e) {
            System.err.println("PacedLatency: " + e.getMessage() + "\nusage: PacedLatency [--rate N readings/s]"
                    + " [--subscribers N] [--seconds S] [--warmup-seconds S] [--rounds R] [--bus "
                    + String.join(",", Fixture.BUSES) + "]");
            System.exit(2);
            return;
        }
        System.out.printf(Locale.ROOT, "Paced latency: %,d readings/s to %d subscribers, %d s measured after %d s of"
                + " warm-up, %d rounds; %d cores, Java %s; load average %s%n", settings.rate(), settings.subscribers(),
                settings.seconds(), settings.warmupSeconds(), settings.rounds(),
                Runtime.getRuntime().availableProcessors(), Runtime.version(), Rounds.loadAverage());
        System.out.println("  round  bus                    rate/s   p50 µs   p90 µs   p99 µs  p99.9 µs    max µs"
                + "  due p99 µs  due max µs");
        List<Run> runs = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            for (String bus : Rounds.order(settings.buses(), round - 1)) {
                Run run = measure(bus, round, settings);
                runs.add(run);
                if (run.problem() == null) {
                    System.out.printf(Locale.ROOT, "  %5d  %-20s %,9.0f %8.1f %8.1f %8.1f %9.1f %9.1f %11.1f %11.1f%n",
                            run.round(), run.bus(), run.achievedRate(), run.p50(), run.p90(), run.p99(), run.p999(),
                            run.max(), run.dueP99(), run.dueMax());
                } else {
                    // A subscriber's n-th delivery is the n-th publish only when nothing was dropped or is missing,
                    // so the latencies of such a run mean nothing and are not shown.
                    System.out.printf(Locale.ROOT, "  %5d  %-20s %,9.0f  INVALID, no latency: %s%n", run.round(),
                            run.bus(), run.achievedRate(), run.problem());
                }
            }
        }
        summary(runs, settings);
        System.out.println("Load average at the end: " + Rounds.loadAverage());
        System.exit(0);
    }

    private static Settings parse(String[] args) {
        int rate = 100_000;
        int subscribers = 3;
        int seconds = 10;
        int warmup = 3;
        int rounds = 3;
        List<String> buses = Fixture.BUSES;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--subscribers" -> subscribers = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> warmup = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--bus" -> buses = Rounds.buses(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (rate < 1 || rate > 10_000_000 || subscribers < 1 || subscribers > 64 || seconds < 1 || warmup < 0
                || rounds < 1 || (long) rate * (seconds + warmup) > 200_000_000) {
            throw new IllegalArgumentException("out of range (rate 1 to 10,000,000, subscribers 1 to 64, seconds >= 1,"
                    + " at most 200 million readings in all)");
        }
        return new Settings(rate, subscribers, seconds, warmup, rounds, buses);
    }

    private static Run measure(String bus, int round, Settings settings) throws Exception {
        long period = TimeUnit.SECONDS.toNanos(1) / settings.rate();
        int warm = settings.rate() * settings.warmupSeconds();
        int total = warm + settings.rate() * settings.seconds();
        Recorder recorder = new Recorder(settings.subscribers(), total, warm, period);
        Fixture fixture = Fixture.start(bus, recorder);
        String problem = null;
        double achieved;
        try {
            long start = System.nanoTime();
            recorder.start = start;
            int n = 0;
            while (n < total) {
                long due = start + n * period;
                long now = System.nanoTime();
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                    continue;
                }
                recorder.publishedAt[n] = now;
                fixture.publish(n);
                n++;
            }
            long end = System.nanoTime();
            achieved = (total - warm) * 1e9 / (end - recorder.publishedAt[warm]);
            if (!recorder.awaitAll(total, TimeUnit.SECONDS.toNanos(30))) {
                problem = String.format(Locale.ROOT, "30 s after the last publish the subscribers had %s of %,d",
                        recorder.counts(), total);
            }
            long dropped = java.util.Arrays.stream(fixture.dropped()).sum();
            if (dropped > 0) {
                problem = String.format(Locale.ROOT, "the bus dropped %,d of %,d deliveries (its queues were full)",
                        dropped, (long) total * settings.subscribers());
            }
        } finally {
            fixture.close();
        }
        Histogram fromPublish = recorder.merged(false);
        Histogram fromDue = recorder.merged(true);
        return new Run(bus, round, achieved, micros(fromPublish.getValueAtPercentile(50)),
                micros(fromPublish.getValueAtPercentile(90)), micros(fromPublish.getValueAtPercentile(99)),
                micros(fromPublish.getValueAtPercentile(99.9)), micros(fromPublish.getMaxValue()),
                micros(fromDue.getValueAtPercentile(99)), micros(fromDue.getMaxValue()), problem);
    }

    private static void summary(List<Run> runs, Settings settings) {
        System.out.printf(Locale.ROOT, "%nSummary over %d rounds, valid runs only: median (min-max), µs from the publish"
                + " call to each delivery%n", settings.rounds());
        System.out.println("  bus                    p50                    p99                    p99.9"
                + "                  max                    due p99");
        Map<String, List<Run>> byBus = new LinkedHashMap<>();
        for (String bus : settings.buses()) {
            byBus.put(bus, runs.stream().filter(r -> r.bus().equals(bus) && r.problem() == null).toList());
        }
        byBus.forEach((bus, valid) -> System.out.printf(Locale.ROOT, "  %-20s %-22s %-22s %-22s %-22s %s%n", bus,
                Rounds.medianAndRange(figures(valid, Run::p50), "%.1f"), Rounds.medianAndRange(figures(valid, Run::p99), "%.1f"),
                Rounds.medianAndRange(figures(valid, Run::p999), "%.1f"), Rounds.medianAndRange(figures(valid, Run::max), "%.0f"),
                Rounds.medianAndRange(figures(valid, Run::dueP99), "%.1f")));
        for (String regie : List.of("regie-bus", "regie-bus-enforced")) {
            if (!byBus.containsKey(regie)) {
                continue;
            }
            for (String other : List.of("eventadmin-default", "eventadmin-timeout0")) {
                double[] ratios = sameRoundRatios(runs, other, regie, Run::p99);
                if (ratios.length > 0) {
                    System.out.printf(Locale.ROOT, "  p99 of %s / p99 of %s, same round: %s%n", other, regie,
                            Rounds.medianAndRange(ratios, "%.2f"));
                }
            }
            double p99 = Rounds.median(figures(byBus.get(regie), Run::p99));
            System.out.printf(Locale.ROOT, "  Goal, %s p99 under 1 ms at %,d readings/s with %d subscribers: %s%n", regie,
                    settings.rate(), settings.subscribers(), Double.isNaN(p99) ? "NOT SHOWN (no valid run)"
                            : String.format(Locale.ROOT, "%s (median %.1f µs)", p99 < GOAL_MICROS ? "met" : "NOT MET", p99));
        }
    }

    private static double[] figures(List<Run> runs, java.util.function.ToDoubleFunction<Run> figure) {
        return runs.stream().mapToDouble(figure).toArray();
    }

    /** Ratios {@code a / b} of a figure, for every round in which both buses' runs were valid. */
    private static double[] sameRoundRatios(List<Run> runs, String a, String b,
            java.util.function.ToDoubleFunction<Run> figure) {
        List<Double> ratios = new ArrayList<>();
        for (Run x : runs) {
            if (!x.bus().equals(a) || x.problem() != null) {
                continue;
            }
            runs.stream().filter(y -> y.bus().equals(b) && y.round() == x.round() && y.problem() == null).findFirst()
                    .ifPresent(y -> ratios.add(figure.applyAsDouble(x) / figure.applyAsDouble(y)));
        }
        return ratios.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double micros(long nanos) {
        return nanos / 1e3;
    }

    /**
     * The subscribers' side: each subscriber counts what it received and records each latency in histograms of its
     * own (one writer each, so no locks); the publisher's times are written before each publish, which the bus's
     * hand-over to the subscriber's thread makes visible to it.
     */
    private static final class Recorder implements Sink {

        /** Counters 128 bytes apart, so subscriber threads do not share a cache line. */
        private static final int STRIDE = 16;

        final long[] publishedAt;
        volatile long start;
        private final int subscribers;
        private final int warm;
        private final long period;
        private final AtomicLongArray counts;
        private final Histogram[] fromPublish;
        private final Histogram[] fromDue;

        Recorder(int subscribers, int total, int warm, long period) {
            this.subscribers = subscribers;
            this.publishedAt = new long[total];
            this.warm = warm;
            this.period = period;
            this.counts = new AtomicLongArray(subscribers * STRIDE);
            this.fromPublish = new Histogram[subscribers];
            this.fromDue = new Histogram[subscribers];
            for (int i = 0; i < subscribers; i++) {
                fromPublish[i] = new Histogram(3);
                fromDue[i] = new Histogram(3);
            }
        }

        @Override
        public int subscribers() {
            return subscribers;
        }

        @Override
        public void delivered(int subscriber) {
            long now = System.nanoTime();
            int n = (int) counts.get(subscriber * STRIDE);
            if (n >= warm && n < publishedAt.length) {
                fromPublish[subscriber].recordValue(now - publishedAt[n]);
                fromDue[subscriber].recordValue(Math.max(0, now - (start + n * period)));
            }
            counts.lazySet(subscriber * STRIDE, n + 1L);
        }

        /** Waits until every subscriber received {@code total}, checking every millisecond; false at the timeout. */
        boolean awaitAll(int total, long timeoutNanos) {
            long deadline = System.nanoTime() + timeoutNanos;
            for (int i = 0; i < subscribers; i++) {
                while (counts.get(i * STRIDE) < total) {
                    if (System.nanoTime() > deadline) {
                        return false;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
            return true;
        }

        String counts() {
            List<Long> each = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                each.add(counts.get(i * STRIDE));
            }
            return each.toString();
        }

        /** All subscribers' histograms in one; read only after {@link #awaitAll} (the counters' reads order it). */
        Histogram merged(boolean due) {
            Histogram all = new Histogram(3);
            for (Histogram h : due ? fromDue : fromPublish) {
                all.add(h);
            }
            return all;
        }
    }
}
