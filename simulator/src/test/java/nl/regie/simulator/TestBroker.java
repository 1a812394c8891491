package nl.regie.simulator;

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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real MQTT 5 broker for the simulator's tests: Debian's Mosquitto as a child process on a free loopback port,
 * in memory (a restart forgets sessions and retained messages), with its queue and in-flight limits raised (its
 * default of 1,000 queued messages drops QoS 1 messages in a burst), Nagle and topic aliases off (see
 * {@link #config}) and, unless told otherwise, anonymous access.
 *
 * <p>When Mosquitto is not installed the test is skipped, unless the environment variable {@code CI} is
 * {@code true}: then it fails, so CI never passes by skipping.
 */
final class TestBroker implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/mosquitto");
    static final Path PASSWD = Path.of("/usr/bin/mosquitto_passwd");

    private final Path dir;
    private final int port;
    private Process process;

    private TestBroker(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a broker that anyone may connect to, and returns once it listens. */
    static TestBroker start() throws IOException, InterruptedException {
        return start(List.of("allow_anonymous true"));
    }

    /**
     * Starts a broker that takes only the user {@code username} with {@code password}, and returns once it
     * listens.
     */
    static TestBroker startWithLogin(String username, String password) throws IOException, InterruptedException {
        assumeInstalled(PASSWD);
        Path dir = Files.createTempDirectory("regie-simulator-mosquitto");
        Path passwords = dir.resolve("passwords");
        Process passwd = new ProcessBuilder(PASSWD.toString(), "-c", "-b", passwords.toString(), username, password)
                .redirectErrorStream(true).redirectOutput(dir.resolve("passwd.log").toFile()).start();
        if (!passwd.waitFor(10, TimeUnit.SECONDS) || passwd.exitValue() != 0) {
            throw new IllegalStateException("mosquitto_passwd failed: " + Files.readString(dir.resolve("passwd.log")));
        }
        return start(dir, List.of("allow_anonymous false", "password_file " + passwords));
    }

    private static TestBroker start(List<String> access) throws IOException, InterruptedException {
        return start(Files.createTempDirectory("regie-simulator-mosquitto"), access);
    }

    private static TestBroker start(Path dir, List<String> access) throws IOException, InterruptedException {
        assumeInstalled(BINARY);
        TestBroker broker = new TestBroker(dir, freePort());
        Files.writeString(dir.resolve("mosquitto.conf"), broker.config(access), StandardCharsets.UTF_8);
        broker.launch();
        return broker;
    }

    /** Skips the test (or fails it on CI) when a Mosquitto program is missing. */
    static void assumeInstalled(Path binary) {
        if (Files.isExecutable(binary)) {
            return;
        }
        String message = binary + " is missing: install Debian's mosquitto package to run this test";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI=true: not skipping)");
        }
        assumeTrue(false, message);
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Stops the broker, which forgets everything (it keeps sessions and retained messages in memory), and starts it again. */
    void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | UncheckedIOException e) {
            // A temporary folder: the system cleans it up eventually.
        }
    }

    /** A loopback port that nothing listens on right now. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private String config(List<String> access) {
        List<String> lines = new ArrayList<>();
        lines.add("listener " + port + " 127.0.0.1");
        lines.addAll(access);
        lines.addAll(List.of(
                // Started as root, Mosquitto would switch to the user 'mosquitto', who may not read our folder.
                "user " + System.getProperty("user.name"),
                // Paho v5 (1.2.5) resends a publish after a reconnect with its topic alias but without its topic, a
                // protocol error for which Mosquitto drops the connection again and again.
                "max_topic_alias 0",
                "persistence false",
                "max_queued_messages 1000000",
                "max_inflight_messages 1000",
                "set_tcp_nodelay true",
                "log_dest file " + dir.resolve("mosquitto.log"),
                "log_type error",
                "log_type warning",
                ""));
        return String.join("\n", lines);
    }

    private void launch() throws IOException, InterruptedException {
        process = new ProcessBuilder(BINARY.toString(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
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

    private void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private String logs() {
        StringBuilder text = new StringBuilder();
        for (Path file : List.of(dir.resolve("mosquitto.log"), dir.resolve("stdout.log"))) {
            try {
                if (Files.exists(file)) {
                    text.append(Files.readString(file, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                text.append("(").append(file).append(" unreadable: ").append(e.getMessage()).append(")");
            }
        }
        return text.toString();
    }
}
