package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executable jar, {@code regie-simulator.jar}, as an operator runs it: on its own, against a broker of its own
 * (Mosquitto, see {@link TestBroker}) with no Regie anywhere, watched by a plain MQTT client. It announces every
 * device, publishes valid SenML, answers a command, logs in where the broker asks for it, stops cleanly on Ctrl-C
 * and SIGTERM, and says what is wrong, with the right exit status, when it cannot run.
 */
@Timeout(120)
class RegieSimulatorIT {

    private static final Duration SOON = Duration.ofSeconds(30);
    private static final int DEVICES = 12;

    @TempDir
    Path workingDir;

    @Test
    void runsOnItsOwnPublishesValidSenmlAnswersCommandsAndStopsCleanlyOnCtrlC() throws Exception {
        String prefix = "regie/v1/city-1/dev/";
        try (TestBroker broker = TestBroker.start(); Recorder recorder = new Recorder(broker.url(), prefix + "#");
                SimulatorProcess simulator = SimulatorProcess.start(workingDir, Map.of(), "--broker", broker.url(),
                        "--site", "city-1", "--devices", Integer.toString(DEVICES), "--speed", "600",
                        "--start", "2026-06-21T23:30")) {
            String ready = simulator.awaitStdout(line -> line.startsWith("Regie simulator ready"), SOON);
            assertTrue(ready.startsWith("Regie simulator ready: site city-1, MQTT " + broker.url() + ", simulator: 12 devices,"
                    + " time x600 ("), ready);

            Map<String, String> entities = awaitBirths(recorder, prefix);
            Instant start = Instant.parse("2026-06-21T21:30:00Z");
            for (Map.Entry<String, String> device : entities.entrySet()) {
                Recorder.Message tele = recorder.await(prefix + device.getKey() + "/tele", "telemetry", m -> true);
                Map<String, SenmlCheck.Resolved> records = SenmlCheck.check(tele.payload(), device.getValue());
                double observed = records.values().iterator().next().time();
                assertTrue(observed >= start.getEpochSecond() && observed < start.getEpochSecond() + 3600,
                        "dated by the simulated clock from --start: " + tele.payload());
            }

            String lamp = entities.keySet().stream().filter(id -> id.startsWith("lamp-")).findFirst().orElseThrow();
            recorder.publish(prefix + lamp + "/cmd/c-1", "{\"id\":\"c-1\",\"target\":\"" + entities.get(lamp)
                    + "\",\"action\":\"dim\",\"parameters\":{\"level\":0.5},\"deadline\":\"" + Instant.now().plusSeconds(3) + "\"}");
            Map<?, ?> ack = (Map<?, ?>) SenmlCheck.parse(recorder.await(prefix + lamp + "/ack/c-1", "an ack", m -> true).payload());
            // The simulator rejects 5% of commands and acknowledges 5% late, as real controllers do.
            assertTrue(Set.of("completed", "rejected").contains(ack.get("status")), ack.toString());

            assertEquals(0, simulator.signal("INT", SOON), simulator.transcript());
            assertEquals("Regie simulator stopped", simulator.stdout().get(simulator.stdout().size() - 1));
            assertTrue(simulator.stderr().isEmpty(), simulator.transcript());
            assertEveryDeviceOfflineAndRetained(broker, prefix, entities.keySet(), null, null);
        }
    }

    @Test
    void logsInWithAPasswordFromAFileOrTheEnvironmentAndStopsCleanlyOnSigterm() throws Exception {
        String password = "pass word \u00e9";
        Files.writeString(workingDir.resolve("password"), password + "\n");
        try (TestBroker broker = TestBroker.startWithLogin("sim", password)) {
            String prefix = "regie/v1/from-file/dev/";
            try (Recorder recorder = new Recorder(broker.url(), prefix + "#", "sim", password);
                    SimulatorProcess simulator = SimulatorProcess.start(workingDir, Map.of(), "--broker", broker.url(),
                            "--site", "from-file", "--devices", "3", "--username", "sim", "--password-file", "password")) {
                String ready = simulator.awaitStdout(line -> line.startsWith("Regie simulator ready"), SOON);
                assertTrue(ready.contains(", MQTT " + broker.url() + " as sim, "), ready);
                Map<String, String> entities = awaitBirths(recorder, prefix, 3);
                assertEquals(0, simulator.signal("TERM", SOON), simulator.transcript());
                assertEveryDeviceOfflineAndRetained(broker, prefix, entities.keySet(), "sim", password);
            }

            prefix = "regie/v1/from-environment/dev/";
            try (Recorder recorder = new Recorder(broker.url(), prefix + "#", "sim", password);
                    SimulatorProcess simulator = SimulatorProcess.start(workingDir,
                            Map.of("REGIE_SIMULATOR_PASSWORD", password), "--broker", broker.url(), "--site",
                            "from-environment", "--devices", "3", "--username", "sim")) {
                simulator.awaitStdout(line -> line.startsWith("Regie simulator ready"), SOON);
                Map<String, String> entities = awaitBirths(recorder, prefix, 3);
                for (Map.Entry<String, String> device : entities.entrySet()) {
                    SenmlCheck.check(recorder.await(prefix + device.getKey() + "/tele", "telemetry", m -> true).payload(),
                            device.getValue());
                }
                assertEquals(0, simulator.signal("TERM", SOON), simulator.transcript());
            }
        }
    }

    @Test
    void aLoginTheBrokerRefusesEndsWithStatusOneAndSaysSo() throws Exception {
        try (TestBroker broker = TestBroker.startWithLogin("sim", "right")) {
            try (SimulatorProcess simulator = SimulatorProcess.start(workingDir, Map.of("REGIE_SIMULATOR_PASSWORD", "wrong"),
                    "--broker", broker.url(), "--devices", "3", "--username", "sim")) {
                assertEquals(1, simulator.awaitExit(SOON), simulator.transcript());
                assertEquals(List.of("regie-simulator: cannot start: the MQTT broker at " + broker.url()
                        + " refused the connection of user sim: Not authorized. (reason code 0x87)"), simulator.stderr());
                assertTrue(simulator.stdout().isEmpty(), simulator.transcript());
            }
            try (SimulatorProcess simulator = SimulatorProcess.start(workingDir, Map.of(), "--broker", broker.url(),
                    "--devices", "3")) {
                assertEquals(1, simulator.awaitExit(SOON), simulator.transcript());
                assertTrue(simulator.stderr().get(0).startsWith("regie-simulator: cannot start: the MQTT broker at "
                        + broker.url() + " refused the connection without a login: "), simulator.transcript());
            }
        }
    }

    @Test
    void anUnreachableBrokerEndsWithStatusOne() throws Exception {
        String url = "tcp://127.0.0.1:" + TestBroker.freePort();
        try (SimulatorProcess simulator = SimulatorProcess.start(workingDir, Map.of(), "--broker", url, "--devices", "3")) {
            assertEquals(1, simulator.awaitExit(SOON), simulator.transcript());
            assertTrue(simulator.stderr().get(0).startsWith("regie-simulator: cannot start: cannot reach the MQTT broker at "
                    + url + ": "), simulator.transcript());
        }
    }

    @Test
    void aBadOptionEndsWithStatusTwoAMessageThatNamesItAndTheUsage() throws Exception {
        try (SimulatorProcess simulator = SimulatorProcess.start(workingDir, Map.of(), "--devices", "many")) {
            assertEquals(2, simulator.awaitExit(SOON), simulator.transcript());
            List<String> err = simulator.stderr();
            assertEquals("regie-simulator: --devices: 'many' is not a whole number", err.get(0));
            assertEquals("Usage: java -jar regie-simulator.jar [options]", err.get(1));
            assertTrue(simulator.stdout().isEmpty(), simulator.transcript());
        }
        try (SimulatorProcess simulator = SimulatorProcess.start(workingDir, Map.of(), "--password", "secret")) {
            assertEquals(2, simulator.awaitExit(SOON), simulator.transcript());
            assertTrue(simulator.stderr().get(0).startsWith("regie-simulator: --password is not taken on the command line"),
                    simulator.transcript());
        }
        try (SimulatorProcess simulator = SimulatorProcess.start(workingDir, Map.of(), "--help")) {
            assertEquals(0, simulator.awaitExit(SOON), simulator.transcript());
            assertEquals("Usage: java -jar regie-simulator.jar [options]", simulator.stdout().get(0));
            assertTrue(simulator.stderr().isEmpty(), simulator.transcript());
        }
    }

    /** Waits for the births of {@link #DEVICES} devices; returns each device's entity, by device id. */
    private static Map<String, String> awaitBirths(Recorder recorder, String prefix) throws InterruptedException {
        return awaitBirths(recorder, prefix, DEVICES);
    }

    private static Map<String, String> awaitBirths(Recorder recorder, String prefix, int devices) throws InterruptedException {
        Pattern state = Pattern.compile(Pattern.quote(prefix) + "([^/]+)/state");
        Map<String, String> entities = new ConcurrentHashMap<>();
        recorder.await(devices + " births", m -> {
            var topic = state.matcher(m.topic());
            if (topic.matches() && SenmlCheck.parse(m.payload()) instanceof Map<?, ?> birth
                    && Boolean.TRUE.equals(birth.get("online"))) {
                entities.put(topic.group(1), (String) ((List<?>) birth.get("entities")).get(0));
            }
            return entities.size() == devices;
        }, SOON);
        return new LinkedHashMap<>(entities);
    }

    /** A new subscriber finds every device's retained state offline. */
    private static void assertEveryDeviceOfflineAndRetained(TestBroker broker, String prefix, Set<String> ids,
            String username, String password) throws Exception {
        try (Recorder late = new Recorder(broker.url(), prefix + "+/state", username, password)) {
            for (String id : ids) {
                Recorder.Message state = late.await(prefix + id + "/state", "the retained offline state", m -> true);
                assertTrue(state.retained(), state.toString());
                assertEquals(Map.of("online", false), SenmlCheck.parse(state.payload()));
            }
        }
    }
}
