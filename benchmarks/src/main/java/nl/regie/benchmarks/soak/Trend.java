package nl.regie.benchmarks.soak;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Whether a figure stayed flat over a soak, judged by its trend and not by any one moment: the least-squares slope
 * over the samples after the warm-up, projected over the whole measured span, against an allowance. A figure that
 * rises in steps and levels off (a cache filling, a pool reaching its size) passes; one that keeps rising fails.
 *
 * @param name          what the figure is
 * @param first         its mean over the first quarter of the measured samples
 * @param last          its mean over the last quarter
 * @param slopePerHour  least-squares slope, units per hour
 * @param growth        the slope over the measured span, in the figure's units
 * @param allowed       the most growth over the span that still counts as flat
 */
record Trend(String name, double first, double last, double slopePerHour, double growth, double allowed) {

    boolean flat() {
        return growth <= allowed;
    }

    /**
     * The trend of {@code figure} over {@code samples} (the warm-up already left out), allowed to grow by
     * {@code allowedFraction} of its first quarter's mean plus {@code allowedAbsolute} over the span.
     */
    static Trend of(String name, List<Sample> samples, ToDoubleFunction<Sample> figure, double allowedFraction,
            double allowedAbsolute) {
        int n = samples.size();
        if (n < 4) {
            throw new IllegalArgumentException("a trend needs at least 4 samples, had " + n);
        }
        double meanX = samples.stream().mapToDouble(Sample::seconds).average().orElseThrow();
        double meanY = samples.stream().mapToDouble(figure).average().orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (Sample s : samples) {
            double dx = s.seconds() - meanX;
            covariance += dx * (figure.applyAsDouble(s) - meanY);
            variance += dx * dx;
        }
        double slope = covariance / variance;
        double span = samples.get(n - 1).seconds() - samples.get(0).seconds();
        double first = samples.subList(0, n / 4).stream().mapToDouble(figure).average().orElseThrow();
        double last = samples.subList(n - n / 4, n).stream().mapToDouble(figure).average().orElseThrow();
        return new Trend(name, first, last, slope * 3600, slope * span, first * allowedFraction + allowedAbsolute);
    }
}
