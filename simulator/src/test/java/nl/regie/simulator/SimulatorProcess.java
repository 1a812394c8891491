package nl.regie.simulator;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code java -jar regie-simulator.jar ...} as a child process, with its stdout and stderr collected line by line so
 * that tests can wait for a line (with a deadline, never a fixed sleep).
 */
final class SimulatorProcess implements AutoCloseable {

    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();
    private final List<Thread> readers;

    private SimulatorProcess(Process process) {
        this.process = process;
        this.readers = List.of(collect(process.getInputStream(), out, "stdout"), collect(process.getErrorStream(), err, "stderr"));
    }

    /**
     * Starts the jar named by the {@code regie.simulator.jar} system property in {@code workingDir}, with these
     * environment variables added and {@code REGIE_SIMULATOR_PASSWORD} removed unless among them.
     */
    static SimulatorProcess start(Path workingDir, Map<String, String> environment, String... args) throws IOException {
        String jar = System.getProperty("regie.simulator.jar");
        if (jar == null) {
            fail("regie.simulator.jar is not set: run this test through Maven (failsafe), after package");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
        builder.environment().remove(SimulatorOptions.PASSWORD_VARIABLE);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        return new SimulatorProcess(process);
    }

    private static Thread collect(InputStream stream, List<String> lines, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // The process is gone.
            } finally {
                synchronized (lines) {
                    lines.add(null); // The end: nothing more will come.
                    lines.notifyAll();
                }
            }
        }, "simulator-" + name);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    /** Waits for a line on stdout that matches, and returns it. */
    String awaitStdout(Predicate<String> match, Duration timeout) throws InterruptedException {
        return await(out, match, timeout, "stdout");
    }

    /** Waits for a line on stderr that matches, and returns it. */
    String awaitStderr(Predicate<String> match, Duration timeout) throws InterruptedException {
        return await(err, match, timeout, "stderr");
    }

    private String await(List<String> lines, Predicate<String> match, Duration timeout, String name)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int checked = 0;
            while (true) {
                for (; checked < lines.size(); checked++) {
                    String line = lines.get(checked);
                    if (line == null) {
                        fail("the simulator closed its " + name + " without such a line\n" + transcript());
                    }
                    if (match.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("no such line on " + name + " within " + timeout.toSeconds() + " s\n" + transcript());
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Sends {@code signal} ({@code INT} for Ctrl-C, {@code TERM}) to the process and returns its exit status. */
    int signal(String signal, Duration timeout) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            fail("kill -" + signal + " " + process.pid() + " failed");
        }
        return awaitExit(timeout);
    }

    /** Waits for the process to end by itself and returns its exit status, once its last lines are read. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("the simulator did not exit within " + timeout.toSeconds() + " s\n" + transcript());
        }
        for (Thread reader : readers) {
            reader.join(5_000);
        }
        return process.exitValue();
    }

    /** Everything printed on stdout so far. */
    List<String> stdout() {
        synchronized (out) {
            return out.stream().filter(line -> line != null).toList();
        }
    }

    /** Everything printed on stderr so far. */
    List<String> stderr() {
        synchronized (err) {
            return err.stream().filter(line -> line != null).toList();
        }
    }

    /** Everything the process printed, for failure messages. */
    String transcript() {
        return "--- stdout\n" + String.join("\n", stdout()) + "\n--- stderr\n" + String.join("\n", stderr());
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
