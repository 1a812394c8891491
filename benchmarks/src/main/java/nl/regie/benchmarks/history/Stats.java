package nl.regie.benchmarks.history;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Percentiles, medians and the spread of repeated measurements. */
final class Stats {

    private Stats() {
    }

    /** The nearest-rank percentile {@code p} (0..1) of sorted values. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** "median (min-max)" with the given format for each number. */
    static String spread(List<Double> values, String format) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (sorted.length == 0) {
            return "-";
        }
        String median = String.format(Locale.ROOT, format, median(values));
        if (sorted.length == 1) {
            return median;
        }
        return median + " (" + String.format(Locale.ROOT, format, sorted[0]) + "-"
                + String.format(Locale.ROOT, format, sorted[sorted.length - 1]) + ")";
    }

    static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
