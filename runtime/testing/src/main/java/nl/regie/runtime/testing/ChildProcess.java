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
 * A command as a child process, its stdout and stderr collected line by line: the distribution's start script, the
 * image's entrypoint (chrooted), for their tests.
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
        Process process = builder.start();
        process.getOutputStream().close();
        return new ChildProcess(process);
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

    /** Waits for a line on stdout that matches, and returns it; fails with the transcript when none comes in time. */
    public String awaitStdout(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long exitedAt = 0;
        while (true) {
            for (String line : out) {
                if (match.test(line)) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                fail("no such line on stdout within " + timeout.toSeconds() + " s\n" + transcript());
            }
            if (!process.isAlive()) {
                if (exitedAt == 0) {
                    exitedAt = System.nanoTime();
                } else if (System.nanoTime() - exitedAt > TimeUnit.MILLISECONDS.toNanos(500)) {
                    fail("exited with " + process.exitValue() + " before printing such a line\n" + transcript());
                }
            }
            Thread.sleep(50);
        }
    }

    /** Sends SIGTERM, as a service manager does, and returns the exit status. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.toHandle().destroy();
        return awaitExit(timeout);
    }

    /** Waits for the process to end and for its last lines, and returns the exit status. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("did not exit within " + timeout.toSeconds() + " s\n" + transcript());
        }
        for (Thread reader : readers) {
            reader.join(5_000);
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

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
