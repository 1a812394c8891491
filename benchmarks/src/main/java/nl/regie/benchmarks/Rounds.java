package nl.regie.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the interleaved harnesses share: the order the buses run in each round (rotated, so that no bus always runs
 * first or last while the machine's load drifts), the load average, and medians with their range over the rounds.
 */
final class Rounds {

    private Rounds() {
    }

    /** The buses in round {@code round}'s order: the list rotated by the round number. */
    static List<String> order(List<String> buses, int round) {
        List<String> order = new ArrayList<>(buses);
        java.util.Collections.rotate(order, -(round % buses.size()));
        return order;
    }

    /** The 1, 5 and 15 minute load averages, as {@code /proc/loadavg} says them. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ", 4);
            return parts[0] + " " + parts[1] + " " + parts[2] + " (1/5/15 min)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The median of {@code values} (the mean of the middle two for an even count); NaN if there are none. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** {@code median (min-max)} of {@code values}, each in {@code format}. */
    static String medianAndRange(double[] values, String format) {
        if (values.length == 0) {
            return "-";
        }
        double min = Arrays.stream(values).min().orElseThrow();
        double max = Arrays.stream(values).max().orElseThrow();
        return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", median(values), min, max);
    }

    /** Splits a comma-separated list of buses and checks each name. */
    static List<String> buses(String list) {
        List<String> buses = List.of(list.split(","));
        for (String bus : buses) {
            if (!Fixture.BUSES.contains(bus)) {
                throw new IllegalArgumentException("unknown bus " + bus + "; known: " + String.join(",", Fixture.BUSES));
            }
        }
        return buses;
    }
}
