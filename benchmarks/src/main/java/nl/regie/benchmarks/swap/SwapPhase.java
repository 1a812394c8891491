package nl.regie.benchmarks.swap;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.ObjLongConsumer;

import nl.regie.benchmarks.EmbeddedRegie;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * One measured run of one {@link Swapper}: the plugin's first version installed, readings published at a steady
 * rate through the way's publisher, then {@code swaps} swaps {@code interval} apart while the readings flow, then
 * the stragglers collected and every swap's window analysed.
 *
 * <p>A swap's <em>gap</em> is the longest interval between two consecutive deliveries to the plugin that overlaps
 * its update call. It counts a stall of the whole JVM or machine too, during which nothing was even published;
 * so the swap also reports how long the readings published during its update call waited for delivery at most
 * (<em>held for</em>: the time readings are held), and the publisher's own largest stall in its window. The
 * window runs from a little before the update call (a quarter of the interval, at most 250 ms) to the same
 * distance before the next one; the readings published in it are the swap's, for what was lost.
 */
final class SwapPhase {

    /** The run's settings. */
    record Settings(int swaps, int rate, long intervalMillis, long warmupMillis) {
    }

    /** What one swap came to. */
    record Swap(int index, String version, String result, String reason, double updateMillis, double gapMillis,
            double reportedGapMillis, double heldForMillis, double publisherStallMillis, long held, long dropped, long lost, long anomalies,
            boolean newVersionReceives) {
    }

    /** What the run came to. */
    record Result(String name, List<Swap> swaps, long published, double achievedRate, double longestLagMillis,
            double longestCallMillis, double idleGapMillis, long lost, long duplicates, long outOfOrder) {

        /**
         * One way's runs as one: their swaps together, the counts summed, the publisher's worst (lowest rate,
         * longest lag and call) and the longest gap without a swap.
         */
        static Result merge(List<Result> runs) {
            List<Swap> swaps = new ArrayList<>();
            runs.forEach(r -> swaps.addAll(r.swaps()));
            return new Result(runs.get(0).name(), swaps, runs.stream().mapToLong(Result::published).sum(),
                    runs.stream().mapToDouble(Result::achievedRate).min().orElse(Double.NaN),
                    runs.stream().mapToDouble(Result::longestLagMillis).max().orElse(Double.NaN),
                    runs.stream().mapToDouble(Result::longestCallMillis).max().orElse(Double.NaN),
                    runs.stream().mapToDouble(Result::idleGapMillis).max().orElse(Double.NaN),
                    runs.stream().mapToLong(Result::lost).sum(), runs.stream().mapToLong(Result::duplicates).sum(),
                    runs.stream().mapToLong(Result::outOfOrder).sum());
        }
    }

    private final EmbeddedRegie framework;
    private final Swapper swapper;
    private final Settings settings;

    SwapPhase(EmbeddedRegie framework, Swapper swapper, Settings settings) {
        this.framework = framework;
        this.swapper = swapper;
        this.settings = settings;
    }

    Result run() throws Exception {
        BundleContext context = framework.context();
        long interval = TimeUnit.MILLISECONDS.toNanos(settings.intervalMillis());
        int capacity = (int) Math.min(Integer.MAX_VALUE / 2, (long) settings.rate()
                * (settings.warmupMillis() + (settings.swaps() + 1) * settings.intervalMillis() + 60_000) / 1000);
        swapper.prepare(settings.swaps());
        Arrivals arrivals = new Arrivals(capacity);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("regie.swap.recorder", swapper.key());
        ServiceRegistration<?> recorder = context.registerService(ObjLongConsumer.class.getName(), arrivals, properties);
        ServiceReference<?> target = null;
        try {
            swapper.install();
            String filter = "(regie.swap.publisher=" + swapper.key() + ")";
            target = framework.awaitService(LongConsumer.class.getName(), filter, 30_000);
            if (target == null) {
                throw new IllegalStateException("no publisher " + filter + " within 30 s (did the driver bundle start?)");
            }
            PacedPublisher publisher = new PacedPublisher(swapper.key(), (LongConsumer) context.getService(target),
                    settings.rate(), capacity);
            publisher.start();
            awaitArrivals(arrivals, publisher);
            long warmStart = System.nanoTime();
            Thread.sleep(settings.warmupMillis());
            long[] starts = new long[settings.swaps() + 2];
            List<LifecycleClient.Result> results = new ArrayList<>();
            long[] ends = new long[settings.swaps() + 1];
            boolean[] receives = new boolean[settings.swaps() + 1];
            for (int i = 1; i <= settings.swaps(); i++) {
                starts[i] = System.nanoTime();
                LifecycleClient.Result result;
                try {
                    result = swapper.swap(i);
                } catch (LifecycleClient.Refused e) {
                    result = new LifecycleClient.Result("REFUSED", null, e.getMessage(), -1, -1, null);
                }
                ends[i] = System.nanoTime();
                results.add(result);
                receives[i] = awaitVersion(arrivals, Swapper.version(i), starts[i] + interval);
                sleepUntil(starts[i] + interval);
            }
            starts[settings.swaps() + 1] = System.nanoTime();
            publisher.stop();
            drain(arrivals, publisher);
            return analyse(arrivals, publisher, warmStart, starts, ends, results, receives);
        } finally {
            if (target != null) {
                context.ungetService(target);
            }
            recorder.unregister();
        }
    }

    private Result analyse(Arrivals arrivals, PacedPublisher publisher, long warmStart, long[] starts, long[] ends,
            List<LifecycleClient.Result> results, boolean[] receives) {
        long guard = Math.min(TimeUnit.MILLISECONDS.toNanos(250), TimeUnit.MILLISECONDS.toNanos(settings.intervalMillis()) / 4);
        long first = arrivals.first();
        List<Swap> swaps = new ArrayList<>();
        for (int i = 1; i <= settings.swaps(); i++) {
            long from = starts[i] - guard;
            long to = i < settings.swaps() ? starts[i + 1] - guard : starts[i + 1];
            long a = Math.max(first, publisher.firstPublishedAtOrAfter(from));
            long b = publisher.firstPublishedAtOrAfter(to);
            long stall = 0;
            for (long s = a; s < b; s++) {
                stall = Math.max(stall, publisher.lagOf(s));
            }
            long heldFor = 0;
            for (long s = publisher.firstPublishedAtOrAfter(starts[i]); s < publisher.firstPublishedAtOrAfter(ends[i]); s++) {
                if (arrivals.arrived(s)) {
                    heldFor = Math.max(heldFor, arrivals.arrivedAt(s) - publisher.publishedAt(s));
                }
            }
            LifecycleClient.Result r = results.get(i - 1);
            swaps.add(new Swap(i, Swapper.version(i), r.result(), r.reason(), millis(ends[i] - starts[i]),
                    millis(arrivals.longestGapAcross(starts[i], ends[i])),
                    r.gap() == null ? Double.NaN : r.gap().toNanos() / 1e6, millis(heldFor), millis(stall), r.held(), r.dropped(), arrivals.missing(a, b), arrivals.anomalies(from, to),
                    receives[i]));
        }
        return new Result(swapper.name(), swaps, publisher.published(), publisher.achievedRate(),
                millis(publisher.longestLagNanos()), millis(publisher.longestCallNanos()),
                millis(arrivals.longestGapAcross(warmStart, starts[1] - guard)), arrivals.missing(first, publisher.published()),
                arrivals.duplicates(), arrivals.outOfOrder() + arrivals.outOfRange());
    }

    /** Waits for the plugin's first reading: it subscribes some time after its bundle started. */
    private static void awaitArrivals(Arrivals arrivals, PacedPublisher publisher) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (arrivals.arrivals() == 0) {
            if (System.nanoTime() > deadline) {
                publisher.stop();
                throw new IllegalStateException("the plugin received none of " + publisher.published()
                        + " readings in 30 s: is its listener registered and subscribed?");
            }
            Thread.sleep(10);
        }
    }

    /** Waits until the new version takes readings; false if it did not before {@code deadline}. */
    private static boolean awaitVersion(Arrivals arrivals, String version, long deadline) throws InterruptedException {
        while (!arrivals.lastVersion().equals(version)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** Lets the readings still on their way arrive: until none is missing, or 2 s pass without progress. */
    private static void drain(Arrivals arrivals, PacedPublisher publisher) throws InterruptedException {
        long first = arrivals.first();
        int seen = -1;
        long quietSince = System.nanoTime();
        while (arrivals.missing(first, publisher.published()) > 0
                && System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(2)) {
            int now = arrivals.arrivals();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            }
            Thread.sleep(50);
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
