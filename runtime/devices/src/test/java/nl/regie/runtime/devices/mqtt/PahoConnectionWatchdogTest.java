package nl.regie.runtime.devices.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import nl.regie.runtime.testing.Mosquitto;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A broker that accepts the socket and never answers the CONNECT (as Mosquitto did once while it restarted): the
 * bridge gives that attempt up after {@link PahoConnection#WATCHDOG_SECONDS} and tries again, rather than waiting for
 * ever, which Paho 1.2.5 would (its connection timeout covers the socket only).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PahoConnectionWatchdogTest {

    @Test
    void anAttemptThatIsNeverAnsweredIsGivenUpAndTriedAgain() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        RecordingLogger log = new RecordingLogger();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // read nothing, answer nothing
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            }, "silent-broker");
            acceptor.setDaemon(true);
            acceptor.start();
            PahoConnection connection = new PahoConnection(ConnectionSettings.of("tcp://127.0.0.1:"
                    + silent.getLocalPort(), "regie-watchdog").withReconnectMaxSeconds(1), List.of("regie/#"),
                    (topic, payload) -> { }, scheduler, log.logger());
            connection.start();
            await().atMost(Duration.ofSeconds(PahoConnection.WATCHDOG_SECONDS + 15)).until(() -> accepted.size() >= 2);
            assertFalse(connection.isConnected());
            assertTrue(log.messages("warn").stream().anyMatch(m -> m.contains("did not answer the bridge's connection"
                    + " attempt within " + PahoConnection.WATCHDOG_SECONDS + " s; trying again")), log.entries()::toString);
            connection.close();
        } finally {
            scheduler.shutdownNow();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }
}
