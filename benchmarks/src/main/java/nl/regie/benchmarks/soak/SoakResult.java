package nl.regie.benchmarks.soak;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The verdict of a soak: the trend of each figure after the warm-up, and what went wrong besides.
 *
 * <p>What counts as flat: resident memory may grow by 10% of its early level plus 16 MiB over the measured span,
 * threads by 8 and file handles by 16 (stream clients and the HTTP pool come and go, so a few either way is noise),
 * and the rate at which the bus delivers to the soak's plugin, each averaged over four sample intervals, must not fall
 * by more than a fifth (the simulator publishes at a steady pace, so a falling rate means the runtime is falling
 * behind; the figure is printed negated).
 */
record SoakResult(List<Trend> trends, List<Sample> measured, int updates, List<String> problems) {

    static SoakResult judge(SoakPlan plan, List<Sample> samples, int updates, List<String> problems) {
        List<Sample> measured = samples.stream().filter(s -> s.seconds() >= plan.warmupSeconds()).toList();
        List<String> all = new ArrayList<>(problems);
        List<Trend> trends = new ArrayList<>();
        if (measured.size() < 8) {
            all.add("only " + measured.size() + " samples after the warm-up; a trend needs 8");
        } else {
            trends.add(Trend.of("resident memory, MiB", measured, s -> s.residentKib() / 1024.0, 0.10, 16));
            trends.add(Trend.of("threads", measured, Sample::threads, 0, 8));
            trends.add(Trend.of("file handles", measured, Sample::fileHandles, 0, 16));
            List<Sample> rates = new ArrayList<>();
            for (int i = 1; i < measured.size(); i++) {
                Sample a = measured.get(i - 1);
                Sample b = measured.get(i);
                // The rate as a "sample" of its own: delivered per second over the interval, at its end.
                // A counter that went back (the plugin's subscription taken over by a new version) gives no rate.
                if (b.delivered() >= a.delivered()) {
                    rates.add(new Sample(b.seconds(), 0, 0, 0,
                            Math.round((b.delivered() - a.delivered()) / (b.seconds() - a.seconds())), 0, ""));
                }
            }
            if (rates.stream().mapToLong(Sample::delivered).sum() == 0) {
                all.add("the bus delivered nothing to the soak's plugin after the warm-up, so its rate says nothing");
            }
            List<Sample> smoothed = smoothed(rates);
            if (smoothed.size() >= 4) {
                // A falling rate is the failure: the negated rate's growth against a fifth of its early level.
                trends.add(Trend.of("bus rate to the plugin, falling by", smoothed, s -> -s.delivered(), -0.2, 0));
            } else {
                all.add("fewer than " + (RATE_WINDOW + 3) + " bus rate samples after the warm-up (4 averages of " + RATE_WINDOW + ")");
            }
        }
        if (updates == 0) {
            all.add("the plugin was never updated: soak longer than --update-every");
        }
        return new SoakResult(trends, measured, updates, all);
    }

    /**
     * Each rate averaged with the {@value #RATE_WINDOW} - 1 before it: readings reach the plugin in bursts (with
     * SoakIT's 5 s samples, two samples with none, then two with twice the mean), which a trend over single samples
     * reads as a rise or a fall depending on where the span starts and ends.
     */
    static List<Sample> smoothed(List<Sample> rates) {
        List<Sample> smoothed = new ArrayList<>();
        for (int i = RATE_WINDOW - 1; i < rates.size(); i++) {
            long sum = 0;
            for (int j = i - RATE_WINDOW + 1; j <= i; j++) {
                sum += rates.get(j).delivered();
            }
            smoothed.add(new Sample(rates.get(i).seconds(), 0, 0, 0, Math.round(sum / (double) RATE_WINDOW), 0, ""));
        }
        return smoothed;
    }

    /** How many rate samples {@link #smoothed} averages. */
    static final int RATE_WINDOW = 4;

    boolean passed() {
        return problems.isEmpty() && trends.stream().allMatch(Trend::flat);
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%nTrends over %d samples after the warm-up (%d plugin updates):%n", measured.size(), updates);
        out.println("  figure                                  first quarter   last quarter   slope/hour   growth over"
                + " span   allowed   flat");
        for (Trend t : trends) {
            out.printf(Locale.ROOT, "  %-38s %14.1f %14.1f %12.1f %18.1f %9.1f   %s%n", t.name(), t.first(), t.last(),
                    t.slopePerHour(), t.growth(), t.allowed(), t.flat() ? "yes" : "NO");
        }
        problems.forEach(p -> out.println("  PROBLEM: " + p));
        out.println(passed() ? "Soak passed" : "Soak FAILED");
    }
}
