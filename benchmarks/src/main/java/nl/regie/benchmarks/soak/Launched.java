package nl.regie.benchmarks.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Regie as a child process ({@code bin/regie [options]} of the built distribution), its output kept
 * line by line so the soak can wait for {@code Regie ready} and show the last lines when something goes wrong.
 */
public final class Launched implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private Launched(Process process) {
        this.process = process;
        collect(process.getInputStream(), "stdout");
        collect(process.getErrorStream(), "stderr");
    }

    /** Starts the launcher jar with these JVM options and launcher options; its stdin closed, as under a service manager. */
    public static Launched start(String jar, List<String> jvmOptions, List<String> options) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar));
        command.addAll(options);
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        return new Launched(process);
    }

    /**
     * Starts Regie as the README says, with the distribution's {@code bin/regie} (its {@code config/jvm.options}),
     * {@code extraJvmOptions} added after those, and these launcher options; its stdin closed, as under a service
     * manager. No class-data sharing archive is written into the distribution. The script execs java, so the process
     * is the JVM's.
     */
    static Launched start(Path regieHome, List<String> extraJvmOptions, List<String> options) throws IOException {
        Path script = regieHome.resolve("bin").resolve("regie");
        if (!Files.isRegularFile(script)) {
            throw new IOException("no " + script + ": build the distribution first (mvn install)");
        }
        List<String> command = new ArrayList<>(List.of("sh", script.toString()));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("REGIE_CDS_ARCHIVE", "");
        builder.environment().put("REGIE_JAVA_OPTS", String.join(" ", extraJvmOptions));
        builder.environment().remove("REGIE_JVM_OPTIONS");
        // The JVM this soak runs on, so that the script does not pick another from the PATH.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        process.getOutputStream().close();
        return new Launched(process);
    }

    public long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for the line beginning {@code Regie ready}; fails if the process ends or the deadline passes first. */
    public String awaitReady(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                if (line.startsWith("Regie ready")) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the launcher ended with " + process.exitValue() + " before it was ready:\n"
                        + tail(40));
            }
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("the launcher was not ready within " + timeoutMillis + " ms:\n" + tail(40));
    }

    /** Output lines that contain {@code text}. */
    public List<String> linesWith(String text) {
        return lines.stream().filter(l -> l.contains(text)).toList();
    }

    /** The last {@code n} lines of output. */
    public String tail(int n) {
        List<String> copy = List.copyOf(lines);
        return String.join("\n", copy.subList(Math.max(0, copy.size() - n), copy.size()));
    }

    /** Stops it as Ctrl-C or a service manager does (SIGTERM), then forcibly after 30 s; returns the exit status. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    int exitValue() {
        return process.exitValue();
    }

    private void collect(InputStream stream, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    if (lines.size() > 20_000) {
                        lines.subList(0, 10_000).clear();
                    }
                }
            } catch (IOException e) {
                lines.add("(" + name + " closed: " + e.getMessage() + ")");
            }
        }, "soak-launcher-" + name);
        reader.setDaemon(true);
        reader.start();
    }
}
