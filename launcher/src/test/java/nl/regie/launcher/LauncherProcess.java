package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import nl.regie.runtime.testing.ChildProcess;

/**
 * {@code java -jar regie-launcher.jar ...} as a {@link ChildProcess}: the jar the build made (the
 * {@code regie.launcher.jar} system property failsafe sets), run by the JVM that runs the test.
 */
final class LauncherProcess implements AutoCloseable {

    private final ChildProcess process;

    private LauncherProcess(ChildProcess process) {
        this.process = process;
    }

    /** Starts the launcher jar in {@code workingDir}, with its stdin closed (as under a service manager). */
    static LauncherProcess start(Path workingDir, String... args) throws IOException {
        return startWithJvmOptions(workingDir, List.of(), args);
    }

    /** Starts the launcher jar with its stdin a pipe that stays open for {@link #send}. */
    static LauncherProcess startWithStdin(Path workingDir, String... args) throws IOException {
        return new LauncherProcess(ChildProcess.startWithStdin(workingDir, Map.of(), false, command(List.of(), args)));
    }

    /** Starts the launcher jar with these JVM options (before {@code -jar}), its stdin closed. */
    static LauncherProcess startWithJvmOptions(Path workingDir, List<String> jvmOptions, String... args)
            throws IOException {
        return new LauncherProcess(ChildProcess.start(workingDir, Map.of(), command(jvmOptions, args)));
    }

    private static List<String> command(List<String> jvmOptions, String... args) {
        String jar = System.getProperty("regie.launcher.jar");
        if (jar == null) {
            fail("regie.launcher.jar is not set: run this test through Maven (failsafe), after package");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar));
        command.addAll(List.of(args));
        return command;
    }

    /** Writes a line to the launcher's stdin. */
    void send(String line) throws IOException {
        process.send(line);
    }

    /** Closes the launcher's stdin: the end of its input. */
    void closeStdin() throws IOException {
        process.closeStdin();
    }

    String awaitStdout(Predicate<String> match, Duration timeout) throws InterruptedException {
        return process.awaitStdout(match, timeout);
    }

    String awaitStderr(Predicate<String> match, Duration timeout) throws InterruptedException {
        return process.awaitStderr(match, timeout);
    }

    /** Sends SIGTERM (as a service manager would) and returns the exit status. */
    int terminate(Duration timeout) throws InterruptedException {
        return process.terminate(timeout);
    }

    /** Kills the launcher with SIGKILL ({@code kill -9}) and returns the exit status. */
    int kill(Duration timeout) throws InterruptedException {
        return process.kill(timeout);
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        return process.awaitExit(timeout);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The launcher's process id, for looking at its sockets. */
    long pid() {
        return process.pid();
    }

    List<String> stdout() {
        return process.stdout();
    }

    List<String> stderr() {
        return process.stderr();
    }

    /**
     * The operator's token, from the link the launcher prints after its ready line ({@code Operator: http://...#token=X
     * (...)}); waits a little for it, and fails when it does not come.
     */
    String operatorToken() throws InterruptedException {
        String line = awaitStdout(l -> l.startsWith("Operator: ") && l.contains("#token="), Duration.ofSeconds(10));
        int at = line.indexOf("#token=") + "#token=".length();
        return line.substring(at, line.indexOf(' ', at));
    }

    /** Everything the launcher printed, for failure messages. */
    String transcript() {
        return process.transcript();
    }

    /** Stops the launcher if it still runs: SIGTERM, and SIGKILL after 30 s. */
    @Override
    public void close() {
        process.stop(Duration.ofSeconds(30));
    }
}
