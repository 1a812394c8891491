package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The simulator against a real MQTT 5 broker (Mosquitto, see {@link TestBroker}), watched by a plain Paho client:
 * births, telemetry, commands and their acknowledgements, wills, shared connections, a broker restart and a clean
 * stop. The tests share one broker, each on a site of its own.
 */
@Timeout(120)
class CitySimulatorBrokerTest {

    private static final AtomicInteger SITES = new AtomicInteger();
    /** Midnight in Amsterdam at midsummer: the lamps are on, and the night lasts five simulated hours. */
    private static final Instant MIDNIGHT = Instant.parse("2026-06-21T22:00:00Z");

    private static TestBroker shared;

    private TestBroker broker;
    private String site;
    private String prefix;
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        shared = TestBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (shared != null) {
            shared.close();
        }
    }

    @BeforeEach
    void newSite() {
        broker = shared;
        site = "test" + SITES.incrementAndGet();
        prefix = "regie/v1/" + site + "/dev/";
    }

    private static SimulatorSettings settings(int devices) {
        // x600: a pack every 0.5 s of wall time; the night lasts 30 s of it.
        return SimulatorSettings.defaults().withDevices(devices).withSpeed(600).withAckShares(0, 0).withSeed(7)
                .withClockStart(MIDNIGHT);
    }

    @Test
    void devicesAnnounceThemselvesReportAndAnswerCommands() throws Exception {
        try (Recorder recorder = new Recorder(broker.url(), prefix + "#");
                CitySimulator simulator = new CitySimulator(settings(8), warnings::add)) {
            simulator.start(broker.url(), site);
            assertEquals(8, simulator.links().size(), "a connection per device");
            assertTrue(simulator.summary().startsWith("simulator: 8 devices, time x600 ("), simulator.summary());

            for (SimDevice device : simulator.devices()) {
                Recorder.Message birth = recorder.await(prefix + device.id() + "/state", "a birth", m -> m.payload().contains("true"));
                Map<?, ?> state = assertInstanceOf(Map.class, SenmlCheck.parse(birth.payload()));
                assertEquals(true, state.get("online"));
                assertEquals(device.type(), state.get("type"));
                assertEquals(List.of(device.entity()), state.get("entities"));
                assertEquals(List.of(round6(device.lon()), round6(device.lat())), state.get("location"));
                assertEquals(0.5, state.get("interval"));

                Recorder.Message tele = recorder.await(prefix + device.id() + "/tele", "telemetry", m -> true);
                var records = SenmlCheck.check(tele.payload(), device.entity());
                double observed = records.values().iterator().next().time();
                assertTrue(observed >= MIDNIGHT.getEpochSecond() && observed < MIDNIGHT.getEpochSecond() + 3 * 3600,
                        "simulated observation time " + observed);
            }

            Streetlight lamp = (Streetlight) device(simulator, "lamp-001");
            long sent = System.currentTimeMillis();
            recorder.publish(prefix + "lamp-001/cmd/c-1", command("c-1", lamp.entity(), "dim", "{\"level\":0.3}", 30));
            Recorder.Message ack = recorder.await(prefix + "lamp-001/ack/c-1", "an ack", m -> true);
            assertEquals(Map.of("status", "completed"), SenmlCheck.parse(ack.payload()));
            assertTrue(ack.arrivedMillis() - sent < 5_000, "answered at once, not at the deadline");
            recorder.await(prefix + "lamp-001/tele", "the dimmed level", m -> m.arrivedMillis() >= ack.arrivedMillis()
                    && SenmlCheck.check(m.payload(), lamp.entity()).get("illuminanceLevel").value().equals(0.3));

            StreetlightGroup group = (StreetlightGroup) device(simulator, "lampgroup-01");
            recorder.publish(prefix + "lampgroup-01/cmd/c-2", command("c-2", group.entity(), "dim", "{\"level\":0.5}", 30));
            Recorder.Message groupAck = recorder.await(prefix + "lampgroup-01/ack/c-2", "an ack", m -> true);
            assertEquals(Map.of("status", "completed"), SenmlCheck.parse(groupAck.payload()));
            for (Streetlight member : group.members()) {
                recorder.await(prefix + member.id() + "/tele", "the group's level", m -> m.arrivedMillis() >= groupAck.arrivedMillis()
                        && SenmlCheck.check(m.payload(), member.entity()).get("illuminanceLevel").value().equals(0.5));
            }

            assertRejected(recorder, "lamp-001", "c-3", command("c-3", lamp.entity(), "blink", "{}", 30), "blink");
            assertRejected(recorder, "lamp-001", "c-4", command("c-4", "urn:ngsi-ld:Streetlight:lamp-002", "dim",
                    "{\"level\":0.1}", 30), "not served by device lamp-001");
            assertRejected(recorder, "lamp-001", "c-5", "{\"id\": \"c-5\", \"target\": ", "malformed command");
            assertRejected(recorder, "lamp-001", "c-6", command("c-6", lamp.entity(), "dim", "{\"level\":0.2}", -5),
                    "has passed");
            assertRejected(recorder, "bin-001", "c-7", command("c-7", "urn:ngsi-ld:WasteContainer:bin-001", "dim",
                    "{\"level\":0.2}", 30), "takes no commands");
        }
        assertOfflineAndRetained(List.of("bin-001", "bin-002", "lamp-001", "lamp-002", "lampgroup-01", "crowd-001",
                "traffic-001", "gauge-01"));
        assertNoThreadsLeft();
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void connectedTheDevicesTakeCommandsButSayNothingUntilTheyRun() throws Exception {
        assertEquals("the simulator is not connected",
                assertThrows(IllegalStateException.class, () -> new CitySimulator(settings(2), warnings::add).run()).getMessage());
        try (Recorder recorder = new Recorder(broker.url(), prefix + "#");
                CitySimulator simulator = new CitySimulator(settings(8), warnings::add)) {
            simulator.connect(broker.url(), site, null);

            // Connected and subscribed: a command is answered. No birth and no pack came before that answer.
            recorder.publish(prefix + "lamp-001/cmd/c-1", "{\"id\": \"c-1\", \"target\": ");
            recorder.await(prefix + "lamp-001/ack/c-1", "an ack", m -> true);
            assertEquals(List.of(), said(recorder));

            simulator.run();
            for (SimDevice device : simulator.devices()) {
                recorder.await(prefix + device.id() + "/state", "a birth", m -> m.payload().contains("true"));
                recorder.await(prefix + device.id() + "/tele", "telemetry", m -> true);
            }
            assertEquals("the simulator is running already", assertThrows(IllegalStateException.class, simulator::run).getMessage());
        }
        assertNoThreadsLeft();

        // Connected and closed without running: it disconnects, and no device says anything, offline included.
        try (Recorder recorder = new Recorder(broker.url(), prefix + "#")) {
            CitySimulator simulator = new CitySimulator(settings(8), warnings::add);
            simulator.connect(broker.url(), site, null);
            simulator.close();
            assertNoThreadsLeft();
            recorder.publish(prefix + "probe/after", "{}");
            recorder.await(prefix + "probe/after", "the probe", m -> true);
            assertEquals(List.of(), said(recorder));
            assertEquals("the simulator has been closed", assertThrows(IllegalStateException.class, simulator::run).getMessage());
        }
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    /** The live (not retained) births, states and packs a recorder has seen. */
    private static List<String> said(Recorder recorder) {
        return recorder.messages().stream().filter(m -> !m.retained())
                .map(Recorder.Message::topic).filter(t -> t.endsWith("/state") || t.endsWith("/tele")).toList();
    }

    @Test
    void manyDevicesShareAFewConnections() throws Exception {
        // 450 devices would take 3 shared connections, one per 200 devices; at most 2 are allowed.
        SimulatorSettings settings = settings(450).withConnections(0, 2);
        List<String> ids;
        try (Recorder recorder = new Recorder(broker.url(), prefix + "#");
                CitySimulator simulator = new CitySimulator(settings, warnings::add)) {
            simulator.start(broker.url(), site);
            assertEquals(2, simulator.links().size());
            assertTrue(simulator.summary().endsWith("; 2 MQTT connections)"), simulator.summary());
            ids = simulator.devices().stream().map(SimDevice::id).toList();
            for (String id : ids) {
                recorder.await(prefix + id + "/state", "a birth", m -> m.payload().contains("true"));
                recorder.await(prefix + id + "/tele", "telemetry", m -> true);
            }
            for (MqttLink link : simulator.links()) {
                // Commands reach each device, whichever connection it shares.
                StreetlightGroup group = (StreetlightGroup) device(simulator, "lampgroup-01");
                Streetlight lamp = link.devices().stream().filter(d -> d instanceof Streetlight).map(Streetlight.class::cast)
                        .findFirst().orElse(group.members().get(0));
                String id = "s-" + link.clientId();
                recorder.publish(prefix + lamp.id() + "/cmd/" + id, command(id, lamp.entity(), "switch", "{\"on\":false}", 30));
                assertEquals(Map.of("status", "completed"),
                        SenmlCheck.parse(recorder.await(prefix + lamp.id() + "/ack/" + id, "an ack", m -> true).payload()));
            }
            // Each command was delivered once: to the connection of its device only.
            assertEquals(2, simulator.commands());
        }
        assertOfflineAndRetained(ids);
        assertNoThreadsLeft();
    }

    @Test
    void aShareOfCommandsIsAcknowledgedAfterItsDeadline() throws Exception {
        try (Recorder recorder = new Recorder(broker.url(), prefix + "+/ack/#");
                CitySimulator simulator = new CitySimulator(settings(8).withAckShares(0, 1), warnings::add)) {
            simulator.start(broker.url(), site);
            Instant deadline = Instant.now().plusSeconds(1);
            recorder.publish(prefix + "lamp-002/cmd/late-1", command("late-1", "urn:ngsi-ld:Streetlight:lamp-002", "dim",
                    "{\"level\":0.6}", deadline));
            Recorder.Message ack = recorder.await(prefix + "lamp-002/ack/late-1", "a late ack", m -> true);
            assertEquals(Map.of("status", "completed"), SenmlCheck.parse(ack.payload()));
            assertTrue(ack.arrivedMillis() > deadline.toEpochMilli(), "after the deadline");
            assertEquals(0.6, ((Streetlight) device(simulator, "lamp-002")).illuminanceLevel(), "carried out on time");
        }
    }

    @Test
    void aShareOfCommandsIsRejectedWithAReason() throws Exception {
        try (Recorder recorder = new Recorder(broker.url(), prefix + "+/ack/#");
                CitySimulator simulator = new CitySimulator(settings(8).withAckShares(1, 0), warnings::add)) {
            simulator.start(broker.url(), site);
            recorder.publish(prefix + "lamp-002/cmd/r-1", command("r-1", "urn:ngsi-ld:Streetlight:lamp-002", "dim",
                    "{\"level\":0.6}", 30));
            Map<?, ?> ack = (Map<?, ?>) SenmlCheck.parse(recorder.await(prefix + "lamp-002/ack/r-1", "an ack", m -> true).payload());
            assertEquals("rejected", ack.get("status"));
            assertTrue(((String) ack.get("reason")).length() > 10, ack.toString());
            assertEquals(1.0, ((Streetlight) device(simulator, "lamp-002")).illuminanceLevel(), "not carried out");
        }
    }

    @Test
    void theBrokerPublishesTheWillOfADeviceThatDisappears() throws Exception {
        try (Recorder recorder = new Recorder(broker.url(), prefix + "bin-001/state");
                CitySimulator simulator = new CitySimulator(settings(1), warnings::add)) {
            simulator.start(broker.url(), site);
            recorder.await(prefix + "bin-001/state", "a birth", m -> m.payload().contains("true"));
            simulator.links().get(0).close(); // The connection drops without a DISCONNECT, as in a crash.
            recorder.await(prefix + "bin-001/state", "the will", m -> m.payload().equals("{\"online\":false}"));
        }
    }

    @Test
    void afterABrokerRestartTheDevicesReconnectAndAnnounceThemselvesAgain() throws Exception {
        broker = TestBroker.start();
        try (TestBroker own = broker; CitySimulator simulator = new CitySimulator(settings(6), warnings::add)) {
            simulator.start(broker.url(), site);
            own.restart(); // It keeps nothing over a restart: the retained births are gone.
            try (Recorder recorder = new Recorder(broker.url(), prefix + "#")) {
                // The links retry after about 1, 2, 4, 8, then every 10 seconds.
                for (SimDevice device : simulator.devices()) {
                    recorder.await("a birth again from " + device.id(), m -> m.topic().equals(prefix + device.id() + "/state")
                            && m.payload().contains("true"), Duration.ofSeconds(30));
                    recorder.await(prefix + device.id() + "/tele", "telemetry again", m -> true);
                }
            }
            assertTrue(warnings.stream().anyMatch(w -> w.contains("lost its connection to the MQTT broker")), warnings.toString());
            assertTrue(warnings.stream().anyMatch(w -> w.contains("reconnected to the MQTT broker (all 6 connections)")),
                    warnings.toString());
            assertEquals(2, warnings.size(), "one line for the outage, one for the recovery: " + warnings);
        }
    }

    private void assertRejected(Recorder recorder, String deviceId, String commandId, String payload, String because)
            throws Exception {
        recorder.publish(prefix + deviceId + "/cmd/" + commandId, payload);
        Recorder.Message ack = recorder.await(prefix + deviceId + "/ack/" + commandId, "an ack", m -> true);
        Map<?, ?> answer = (Map<?, ?>) SenmlCheck.parse(ack.payload());
        assertEquals("rejected", answer.get("status"), ack.payload());
        assertTrue(((String) answer.get("reason")).contains(because), ack.payload());
    }

    /** After the simulator closed, a new subscriber finds every device's retained state offline. */
    private void assertOfflineAndRetained(List<String> ids) throws Exception {
        try (Recorder late = new Recorder(broker.url(), prefix + "+/state")) {
            for (String id : ids) {
                Recorder.Message state = late.await(prefix + id + "/state", "the retained offline state", m -> true);
                assertTrue(state.retained());
                assertEquals(Map.of("online", false), SenmlCheck.parse(state.payload()));
            }
        }
    }

    private void assertNoThreadsLeft() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(name -> name.startsWith("regie-simulator") || name.contains("sim-" + site + "-")).toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("threads left after close: " + left);
    }

    private static SimDevice device(CitySimulator simulator, String id) {
        return simulator.devices().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    }

    private static double round6(double value) {
        return Math.round(value * 1e6) / 1e6;
    }

    private static String command(String id, String target, String action, String parameters, int deadlineSeconds) {
        return command(id, target, action, parameters, Instant.now().plusSeconds(deadlineSeconds));
    }

    private static String command(String id, String target, String action, String parameters, Instant deadline) {
        return "{\"id\":\"" + id + "\",\"target\":\"" + target + "\",\"action\":\"" + action + "\",\"parameters\":"
                + parameters + ",\"deadline\":\"" + deadline + "\"}";
    }
}
