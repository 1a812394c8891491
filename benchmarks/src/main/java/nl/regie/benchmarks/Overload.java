package nl.regie.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The overload case (issue 18, item 5): one subscriber is slow, its queue fills, and what each bus does about it is
 * measured. One thread publishes {@code --readings} prepared readings (default 2,000,000) at {@code --rate} (default
 * 100,000/s, about the city's MQTT ingest; 0 publishes as fast as the bus takes them) to {@code --subscribers}
 * (default 3) subscribers, of which the first takes {@code --slow-micros} (default 1,000) per reading, as a listener
 * that blocks on I/O does; the others return at once.
 *
 * <p>Regie's bus keeps at most its queue's bound (10,000 by default) for the slow subscriber and drops and counts the
 * rest; EventAdmin queues every event for it, without bound. For each run it reports the publisher's rate and its
 * longest publish call, what the slow and the fast subscribers received, what the bus dropped (its own counters) and
 * what it still held when the publisher finished, and the heap the bus retained by then: used heap after a full GC,
 * against the same before the first publish. Then the slow subscriber is let go (it stops waiting) and the harness
 * waits until every reading is accounted for, delivered or counted as dropped: a reading neither delivered nor
 * counted is reported as lost, which makes the run invalid.
 *
 * <p>Run with a heap that lets EventAdmin's backlog grow: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar
 * nl.regie.benchmarks.Overload [--readings 2000000] [--rate 100000] [--subscribers 3] [--slow-micros 1000]
 * [--rounds 3] [--bus regie-bus,...]}.
 */
public final class Overload {

    private record Settings(int readings, int rate, int subscribers, long slowNanos, int rounds, List<String> buses) {
    }

    /**
     * One run: the publisher's rate and longest call, the heap growth in MiB, and per subscriber (index 0 the slow
     * one) what it had received, what the bus had dropped and what it still held when the publisher finished, and
     * what was lost (neither delivered nor dropped) once the slow one was let go.
     */
    private record Run(String bus, int round, double publishRate, double longestCallMillis, double heapGrowthMib,
            long[] received, long[] dropped, long held, long[] lost) {

        boolean valid() {
            return Arrays.stream(lost).allMatch(l -> l == 0);
        }
    }

    private Overload() {
    }

    /** Runs a warm-up of each bus, then the rounds, and prints each run and the summary. */
    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = parse(args);
        } catch (RuntimeException e) {
            System.err.println("Overload: " + e.getMessage() + "\nusage: Overload [--readings N] [--rate N readings/s,"
                    + " 0 for as fast as possible] [--subscribers N >= 2] [--slow-micros N] [--rounds R] [--bus "
                    + String.join(",", Fixture.BUSES) + "]");
            System.exit(2);
            return;
        }
        System.out.printf(Locale.ROOT, "Overload: %,d readings at %s to %d subscribers, the first taking %d µs per"
                + " reading; %d rounds; %d cores, Java %s, max heap %d MiB; load average %s%n", settings.readings(),
                settings.rate() == 0 ? "full speed" : String.format(Locale.ROOT, "%,d/s", settings.rate()),
                settings.subscribers(), TimeUnit.NANOSECONDS.toMicros(settings.slowNanos()), settings.rounds(),
                Runtime.getRuntime().availableProcessors(), Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20, Rounds.loadAverage());
        Settings warmup = new Settings(Math.max(1, settings.readings() / 10), settings.rate(), settings.subscribers(),
                settings.slowNanos(), 1, settings.buses());
        for (String bus : settings.buses()) {
            measure(bus, 0, warmup);
        }
        System.out.println("  round  bus                  publish/s  longest call ms  heap growth MiB  slow: received"
                + "   dropped  held at end  fast: received (min)  dropped  lost");
        List<Run> runs = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            for (String bus : Rounds.order(settings.buses(), round - 1)) {
                Run run = measure(bus, round, settings);
                runs.add(run);
                print(run);
            }
        }
        summary(runs, settings);
        System.out.println("Load average at the end: " + Rounds.loadAverage());
        System.exit(0);
    }

    private static Settings parse(String[] args) {
        int readings = 2_000_000;
        int rate = 100_000;
        int subscribers = 3;
        long slowMicros = 1000;
        int rounds = 3;
        List<String> buses = Fixture.BUSES;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--readings" -> readings = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--subscribers" -> subscribers = Integer.parseInt(args[++i]);
                case "--slow-micros" -> slowMicros = Long.parseLong(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--bus" -> buses = Rounds.buses(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (readings < 1 || rate < 0 || subscribers < 2 || subscribers > 64 || slowMicros < 1 || slowMicros > 1_000_000
                || rounds < 1) {
            throw new IllegalArgumentException("out of range (readings >= 1, rate >= 0, subscribers 2 to 64,"
                    + " slow-micros 1 to 1,000,000, rounds >= 1)");
        }
        return new Settings(readings, rate, subscribers, TimeUnit.MICROSECONDS.toNanos(slowMicros), rounds, buses);
    }

    private static Run measure(String bus, int round, Settings settings) throws Exception {
        Counts counts = new Counts(settings.subscribers(), settings.slowNanos());
        Fixture fixture = Fixture.start(bus, counts);
        try {
            long heapBefore = retainedHeap();
            long period = settings.rate() == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / settings.rate();
            long longestCall = 0;
            long start = System.nanoTime();
            for (int n = 0; n < settings.readings(); ) {
                long now = System.nanoTime();
                long due = start + n * period;
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                    continue;
                }
                fixture.publish(n);
                longestCall = Math.max(longestCall, System.nanoTime() - now);
                n++;
            }
            double rate = settings.readings() * 1e9 / (System.nanoTime() - start);
            long[] received = counts.snapshot();
            long[] dropped = fixture.dropped();
            long held = 0;
            for (int i = 0; i < received.length; i++) {
                held += settings.readings() - received[i] - dropped[i];
            }
            double growth = (retainedHeap() - heapBefore) / 1048576.0;
            counts.release();
            long[] lost = awaitAccounted(counts, fixture, settings.readings());
            return new Run(bus, round, rate, longestCall / 1e6, growth, received, dropped, held, lost);
        } finally {
            counts.release();
            fixture.close();
        }
    }

    /**
     * Waits until every subscriber's readings are all delivered or counted as dropped, or until no progress was made
     * for 10 s; returns what each subscriber lost: readings neither delivered nor counted.
     */
    private static long[] awaitAccounted(Counts counts, Fixture fixture, int readings) {
        long lastProgress = System.nanoTime();
        long seen = -1;
        while (true) {
            long[] received = counts.snapshot();
            long[] dropped = fixture.dropped();
            long[] lost = new long[received.length];
            long accounted = 0;
            for (int i = 0; i < received.length; i++) {
                lost[i] = readings - received[i] - dropped[i];
                accounted += received[i] + dropped[i];
            }
            if (Arrays.stream(lost).allMatch(l -> l == 0)
                    || System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(10)) {
                return lost;
            }
            if (accounted != seen) {
                seen = accounted;
                lastProgress = System.nanoTime();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Used heap after a full collection (G1 collects fully on {@code System.gc()}), in bytes. */
    private static long retainedHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void print(Run r) {
        long fastReceived = Arrays.stream(r.received(), 1, r.received().length).min().orElse(0);
        long fastDropped = Arrays.stream(r.dropped(), 1, r.dropped().length).sum();
        System.out.printf(Locale.ROOT, "  %5d  %-20s %10.0f %16.2f %16.1f %15d %9d %12d %21d %8d %5d%s%n", r.round(),
                r.bus(), r.publishRate(), r.longestCallMillis(), r.heapGrowthMib(), r.received()[0], r.dropped()[0],
                r.held(), fastReceived, fastDropped, Arrays.stream(r.lost()).sum(),
                r.valid() ? "" : "  INVALID: readings neither delivered nor counted as dropped");
    }

    private static void summary(List<Run> runs, Settings settings) {
        System.out.printf(Locale.ROOT, "%nSummary over %d rounds: median (min-max)%n", settings.rounds());
        System.out.println("  bus                  publish/s                          heap growth MiB          slow"
                + " subscriber dropped       held at end            lost");
        for (String bus : settings.buses()) {
            List<Run> mine = runs.stream().filter(r -> r.bus().equals(bus)).toList();
            System.out.printf(Locale.ROOT, "  %-20s %-34s %-24s %-28s %-22s %d%n", bus,
                    Rounds.medianAndRange(mine.stream().mapToDouble(Run::publishRate).toArray(), "%,.0f"),
                    Rounds.medianAndRange(mine.stream().mapToDouble(Run::heapGrowthMib).toArray(), "%.1f"),
                    Rounds.medianAndRange(mine.stream().mapToDouble(r -> r.dropped()[0]).toArray(), "%,.0f"),
                    Rounds.medianAndRange(mine.stream().mapToDouble(Run::held).toArray(), "%,.0f"),
                    mine.stream().mapToLong(r -> Arrays.stream(r.lost()).sum()).sum());
        }
    }

    /**
     * The subscribers' counters; subscriber 0 waits {@code slowNanos} per reading until {@link #release()}d. Parking is
     * the slow work itself here (a listener blocked on I/O), not a wait for a condition.
     */
    private static final class Counts implements Sink {

        /** Counters 128 bytes apart, so subscriber threads do not share a cache line. */
        private static final int STRIDE = 16;

        private final int subscribers;
        private final long slowNanos;
        private final AtomicLongArray counts;
        private volatile boolean slow = true;

        Counts(int subscribers, long slowNanos) {
            this.subscribers = subscribers;
            this.slowNanos = slowNanos;
            this.counts = new AtomicLongArray(subscribers * STRIDE);
        }

        @Override
        public int subscribers() {
            return subscribers;
        }

        @Override
        public void delivered(int subscriber) {
            if (subscriber == 0 && slow) {
                long until = System.nanoTime() + slowNanos;
                for (long left = slowNanos; left > 0 && slow; left = until - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                }
            }
            counts.incrementAndGet(subscriber * STRIDE);
        }

        void release() {
            slow = false;
        }

        long[] snapshot() {
            long[] each = new long[subscribers];
            for (int i = 0; i < subscribers; i++) {
                each[i] = counts.get(i * STRIDE);
            }
            return each;
        }
    }
}
