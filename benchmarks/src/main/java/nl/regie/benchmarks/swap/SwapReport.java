package nl.regie.benchmarks.swap;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Prints the swaps of each way, then the summary table that compares them. */
final class SwapReport {

    private final PrintStream out;

    SwapReport(PrintStream out) {
        this.out = out;
    }

    /** One way's swaps, one line each. */
    void swaps(SwapPhase.Result r) {
        out.printf(Locale.ROOT, "%n%s: %d swaps; %,d readings published at %,.0f/s (publisher: longest lag %.1f ms,"
                + " longest publish call %.2f ms); longest gap without a swap %.1f ms%n", r.name(), r.swaps().size(),
                r.published(), r.achievedRate(), r.longestLagMillis(), r.longestCallMillis(), r.idleGapMillis());
        out.println("  swap  to      result       update ms   gap ms  Outcome.gap ms  held for ms  publisher stall ms"
                + "    held  dropped  lost  dup/ooo  new version receives");
        for (SwapPhase.Swap s : r.swaps()) {
            out.printf(Locale.ROOT, "  %4d  %-6s  %-11s %9.1f %8.1f  %14s %12.1f %19.1f %7s %8s %5d %8d  %s%s%n", s.index(),
                    s.version(), s.result(), s.updateMillis(), s.gapMillis(),
                    Double.isNaN(s.reportedGapMillis()) ? "-" : String.format(Locale.ROOT, "%.1f", s.reportedGapMillis()),
                    s.heldForMillis(), s.publisherStallMillis(), s.held() < 0 ? "-" : Long.toString(s.held()),
                    s.dropped() < 0 ? "-" : Long.toString(s.dropped()), s.lost(), s.anomalies(),
                    s.newVersionReceives() ? "yes" : "NO", s.reason() == null || s.reason().isEmpty() ? "" : "  (" + s.reason() + ")");
        }
    }

    /** The comparison: medians and 99th percentiles over the swaps, and what was lost. */
    void summary(List<SwapPhase.Result> results) {
        out.printf("%nSummary (ms; p99 is the nearest rank, so with 20 swaps the largest; held for = longest wait of a"
                + " reading published during the update call; lost = published and never delivered):%n");
        out.println("  way                            gap median   gap p99  held for median  held for p99  update median"
                + "  update p99  lost/swap median  lost/swap max  lost total  dup  ooo");
        for (SwapPhase.Result r : results) {
            List<SwapPhase.Swap> s = r.swaps();
            out.printf(Locale.ROOT, "  %-30s %10.1f %9.1f %16.1f %13.1f %14.1f %11.1f %17.0f %14.0f %11d %4d %4d%n", r.name(),
                    median(s, SwapPhase.Swap::gapMillis), p99(s, SwapPhase.Swap::gapMillis),
                    median(s, SwapPhase.Swap::heldForMillis), p99(s, SwapPhase.Swap::heldForMillis),
                    median(s, SwapPhase.Swap::updateMillis), p99(s, SwapPhase.Swap::updateMillis),
                    median(s, x -> x.lost()), max(s, x -> x.lost()), r.lost(), r.duplicates(), r.outOfOrder());
        }
        SwapPhase.Result regie = results.stream().filter(r -> r.name().startsWith("Regie")).findFirst().orElse(null);
        SwapPhase.Result other = results.stream().filter(r -> !r.name().startsWith("Regie")).findFirst().orElse(null);
        if (regie != null && other != null) {
            out.printf(Locale.ROOT, "  %s / %s: gap median %.2fx, gap p99 %.2fx; readings lost %,d against %,d%n",
                    other.name(), regie.name(), median(other.swaps(), SwapPhase.Swap::gapMillis)
                            / median(regie.swaps(), SwapPhase.Swap::gapMillis),
                    p99(other.swaps(), SwapPhase.Swap::gapMillis) / p99(regie.swaps(), SwapPhase.Swap::gapMillis),
                    other.lost(), regie.lost());
        }
        if (regie != null) {
            double p99 = p99(regie.swaps(), SwapPhase.Swap::gapMillis);
            boolean promoted = regie.swaps().stream().allMatch(s -> s.result().equals("PROMOTED") && s.newVersionReceives());
            boolean clean = regie.lost() == 0 && regie.duplicates() == 0 && regie.outOfOrder() == 0;
            out.printf(Locale.ROOT, "  Goal, Regie gap p99 under 200 ms: %s (%.1f ms; held for p99 %.1f ms); nothing lost,"
                    + " duplicated or out of order: %s; every swap promoted and the new version receiving: %s%n",
                    p99 < 200 ? "met" : "NOT MET", p99, p99(regie.swaps(), SwapPhase.Swap::heldForMillis),
                    clean ? "yes" : "NO", promoted ? "yes" : "NO");
        }
    }

    /** Each round's gap median and p99 and what was lost, per way, side by side. */
    void rounds(Map<String, List<SwapPhase.Result>> results) {
        out.printf("%nPer round (ms; the ways ran in turn, the order reversed each round):%n");
        out.println("  way                            round  gap median   gap p99  lost");
        results.forEach((way, runs) -> {
            for (int i = 0; i < runs.size(); i++) {
                SwapPhase.Result r = runs.get(i);
                out.printf(Locale.ROOT, "  %-30s %5d %11.1f %9.1f %5d%n", way, i + 1, median(r.swaps(), SwapPhase.Swap::gapMillis),
                        p99(r.swaps(), SwapPhase.Swap::gapMillis), r.lost());
            }
        });
    }

    static double median(List<SwapPhase.Swap> swaps, ToDoubleFunction<SwapPhase.Swap> figure) {
        double[] v = sorted(swaps, figure);
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The 99th percentile by nearest rank: the smallest value at least 99% of the values are at or below. */
    static double p99(List<SwapPhase.Swap> swaps, ToDoubleFunction<SwapPhase.Swap> figure) {
        double[] v = sorted(swaps, figure);
        return v.length == 0 ? Double.NaN : v[(int) Math.ceil(0.99 * v.length) - 1];
    }

    static double max(List<SwapPhase.Swap> swaps, ToDoubleFunction<SwapPhase.Swap> figure) {
        double[] v = sorted(swaps, figure);
        return v.length == 0 ? Double.NaN : v[v.length - 1];
    }

    private static double[] sorted(List<SwapPhase.Swap> swaps, ToDoubleFunction<SwapPhase.Swap> figure) {
        return swaps.stream().mapToDouble(figure).sorted().toArray();
    }
}
