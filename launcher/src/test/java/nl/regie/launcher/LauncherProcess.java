package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code java -jar regie-launcher.jar ...} as a child process, with its stdout and stderr collected line by line
 * so that tests can wait for a line (with a deadline, never a fixed sleep).
 */
final class LauncherProcess implements AutoCloseable {

    private final Process process;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final List<Thread> readers;

    private LauncherProcess(Process process) {
        this.process = process;
        this.readers = List.of(collect(process.getInputStream(), out, "stdout"), collect(process.getErrorStream(), err, "stderr"));
    }

    /**
     * Starts the launcher jar named by the {@code regie.launcher.jar} system property, in {@code workingDir}, with its
     * stdin closed (as under a service manager).
     */
    static LauncherProcess start(Path workingDir, String... args) throws IOException {
        LauncherProcess launched = startWithStdin(workingDir, args);
        launched.closeStdin();
        return launched;
    }

    /** Starts the launcher jar with its stdin a pipe that stays open for {@link #send}. */
    static LauncherProcess startWithStdin(Path workingDir, String... args) throws IOException {
        return startWithStdin(workingDir, List.of(), args);
    }

    /** Starts the launcher jar with these JVM options (before {@code -jar}), its stdin closed. */
    static LauncherProcess startWithJvmOptions(Path workingDir, List<String> jvmOptions, String... args) throws IOException {
        LauncherProcess launched = startWithStdin(workingDir, jvmOptions, args);
        launched.closeStdin();
        return launched;
    }

    private static LauncherProcess startWithStdin(Path workingDir, List<String> jvmOptions, String... args) throws IOException {
        String jar = System.getProperty("regie.launcher.jar");
        if (jar == null) {
            fail("regie.launcher.jar is not set: run this test through Maven (failsafe), after package");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(workingDir.toFile()).start();
        return new LauncherProcess(process);
    }

    private static Thread collect(InputStream stream, List<String> lines, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process is gone.
            }
        }, "launcher-" + name);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    /** Writes a line to the launcher's stdin. */
    void send(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Closes the launcher's stdin: the end of its input. */
    void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    /** Waits for a line on stdout that matches, and returns it. */
    String awaitStdout(Predicate<String> match, Duration timeout) throws InterruptedException {
        return await(out, match, timeout, "stdout");
    }

    /** Waits for a line on stderr that matches, and returns it. */
    String awaitStderr(Predicate<String> match, Duration timeout) throws InterruptedException {
        return await(err, match, timeout, "stderr");
    }

    private String await(List<String> lines, Predicate<String> match, Duration timeout, String name) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long exitedAt = 0;
        while (true) {
            for (String line : lines) {
                if (match.test(line)) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                fail("no such line on " + name + " within " + timeout.toSeconds() + " s\n" + transcript());
            }
            if (!process.isAlive()) {
                if (exitedAt == 0) {
                    exitedAt = System.nanoTime();
                } else if (System.nanoTime() - exitedAt > TimeUnit.MILLISECONDS.toNanos(500)) {
                    // Its last lines have been read by now: the one awaited is not coming.
                    fail("the launcher exited with " + process.exitValue() + " before printing such a line on " + name
                            + "\n" + transcript());
                }
            }
            Thread.sleep(50);
        }
    }

    /** Sends SIGTERM (as a service manager would; Ctrl-C is alike) and returns the exit status. */
    int terminate(Duration timeout) throws InterruptedException {
        // Not process.destroy(): besides the signal it closes our ends of stdout and stderr, losing the last lines.
        process.toHandle().destroy();
        return awaitExit(timeout);
    }

    /**
     * Kills the process with SIGKILL ({@code kill -9}: no shutdown hook, nothing flushed or closed) and returns the exit
     * status.
     */
    int kill(Duration timeout) throws InterruptedException {
        process.toHandle().destroyForcibly();
        return awaitExit(timeout);
    }

    /** Waits for the process to end by itself and returns the exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("the launcher did not exit within " + timeout.toSeconds() + " s\n" + transcript());
        }
        for (Thread reader : readers) {
            reader.join(5_000); // they end when they have read the process's last line
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The launcher's process id, for looking at its sockets. */
    long pid() {
        return process.pid();
    }

    List<String> stdout() {
        return out;
    }

    List<String> stderr() {
        return err;
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

    /** Everything the process printed, for failure messages. */
    String transcript() {
        return "--- stdout\n" + String.join("\n", out) + "\n--- stderr\n" + String.join("\n", err);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
