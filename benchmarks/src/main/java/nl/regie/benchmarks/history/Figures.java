package nl.regie.benchmarks.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of all runs, per measure and store, printed at the end as one table per measure: the median with the
 * spread over the runs (min-max), and the median against the best store's.
 */
final class Figures {

    private record Measure(String title, String format, boolean higherIsBetter) {
    }

    private final Map<String, Measure> measures = new LinkedHashMap<>();
    private final Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();

    /** Declares a measure, in the order the tables are printed. */
    void measure(String key, String title, String format, boolean higherIsBetter) {
        measures.put(key, new Measure(title, format, higherIsBetter));
        values.put(key, new LinkedHashMap<>());
    }

    void add(String key, String store, double value) {
        values.get(key).computeIfAbsent(store, s -> new ArrayList<>()).add(value);
    }

    void print(List<String> stores) {
        for (Map.Entry<String, Measure> entry : measures.entrySet()) {
            Map<String, List<Double>> byStore = values.get(entry.getKey());
            if (byStore.isEmpty()) {
                continue;
            }
            Measure measure = entry.getValue();
            double best = Double.NaN;
            for (List<Double> v : byStore.values()) {
                double m = Stats.median(v);
                if (Double.isNaN(best) || (measure.higherIsBetter() ? m > best : m < best)) {
                    best = m;
                }
            }
            System.out.println();
            System.out.println(measure.title() + ": median (min-max) over runs, and median / best");
            for (String store : stores) {
                List<Double> v = byStore.get(store);
                if (v == null) {
                    continue;
                }
                double ratio = Stats.median(v) / best;
                System.out.printf(Locale.ROOT, "  %-13s %-40s %6.2f  (%d runs)%n", store, Stats.spread(v, measure.format()),
                        ratio, v.size());
            }
        }
    }
}
