package nl.regie.runtime.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A command as a child process, its stdout and stderr collected line by line so that a test can wait for a line (with
 * a deadline, never a fixed sleep): the launcher jar, the distribution's start script, the image's entrypoint
 * (chrooted), for their tests.
 */
public final class ChildProcess implements AutoCloseable {

    private final Process process;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final List<Thread> readers;

    private ChildProcess(Process process) {
        this.process = process;
        this.readers = List.of(collect(process.getInputStream(), out, "stdout"), collect(process.getErrorStream(), err, "stderr"));
    }

    /** Starts {@code command} in {@code workingDir} with these environment changes (a null value removes one), stdin closed. */
    public static ChildProcess start(Path workingDir, Map<String, String> environment, List<String> command)
            throws IOException {
        return start(workingDir, environment, false, command);
    }

    /**
     * Starts {@code command} in {@code workingDir} with this environment (only it when {@code clear}, else these changes
     * to the inherited one, a null value removing one), stdin closed.
     */
    public static ChildProcess start(Path workingDir, Map<String, String> environment, boolean clear,
            List<String> command) throws IOException {
        ChildProcess started = startWithStdin(workingDir, environment, clear, command);
        started.closeStdin();
        return started;
    }

    /**
     * Starts {@code command} as {@link #start(Path, Map, boolean, List)} does, but with its stdin a pipe that stays
     * open for {@link #send} until {@link #closeStdin}.
     */
    public static ChildProcess startWithStdin(Path workingDir, Map<String, String> environment, boolean clear,
            List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
        if (clear) {
            builder.environment().clear();
        }
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        return new ChildProcess(builder.start());
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
        }, "regie-" + name);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Writes a line to the process's stdin (started {@linkplain #startWithStdin with it open}). */
    public void send(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Closes the process's stdin: the end of its input. */
    public void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    /** Waits for a line on stdout that matches, and returns it; fails with the transcript when none comes in time. */
    public String awaitStdout(Predicate<String> match, Duration timeout) throws InterruptedException {
        return await(out, match, timeout, "stdout");
    }

    /** Waits for a line on stderr that matches, and returns it; fails with the transcript when none comes in time. */
    public String awaitStderr(Predicate<String> match, Duration timeout) throws InterruptedException {
        return await(err, match, timeout, "stderr");
    }

    private String await(List<String> lines, Predicate<String> match, Duration timeout, String name)
            throws InterruptedException {
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
                    fail("exited with " + process.exitValue() + " before printing such a line on " + name + "\n"
                            + transcript());
                }
            }
            Thread.sleep(50);
        }
    }

    /** Sends SIGTERM, as a service manager does (Ctrl-C is alike), and returns the exit status. */
    public int terminate(Duration timeout) throws InterruptedException {
        // Not process.destroy(): besides the signal it closes our ends of stdout and stderr, losing the last lines.
        process.toHandle().destroy();
        return awaitExit(timeout);
    }

    /**
     * Kills the process with SIGKILL ({@code kill -9}: no shutdown hook, nothing flushed or closed) and returns the exit
     * status.
     */
    public int kill(Duration timeout) throws InterruptedException {
        process.toHandle().destroyForcibly();
        return awaitExit(timeout);
    }

    /** Waits for the process to end and for its last lines, and returns the exit status. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("did not exit within " + timeout.toSeconds() + " s\n" + transcript());
        }
        for (Thread reader : readers) {
            reader.join(5_000); // they end when they have read the process's last line
        }
        return process.exitValue();
    }

    public List<String> stdout() {
        return out;
    }

    public List<String> stderr() {
        return err;
    }

    public String transcript() {
        return "--- stdout\n" + String.join("\n", out) + "\n--- stderr\n" + String.join("\n", err);
    }

    /** Kills the process if it still runs: a test's cleanup, after whatever it meant to do. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Ends the process if it still runs, gently first: SIGTERM, and SIGKILL only when it has not exited within
     * {@code grace}. Never throws: for a cleanup that must go on.
     */
    public void stop(Duration grace) {
        if (process.isAlive()) {
            process.toHandle().destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.toHandle().destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.toHandle().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
