package nl.regie.launcher.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import nl.regie.launcher.broker.EmbeddedBroker;

/**
 * A real MQTT 5 broker for the simulator's tests: the launcher's own embedded broker (HiveMQ CE, in this JVM) on a
 * free loopback port, with Regie's limits.
 */
final class TestBroker implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final int port;
    private EmbeddedBroker broker;

    private TestBroker(int port) {
        this.port = port;
    }

    /** Starts a broker on a free loopback port and returns once it listens. */
    static TestBroker start() throws Exception {
        TestBroker test = new TestBroker(freePort());
        test.launch();
        return test;
    }

    String url() {
        return broker.url();
    }

    /** Stops the broker (it forgets everything: it keeps sessions and retained messages in memory) and starts it again. */
    void restart() throws Exception {
        broker.close();
        launch();
    }

    @Override
    public void close() {
        broker.close();
    }

    private void launch() throws Exception {
        broker = new EmbeddedBroker(HOST, port);
        broker.start(START_TIMEOUT);
    }

    /** A loopback port that nothing listens on right now. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
