package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start with {@code -Dregie.startup.trace=true}: the timeline follows the ready line, and it shows the order the
 * launcher promises, with the embedded broker beside the framework (the default) and before it
 * ({@code regie.startup.broker.beside=false}): the broker listens before the runtime's devices bundle (its MQTT bridge)
 * starts, and when {@code Regie ready} is printed the broker answers and the bridge has subscribed, as without the
 * trace.
 */
class StartupTraceIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SOON = Duration.ofSeconds(30);

    @TempDir
    Path workingDir;

    private LauncherProcess regie;

    @AfterEach
    void stop() {
        if (regie != null) {
            regie.close();
        }
    }

    @Test
    void theTimelineShowsTheBrokerListeningBeforeTheBridgeStartsAndReadyKeepsItsPromise() throws Exception {
        startTraced(true);
    }

    @Test
    void withTheBrokerFirstItListensBeforeTheFrameworkStarts() throws Exception {
        startTraced(false);
    }

    private void startTraced(boolean beside) throws Exception {
        int mqttPort = freePort();
        regie = LauncherProcess.startWithJvmOptions(workingDir, List.of("-D" + StartupTrace.PROPERTY + "=true",
                "-D" + Launcher.BROKER_BESIDE + "=" + beside),
                "--http-port", Integer.toString(freePort()), "--mqtt-port", Integer.toString(mqttPort),
                "--simulator-devices", "12", "--plugins", workingDir.resolve("plugins").toString());

        String ready = regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        assertTrue(ready.contains("MQTT tcp://127.0.0.1:" + mqttPort + " (embedded), simulator: 12 devices"), ready);
        // The broker listens and checks logins the moment ready is printed: an anonymous client is refused by it.
        MqttException anonymous = assertThrows(MqttException.class,
                () -> MqttTraffic.connect("tcp://127.0.0.1:" + mqttPort, "it-observer", true, null));
        assertEquals(0x87, anonymous.getReasonCode(), "not authorized, by the broker");

        regie.awaitStdout(line -> line.contains("startup: ") && line.contains("launcher: simulator started"), SOON);
        List<String> timeline = regie.stdout().stream().filter(line -> line.contains("[launcher] startup: ")).toList();
        int brokerListening = index(timeline, "launcher: MQTT broker listening");
        int bridgeBundle = index(timeline, "bundle nl.regie.runtime.devices started");
        int coreBundle = index(timeline, "bundle nl.regie.runtime.core started");
        assertTrue(brokerListening < bridgeBundle, "the devices bundle starts once the broker listens\n" + timeline);
        assertTrue(index(timeline, "launcher: MQTT broker starting") < coreBundle,
                "the broker starts before the framework's bundles\n" + timeline);
        if (!beside) {
            assertTrue(brokerListening < coreBundle, "with beside=false the bundles start once the broker listens\n" + timeline);
        }
        assertTrue(index(timeline, "launcher: the runtime's MQTT bridge subscribed")
                < index(timeline, "launcher: simulator started"), timeline.toString());
        assertTrue(timeline.stream().anyMatch(line -> line.matches(".*\\[cpu +\\d+ ms\\] launcher: .*")),
                "the launcher's phases carry the process's CPU time\n" + timeline);
        assertTrue(timeline.stream().anyMatch(line -> line.contains(
                "component nl.regie.runtime.devices.mqtt.MqttBridgeComponent registered its service")), timeline.toString());

        assertEquals(0, regie.terminate(SOON), regie.transcript());
    }

    @Test
    void withoutThePropertyNoTimelineIsPrinted() throws Exception {
        regie = LauncherProcess.start(workingDir, "--http-port", Integer.toString(freePort()), "--mqtt-port",
                Integer.toString(freePort()), "--no-simulator", "--plugins", workingDir.resolve("plugins").toString());
        regie.awaitStdout(line -> line.startsWith("Regie ready"), START);
        assertEquals(0, regie.terminate(SOON), regie.transcript());
        assertTrue(regie.stdout().stream().noneMatch(line -> line.contains("startup: ")), regie.transcript());
    }

    private static int index(List<String> timeline, String what) {
        for (int i = 0; i < timeline.size(); i++) {
            if (timeline.get(i).contains(what)) {
                return i;
            }
        }
        throw new AssertionError("no '" + what + "' in the timeline\n" + String.join("\n", timeline));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
