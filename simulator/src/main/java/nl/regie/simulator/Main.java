package nl.regie.simulator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar regie-simulator.jar [options]}: the simulated city on its own, against any MQTT broker, until
 * Ctrl-C or SIGTERM. The options are in {@link SimulatorOptions} and {@code usage.txt}.
 *
 * <p>What scripts rely on: a line beginning {@code Regie simulator ready} on stdout once every device is connected,
 * {@code Regie simulator stopped} after a stop; warnings on stderr as {@code HH:mm:ss WARN message}. Exit status 0
 * after a clean stop, 1 when it cannot start, 2 for a bad option (with a message naming it, and the usage).
 */
public final class Main {

    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Main() {
    }

    /** Runs the simulator; see the class comment for what it prints and its exit status. */
    public static void main(String[] args) {
        SimulatorOptions options;
        try {
            options = SimulatorOptions.parse(List.of(args), System.getenv(), Path.of("").toAbsolutePath());
        } catch (SimulatorOptions.UsageException e) {
            System.err.println("regie-simulator: " + e.getMessage());
            System.err.print(SimulatorOptions.usage());
            System.exit(EXIT_USAGE);
            return;
        }
        if (options.help()) {
            System.out.print(SimulatorOptions.usage());
            return;
        }
        System.exit(run(options));
    }

    /** Starts the city and serves it until the JVM is told to stop, which then ends with status 0. */
    private static int run(SimulatorOptions options) {
        PrintStream err = System.err;
        CitySimulator simulator = new CitySimulator(options.settings(),
                message -> err.println(LocalTime.now().format(TIME) + " WARN " + message));
        CountDownLatch stopped = new CountDownLatch(1);
        Thread stop = new Thread(() -> {
            simulator.close();
            System.out.println("Regie simulator stopped");
            System.out.flush();
            err.flush();
            stopped.countDown();
            // Without halt the JVM would exit with 128 + the signal number; a clean stop is a success.
            Runtime.getRuntime().halt(0);
        }, "regie-simulator-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            simulator.start(options.broker(), options.site(), options.login());
        } catch (RuntimeException e) {
            err.println("regie-simulator: cannot start: " + e.getMessage());
            simulator.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // Stopped while starting: the hook ends the JVM.
            }
            return EXIT_FAILED;
        }
        System.out.println("Regie simulator ready: site " + options.site() + ", MQTT " + options.broker()
                + (options.login() != null ? " as " + options.login().username() : "") + ", " + simulator.summary());
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
