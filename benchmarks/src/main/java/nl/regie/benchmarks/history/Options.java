package nl.regie.benchmarks.history;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The benchmark's command line. */
record Options(List<String> stores, List<String> figures, int readings, int runs, int batch, int repeats,
        double scale, Path dir, int busRate, int busSeconds, int busQueue, int crashAfter) {

    static final String USAGE = "usage: HistoryBenchmark [--store sqlite|duckdb|h2|postgres|sqlite-rowid|all[,...]]"
            + " [--figure store|bus|crash|all[,...]] [--readings 10000000] [--runs 3] [--batch 50000] [--repeats 100]"
            + " [--scale 1.0] [--dir /tmp/regie-histbench] [--bus-rate 120000] [--bus-seconds 10] [--bus-queue 100000]"
            + " [--crash-after 1000000]";

    static Options parse(String[] args) {
        List<String> stores = Candidates.ALL;
        List<String> figures = List.of("store", "bus", "crash");
        int readings = 10_000_000;
        int runs = 3;
        int batch = 50_000;
        int repeats = 100;
        double scale = 1.0;
        Path dir = Path.of("/tmp/regie-histbench");
        int busRate = 120_000;
        int busSeconds = 10;
        int busQueue = 100_000;
        int crashAfter = 1_000_000;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--store" -> stores = value.equals("all") ? Candidates.ALL : Arrays.asList(value.split(","));
                case "--figure" -> figures = value.equals("all") ? figures : Arrays.asList(value.split(","));
                case "--readings" -> readings = Integer.parseInt(value);
                case "--runs" -> runs = Integer.parseInt(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--repeats" -> repeats = Integer.parseInt(value);
                case "--scale" -> scale = Double.parseDouble(value);
                case "--dir" -> dir = Path.of(value);
                case "--bus-rate" -> busRate = Integer.parseInt(value);
                case "--bus-seconds" -> busSeconds = Integer.parseInt(value);
                case "--bus-queue" -> busQueue = Integer.parseInt(value);
                case "--crash-after" -> crashAfter = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            }
            i++;
        }
        List<String> known = new ArrayList<>(Candidates.ALL);
        known.addAll(Candidates.VARIANTS);
        for (String store : stores) {
            if (!known.contains(store)) {
                throw new IllegalArgumentException("unknown store " + store + "\n" + USAGE);
            }
        }
        for (String figure : figures) {
            if (!List.of("store", "bus", "crash").contains(figure)) {
                throw new IllegalArgumentException("unknown figure " + figure + "\n" + USAGE);
            }
        }
        return new Options(List.copyOf(stores), List.copyOf(figures), readings, runs, batch, repeats, scale, dir, busRate,
                busSeconds, busQueue, crashAfter);
    }
}
