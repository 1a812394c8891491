package nl.regie.launcher;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code java -jar regie-launcher.jar [options]}: starts Regie in this JVM and runs until Ctrl-C or SIGTERM.
 *
 * <p>What scripts rely on: a line beginning {@code Regie ready} on stdout once everything runs (see
 * {@link StartupReport}); {@code Regie stopped} after a stop. Exit status 0 after a clean stop, 1 when start-up
 * fails or the stop does not finish in time, 2 for a bad option (with a message naming it, and the usage). Stdin is
 * read only by the Gogo shell, after the ready line, and only in a terminal or with {@code --shell}.
 */
public final class Main {

    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private final Launcher launcher;
    private final Path stateDir;
    private final Thread shutdownHook;
    private volatile boolean shuttingDown;

    private final ConsoleLog console;
    private final StartupTrace trace;

    private Main(LauncherOptions options, Instant startedAt, LogFile logFile) {
        this.console = new ConsoleLog(System.out, System.err, options.verbose() || Boolean.getBoolean("regie.debug"), logFile);
        this.trace = StartupTrace.fromSystemProperties(startedAt.toEpochMilli());
        trace.phase("launcher: options read, folders ready");
        this.launcher = new Launcher(options, console, startedAt, trace);
        this.stateDir = options.stateDir();
        this.shutdownHook = new Thread(this::stopOnSignal, "regie-shutdown");
    }

    /** Runs the launcher; see the class comment for what it prints and its exit status. */
    public static void main(String[] args) {
        // The JVM's own start time: ProcessHandle's start instant is only accurate to the second on Linux.
        Instant startedAt = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        LauncherOptions options;
        LogFile logFile = null;
        try {
            options = LauncherOptions.parse(args);
            if (!options.help()) {
                prepareFolders(options);
                logFile = openLogFile(options.logFile());
            }
        } catch (LauncherOptions.UsageException e) {
            System.err.println("regie: " + e.getMessage());
            System.err.print(LauncherOptions.usage());
            System.exit(EXIT_USAGE);
            return;
        }
        if (options.help()) {
            System.out.print(LauncherOptions.usage());
            return;
        }
        System.exit(new Main(options, startedAt, logFile).run());
    }

    private static LogFile openLogFile(LogFile.Settings settings) throws LauncherOptions.UsageException {
        if (settings == null) {
            return null;
        }
        try {
            return LogFile.open(settings);
        } catch (IOException e) {
            throw new LauncherOptions.UsageException("--log-file: cannot write the log file " + settings.file() + ": "
                    + ConsoleLog.reason(e) + " (log-file=off for none)");
        }
    }

    private static void prepareFolders(LauncherOptions options) throws LauncherOptions.UsageException {
        try {
            Files.createDirectories(options.stateDir());
        } catch (IOException e) {
            throw new LauncherOptions.UsageException("--state-dir: cannot use " + options.stateDir() + " as the state folder: "
                    + ConsoleLog.reason(e));
        }
        try {
            Files.createDirectories(options.pluginsDir());
        } catch (IOException e) {
            throw new LauncherOptions.UsageException("--plugins: cannot use " + options.pluginsDir() + " as the plugins folder: "
                    + ConsoleLog.reason(e));
        }
        try {
            Files.createDirectories(options.configDir());
        } catch (IOException e) {
            throw new LauncherOptions.UsageException("--config-dir: cannot use " + options.configDir()
                    + " as the configuration folder: " + ConsoleLog.reason(e));
        }
    }

    /** Starts, then waits for the framework to stop; returns the exit status unless a signal ends the JVM first. */
    private int run() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        StartupReport report;
        try {
            report = launcher.start();
        } catch (StartupException | InterruptedException | RuntimeException e) {
            if (shuttingDown) {
                waitForTheHook(); // Stopped during start-up: not a failure to report.
            }
            console.plainError("Regie failed to start: " + (e instanceof StartupException ? e.getMessage() : ConsoleLog.reason(e)));
            if (!(e instanceof StartupException)) {
                e.printStackTrace();
            }
            launcher.stop();
            removeHookOrWaitForIt();
            console.closeFile();
            return EXIT_FAILED;
        }
        console.plain(report.readyLine());
        report.detailLines().forEach(console::plain);
        // The link carries the operator's token: on the console only, never in the log file.
        launcher.operatorLink().ifPresent(link -> System.out.println("Operator: " + link + " (the token is also in "
                + stateDir.resolve(OperatorToken.FILE_NAME) + ")"));
        System.out.flush();
        trace.lines().forEach(line -> console.info(ConsoleLog.LAUNCHER, line));
        launcher.startShell();
        try {
            launcher.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The framework stopped from inside (a bundle stopped the system bundle): finish the stop here.
        removeHookOrWaitForIt();
        boolean clean = launcher.stop();
        console.plain("Regie stopped");
        console.closeFile();
        return clean ? 0 : EXIT_FAILED;
    }

    /** Ctrl-C, SIGTERM or System.exit from elsewhere: stop cleanly and end the JVM with the stop's status. */
    private void stopOnSignal() {
        shuttingDown = true;
        boolean clean = launcher.stop();
        console.plain("Regie stopped");
        console.closeFile();
        System.out.flush();
        System.err.flush();
        // Without halt the JVM would exit with 128 + the signal number; a clean stop is a success.
        Runtime.getRuntime().halt(clean ? 0 : EXIT_FAILED);
    }

    private void removeHookOrWaitForIt() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            waitForTheHook(); // The JVM is shutting down: the hook is stopping Regie and will end the JVM.
        }
    }

    private void waitForTheHook() {
        while (true) {
            try {
                shutdownHook.join();
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // Keep waiting: the hook ends the JVM.
            }
        }
    }
}
