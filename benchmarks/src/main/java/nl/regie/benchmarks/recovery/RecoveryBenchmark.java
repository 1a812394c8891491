package nl.regie.benchmarks.recovery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.benchmarks.ConsoleLogger;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.spi.bus.Owner;

import org.osgi.service.log.Logger;

/**
 * How long the city state takes to come back from its state folder: fills a city state of {@code --entities}
 * entities with {@code --attributes} numeric attributes each (through the real bus, so the journal and its snapshots
 * are written as in the runtime), then measures recovery in a fresh JVM each round (a restart is a cold JVM): after a
 * {@code kill -9} while a snapshot was being written (the worst case: the previous snapshot and the journals since
 * are read), after a {@code kill -9} between snapshots (the last snapshot and the journal after it), and after a clean
 * stop (one snapshot).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar nl.regie.benchmarks.recovery.RecoveryBenchmark --entities 100000 --rounds 5
 *     [--jvm-options distribution/src/main/dist/config/jvm.options] [--child-args "-Xmx256m"]
 * </pre>
 *
 * <p>{@code --jvm-options} gives each recovering JVM the options of that file (one a line, {@code #} comments), as
 * {@code bin/regie} does; {@code --child-args} adds more after them (a later option wins, so {@code -Xmx} there
 * replaces the file's). Without either, the JVM's defaults.
 */
public final class RecoveryBenchmark {

    private static final Owner RUNTIME = new Owner("nl.regie.runtime.core", "0.1.0", 1);
    private static final String[] ATTRIBUTES = {"fillingLevel", "temperature", "batteryLevel", "powerConsumption",
        "intensity"};

    /** The options of each recovering JVM, before its class path. */
    private static final List<String> CHILD_OPTIONS = new ArrayList<>();

    private RecoveryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--recover")) {
            recoverOnce(Path.of(args[1]));
            return;
        }
        int entities = intArg(args, "--entities", 100_000);
        int attributes = Math.min(ATTRIBUTES.length, intArg(args, "--attributes", 3));
        int rounds = intArg(args, "--rounds", 5);
        String options = stringArg(args, "--jvm-options", null);
        if (options != null) {
            for (String line : Files.readAllLines(Path.of(options))) {
                if (!line.isBlank() && !line.strip().startsWith("#")) {
                    CHILD_OPTIONS.add(line.strip());
                }
            }
        }
        String more = stringArg(args, "--child-args", "");
        Arrays.stream(more.split("\\s+")).filter(a -> !a.isEmpty()).forEach(CHILD_OPTIONS::add);
        System.out.println("Each recovering JVM's options: " + (CHILD_OPTIONS.isEmpty() ? "the JVM's defaults"
                : String.join(" ", CHILD_OPTIONS)));
        Path work = Files.createTempDirectory("regie-recovery-");
        try {
            Path running = work.resolve("running");
            System.out.printf("Filling a city state of %,d entities x %d attributes (%,d readings) in %s%n", entities,
                    attributes, (long) entities * attributes, running);
            BusEngine bus = new BusEngine(BusSettings.defaults(), console());
            CityStateComponent city = new CityStateComponent(bus, RUNTIME, running.resolve("city"), console());
            fill(bus, city, entities, attributes);
            // kill -9 right after the fill: a snapshot is being written (the last rotation was moments ago), so the
            // start falls back on the one before it and replays the journals since: the worst case.
            Path killedWriting = work.resolve("killed-writing");
            copy(running, killedWriting);
            // kill -9 between snapshots: the last snapshot written, the journal after it.
            awaitNoSnapshotInFlight(running.resolve("city"));
            Path killed = work.resolve("killed");
            copy(running, killed);
            city.deactivate();
            bus.close();
            Path stopped = work.resolve("stopped");
            copy(running, stopped);
            report("after kill -9 while a snapshot was being written", killedWriting, rounds, work);
            report("after kill -9 between snapshots", killed, rounds, work);
            report("after a clean stop", stopped, rounds, work);
        } finally {
            delete(work);
        }
    }

    private static void fill(BusEngine bus, CityStateComponent city, int entities, int attributes) {
        Instant t0 = Instant.parse("2026-06-01T10:00:00Z");
        int batch = 50_000;
        int published = 0;
        long start = System.nanoTime();
        for (int a = 0; a < attributes; a++) {
            for (int i = 0; i < entities; i++) {
                EntityId id = EntityId.of("WasteContainer", "bin-" + i);
                Instant at = t0.plusMillis(i);
                bus.publish("mqtt:bin-" + i, new Reading(id, ATTRIBUTES[a], Value.of((i % 1000) / 1000.0), "/", at, at,
                        "mqtt:bin-" + i, Location.of(4.8 + (i % 1000) * 1e-4, 52.3 + (i / 1000) * 1e-4)));
                if (++published % batch == 0 || (a == attributes - 1 && i == entities - 1)) {
                    String attribute = ATTRIBUTES[a];
                    awaitApplied(city, id, attribute);
                }
            }
        }
        System.out.printf("Filled in %.1f s: %,d entities%n", (System.nanoTime() - start) / 1e9, city.size());
    }

    private static void awaitApplied(CityStateComponent city, EntityId last, String attribute) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (city.entity(last).flatMap(e -> e.attribute(attribute)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the city state did not take the readings within 60 s");
            }
            Thread.onSpinWait();
        }
    }

    private static void awaitNoSnapshotInFlight(Path city) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Stream<Path> files = Files.list(city)) {
                if (files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp"))) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a snapshot was still being written after 60 s");
            }
            Thread.onSpinWait();
        }
    }

    private static void report(String when, Path folder, int rounds, Path work) throws Exception {
        System.out.printf("%nRecovery %s: %s%n", when, describe(folder.resolve("city")));
        List<Long> millis = new ArrayList<>();
        List<Long> cpu = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Path copy = work.resolve("round-" + round);
            copy(folder, copy);
            String line = child(copy.resolve("city"));
            System.out.printf("  round %d (fresh JVM): %s%n", round, line);
            millis.add(Long.parseLong(line.replaceAll(".* in (\\d+) ms .*", "$1")));
            cpu.add(Long.parseLong(line.replaceAll(".*process CPU (\\d+) ms.*", "$1")));
            delete(copy);
        }
        millis.sort(Comparator.naturalOrder());
        cpu.sort(Comparator.naturalOrder());
        System.out.printf("  median %d ms, worst %d ms; process CPU median %d ms (%d to %d)%n",
                millis.get(millis.size() / 2), millis.get(millis.size() - 1), cpu.get(cpu.size() / 2), cpu.get(0),
                cpu.get(cpu.size() - 1));
    }

    private static String child(Path folder) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(CHILD_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RecoveryBenchmark.class.getName(),
                "--recover", folder.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String result = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("recovered")) {
                    result = line;
                } else {
                    System.out.println("    " + line);
                }
            }
        }
        if (p.waitFor() != 0 || result == null) {
            throw new IllegalStateException("the recovery run failed (exit " + p.exitValue() + ")");
        }
        return result;
    }

    /** In the fresh JVM: opens a city state on the folder, which loads it, and reports how long that took. */
    private static void recoverOnce(Path folder) {
        BusEngine bus = new BusEngine(BusSettings.defaults(), console());
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        CityStateComponent city = new CityStateComponent(bus, RUNTIME, folder, console());
        long took = System.nanoTime() - start;
        cpu = os.getProcessCpuTime() - cpu;
        System.out.printf("recovered %,d entities in %d ms (process CPU %d ms, load average %.1f on %d cores)%n",
                city.size(), TimeUnit.NANOSECONDS.toMillis(took), TimeUnit.NANOSECONDS.toMillis(cpu),
                os.getSystemLoadAverage(), os.getAvailableProcessors());
        city.deactivate();
        bus.close();
    }

    private static String describe(Path city) throws IOException {
        try (Stream<Path> files = Files.list(city)) {
            return String.join(", ", files.sorted().map(f -> f.getFileName() + " " + size(f)).toList());
        }
    }

    private static String size(Path f) {
        try {
            return String.format("%.1f MB", Files.size(f) / 1e6);
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * Copies a folder, as a backup of a running Regie does: snapshots before journals (a snapshot never changes once it
     * has its name, a journal only grows), and again from the start if a file vanished (a new generation began).
     */
    private static void copy(Path from, Path to) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                delete(to);
                copyOnce(from, to);
                return;
            } catch (java.nio.file.NoSuchFileException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static void copyOnce(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.sorted(Comparator.comparing((Path p) -> p.getFileName().toString().startsWith("journal-"))
                    .thenComparing(Comparator.naturalOrder())).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static int intArg(String[] args, String name, int fallback) {
        int i = Arrays.asList(args).indexOf(name);
        return i >= 0 && i + 1 < args.length ? Integer.parseInt(args[i + 1]) : fallback;
    }

    private static String stringArg(String[] args, String name, String fallback) {
        int i = Arrays.asList(args).indexOf(name);
        return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
    }

    /** The runtime's lines on stdout, from information up. */
    private static Logger console() {
        return ConsoleLogger.create("recovery", System.out, Set.of("info", "warn", "error"));
    }
}
