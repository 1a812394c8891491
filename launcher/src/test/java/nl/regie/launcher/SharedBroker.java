package nl.regie.launcher;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Mosquitto as the broker that sites (federation) or a core and its edges share, for the launcher's ITs: on a
 * loopback port chosen free, with the password file and ACL Regie generated, persistence and logs in the test's folder,
 * the queue and in-flight limits raised and topic aliases off. A test stops it and starts it again (same port, same
 * persistence) to cut a link.
 */
final class SharedBroker implements AutoCloseable {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    private final Path dir;
    private final Path access;
    private final int port;
    private Process process;

    /**
     * A broker, not started yet, that keeps its configuration, persistence and logs in {@code dir} and reads the
     * {@code passwd} and {@code acl} files in {@code access}.
     */
    SharedBroker(Path dir, Path access) throws IOException {
        this.dir = dir;
        this.access = access;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            this.port = socket.getLocalPort();
        }
    }

    /** Skips the test when Mosquitto is not installed, except on CI ({@code CI=true}), where the test then fails. */
    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(MOSQUITTO) || "true".equalsIgnoreCase(System.getenv("CI")),
                "Debian's mosquitto is not installed");
    }

    int port() {
        return port;
    }

    /** Where the sites connect: {@code tcp://127.0.0.1:port}. */
    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts the broker and waits until it accepts connections (10 s at most). */
    void start() throws Exception {
        Path config = dir.resolve("mosquitto.conf");
        Files.writeString(config, String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous false",
                "password_file " + access.resolve("passwd"),
                "acl_file " + access.resolve("acl"),
                "user " + System.getProperty("user.name"),
                "persistence true",
                "persistence_location " + dir + "/",
                "max_queued_messages 1000000",
                "max_inflight_messages 1000",
                "max_topic_alias 0",
                "set_tcp_nodelay true",
                "log_dest file " + dir.resolve("mosquitto.log"),
                ""), StandardCharsets.UTF_8);
        process = new ProcessBuilder(MOSQUITTO.toString(), "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.out").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!accepts()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("mosquitto did not start: " + Files.readString(dir.resolve("mosquitto.out")));
            }
            Thread.sleep(20);
        }
    }

    /** Stops the broker gracefully (it saves its persistence), forcibly after 10 s. */
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
