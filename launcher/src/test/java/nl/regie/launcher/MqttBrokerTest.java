package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external broker ({@code --broker}) as the launcher sees it: probed in the background, on a thread of the
 * launcher's own that says what it is for (not a pool's), whether the broker is there or not.
 */
@Timeout(30)
class MqttBrokerTest {

    @TempDir
    Path workingDir;

    private final ConsoleLog console = new ConsoleLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);

    @Test
    void aReachableExternalBrokerIsProbedOnANamedDaemonThread() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = "tcp://127.0.0.1:" + listener.getLocalPort();
            try (MqttBroker broker = MqttBroker.start(options(url), console)) {
                Thread prober = broker.prober().orElseThrow();
                assertEquals("regie-broker-start", prober.getName());
                assertTrue(prober.isDaemon(), "never keeps the JVM alive");
                assertEquals(Optional.empty(), broker.unreachable());
                assertEquals(url + " (external)", broker.describe());
                prober.join(5_000);
                assertFalse(prober.isAlive(), "it ends with the probe");
                assertTrue(broker.embedded().isEmpty());
            }
        }
    }

    @Test
    void anUnreachableExternalBrokerIsReportedWithTheReason() throws Exception {
        String url = "tcp://127.0.0.1:" + freePort();
        try (MqttBroker broker = MqttBroker.start(options(url), console)) {
            assertEquals("regie-broker-start", broker.prober().orElseThrow().getName());
            String reason = broker.unreachable().orElseThrow();
            assertTrue(reason.toLowerCase().contains("refused"), reason);
            assertEquals(url + " (external, not reachable yet)", broker.describe());
        }
    }

    @Test
    @Timeout(150)
    void theEmbeddedBrokerStartsOnItsOwnThreadWhileTheCallerGoesOn() throws Exception {
        int port = freePort();
        LauncherOptions options = LauncherOptions.parse(List.of("--mqtt-port", Integer.toString(port), "--no-simulator",
                "--state-dir", workingDir.resolve("state").toString()), workingDir);
        try (MqttBroker broker = MqttBroker.begin(options, console)) {
            assertTrue(broker.logins().isPresent(), "its logins are known before it listens: the framework needs them");
            broker.awaitStarted();
            assertTrue(broker.embedded().orElseThrow().url().endsWith(":" + port));
            try (ServerSocket again = new ServerSocket()) {
                assertThrows(IOException.class, () -> again.bind(new java.net.InetSocketAddress("127.0.0.1", port)),
                        "it listens once awaitStarted returns");
            }
            broker.awaitStarted();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getName().equals(MqttBroker.START_THREAD)) {
                    thread.join(5_000);
                    assertFalse(thread.isAlive(), "the start thread ends once the broker listens");
                }
            }
        }
    }

    @Test
    void aTakenPortStopsTheEmbeddedBrokerBeforeAnyThreadStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            LauncherOptions options = LauncherOptions.parse(List.of("--mqtt-port", Integer.toString(taken.getLocalPort()),
                    "--no-simulator", "--state-dir", workingDir.resolve("state").toString()), workingDir);
            StartupException e = assertThrows(StartupException.class, () -> MqttBroker.begin(options, console));
            assertTrue(e.getMessage().startsWith("MQTT port " + taken.getLocalPort() + " on 127.0.0.1 is not available"),
                    e.getMessage());
        }
    }

    private LauncherOptions options(String brokerUrl) throws LauncherOptions.UsageException {
        return LauncherOptions.parse(List.of("--broker", brokerUrl, "--no-simulator"), workingDir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
