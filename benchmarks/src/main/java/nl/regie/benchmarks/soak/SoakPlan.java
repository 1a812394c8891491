package nl.regie.benchmarks.soak;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a soak does: how long, how many devices, how often the plugin is updated and stream clients come, how often it
 * samples, and how long a warm-up it leaves out of the trends.
 */
record SoakPlan(Path regie, List<String> jvmOptions, int minutes, int devices, int speed, int updateEverySeconds,
        int clients, int clientEverySeconds, int clientStaySeconds, int sampleEverySeconds, int warmupSeconds,
        Path work) {

    /** The plugin the soak updates (a package of the benchmark jar, built into a bundle at run time). */
    static final String PLUGIN = "nl.regie.benchmarks.soak.plugin";

    /** The distribution the build lays out, from the project's root. */
    static final String DISTRIBUTION = "distribution/target/regie";

    static final String USAGE = "usage: Soak [--regie DIR (" + DISTRIBUTION + ": its bin/regie and config/jvm.options)]"
            + " [--jvm \"OPTIONS\" (added after config/jvm.options)] [--minutes 60] [--devices 10000] [--speed 60]"
            + " [--update-every 180 s] [--clients 10] [--client-every 5 s] [--client-stay 20 s] [--sample-every 10 s]"
            + " [--warmup-seconds 120] [--work DIR]";

    SoakPlan {
        jvmOptions = List.copyOf(jvmOptions);
        if (minutes < 1 || devices < 1 || devices > 10_000 || speed < 1 || speed > 3600 || updateEverySeconds < 5
                || clients < 0
                || clientEverySeconds < 1 || clientStaySeconds < 1 || sampleEverySeconds < 1 || warmupSeconds < 0
                || warmupSeconds >= minutes * 60) {
            throw new IllegalArgumentException("out of range: minutes >= 1, devices 1 to 10,000, speed 1 to 3600,"
                    + " update-every >= 5,"
                    + " clients >= 0, intervals >= 1 s, warm-up shorter than the soak");
        }
        if ((minutes * 60 - warmupSeconds) / sampleEverySeconds < 8) {
            throw new IllegalArgumentException("fewer than 8 samples after the warm-up: sample more often or soak longer");
        }
    }

    static SoakPlan parse(String[] args) {
        Path regie = Path.of(DISTRIBUTION);
        List<String> jvm = List.of();
        int minutes = 60;
        int devices = 10_000;
        int speed = 60;
        int update = 180;
        int clients = 10;
        int clientEvery = 5;
        int clientStay = 20;
        int sample = 10;
        int warmup = 120;
        Path work = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--regie" -> regie = Path.of(args[++i]);
                case "--jvm" -> jvm = args[++i].isBlank() ? List.of() : List.of(args[i].trim().split("\\s+"));
                case "--minutes" -> minutes = Integer.parseInt(args[++i]);
                case "--devices" -> devices = Integer.parseInt(args[++i]);
                case "--speed" -> speed = Integer.parseInt(args[++i]);
                case "--update-every" -> update = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--client-every" -> clientEvery = Integer.parseInt(args[++i]);
                case "--client-stay" -> clientStay = Integer.parseInt(args[++i]);
                case "--sample-every" -> sample = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> warmup = Integer.parseInt(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!java.nio.file.Files.isRegularFile(regie.resolve("bin").resolve("regie"))) {
            throw new IllegalArgumentException("no distribution at " + regie + " (build it with mvn install, or give --regie)");
        }
        return new SoakPlan(regie, jvm, minutes, devices, speed, update, clients, clientEvery, clientStay, sample,
                warmup, work);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d min, %,d devices at speed %d, plugin update every %d s, up to %d stream"
                + " clients (one every %d s, staying %d-%d s), a sample every %d s, first %d s left out of the trends;"
                + " %s/bin/regie with its config/jvm.options%s", minutes, devices, speed, updateEverySeconds, clients,
                clientEverySeconds, clientStaySeconds, 3 * clientStaySeconds, sampleEverySeconds, warmupSeconds, regie,
                jvmOptions.isEmpty() ? "" : " and " + jvmOptions);
    }
}
