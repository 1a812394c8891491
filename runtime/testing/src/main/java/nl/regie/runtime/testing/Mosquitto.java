package nl.regie.runtime.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Mosquitto as a child process, for tests: a generated configuration on a free loopback port, with
 * persistence in a temporary folder, the queue and in-flight limits raised (the default of 1,000 queued messages
 * silently drops QoS 1 messages in a burst), Nagle off and anonymous access. Shared by the device bridge's and the
 * federation's tests.
 *
 * <p>When Mosquitto is not installed the test is skipped, unless the environment variable {@code CI} is
 * {@code true}: then it fails, so CI never passes by skipping.
 */
public final class Mosquitto implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/mosquitto");
    public static final Path PUB = Path.of("/usr/bin/mosquitto_pub");
    public static final Path SUB = Path.of("/usr/bin/mosquitto_sub");

    private final Path dir;
    private final int port;
    private final Path log;
    private final List<String> listenerOptions;
    private final String ownConfig;
    private Process process;

    private Mosquitto(Path dir, int port, List<String> listenerOptions, String ownConfig) {
        this.dir = dir;
        this.port = port;
        this.log = dir.resolve("mosquitto.log");
        this.listenerOptions = List.copyOf(listenerOptions);
        this.ownConfig = ownConfig;
    }

    /**
     * Prepares a broker with a whole configuration of its own (listeners, security, limits), which listens on
     * {@code port} among others; the test adds only the user to run as and where to log.
     */
    public static Mosquitto configured(Path parent, int port, String config) throws IOException {
        assumeInstalled(BINARY);
        Path dir = Files.createTempDirectory(parent, "mosquitto");
        Mosquitto broker = new Mosquitto(dir, port, List.of(), config);
        broker.writeConfig();
        return broker;
    }

    /** Skips the test (or fails it on CI) when the Mosquitto broker or its clients are missing. */
    public static void assumeInstalled(Path... binaries) {
        List<Path> missing = new ArrayList<>();
        for (Path binary : binaries) {
            if (!Files.isExecutable(binary)) {
                missing.add(binary);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "Mosquitto is not installed (missing " + missing
                + "); install Debian's mosquitto and mosquitto-clients packages to run this test";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI=true: not skipping)");
        }
        assumeTrue(false, message);
    }

    /** Starts a broker on a free loopback port with persistence in a new folder under {@code parent}. */
    public static Mosquitto start(Path parent) throws IOException, InterruptedException {
        Mosquitto broker = prepare(parent);
        broker.launch();
        return broker;
    }

    /** Prepares a broker (port, folder, configuration) without starting it; {@link #launch()} starts it. */
    public static Mosquitto prepare(Path parent) throws IOException {
        return prepare(parent, List.of("allow_anonymous true"));
    }

    /**
     * Prepares a broker whose listener has the given options (TLS files, password file, {@code allow_anonymous}),
     * without starting it.
     */
    public static Mosquitto prepare(Path parent, List<String> listenerOptions) throws IOException {
        assumeInstalled(BINARY);
        Path dir = Files.createTempDirectory(parent, "mosquitto");
        Mosquitto broker = new Mosquitto(dir, freePort(), listenerOptions, null);
        broker.writeConfig();
        return broker;
    }

    /** The broker's folder, for files its configuration names. */
    public Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    private void writeConfig() throws IOException {
        if (ownConfig != null) {
            Files.writeString(dir.resolve("mosquitto.conf"), ownConfig + "\nuser " + System.getProperty("user.name")
                    + "\nlog_dest file " + log + "\nlog_type all\n", StandardCharsets.UTF_8);
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add("listener " + port + " 127.0.0.1");
        lines.addAll(listenerOptions);
        String config = String.join("\n", lines) + "\n" + String.join("\n",
                // Started as root, Mosquitto would switch to the user 'mosquitto', who may not write our folder.
                "user " + System.getProperty("user.name"),
                // Paho v5 (1.2.5) publishers replace the topic of a repeated topic with an alias when the broker
                // allows aliases, also in the copy they keep to resend; after a reconnect they resend it without
                // topic and with an alias the new connection does not know, and Mosquitto drops them for a protocol
                // error, again and again. No aliases, then.
                "max_topic_alias 0",
                "persistence true",
                "persistence_location " + dir + "/",
                "autosave_interval 1",
                "max_queued_messages 1000000",
                "max_inflight_messages 1000",
                "set_tcp_nodelay true",
                "log_dest file " + log,
                "log_type error",
                "log_type warning",
                "log_type notice",
                "log_type information",
                "log_type " + (Boolean.getBoolean("mosquitto.debug") ? "all" : "notice"),
                "");
        Files.writeString(dir.resolve("mosquitto.conf"), config, StandardCharsets.UTF_8);
    }

    /** Starts the broker process and waits until it accepts connections. */
    public void launch() throws IOException, InterruptedException {
        process = new ProcessBuilder(BINARY.toString(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!accepts()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with " + process.exitValue() + ": " + logs());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("mosquitto did not listen on port " + port + " within 10 s: " + logs());
            }
            Thread.sleep(20);
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the broker gracefully (SIGTERM: it saves its persistence file) and waits for it to exit. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Sends the broker SIGHUP, as an operator does after changing its password file or ACL: it reads them again and
     * disconnects the clients whose credentials no longer hold.
     */
    public void reload() throws Exception {
        Process kill = new ProcessBuilder("/bin/kill", "-HUP", Long.toString(process.pid())).redirectErrorStream(true)
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            kill.destroyForcibly();
            throw new AssertionError("kill -HUP " + process.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Starts the broker again on the same port with the same persistence. */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    /** What the broker logged, for a failing test's message. */
    public String logs() {
        try {
            StringBuilder text = new StringBuilder();
            for (Path file : List.of(log, dir.resolve("stdout.log"))) {
                if (Files.exists(file)) {
                    text.append(Files.readString(file, StandardCharsets.UTF_8));
                }
            }
            return text.toString();
        } catch (IOException e) {
            return "(logs unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
