package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The simulator's life cycle without a broker: summaries, bad arguments, an unreachable broker. */
@Timeout(60)
class CitySimulatorTest {

    @Test
    void summarisesTheCity() {
        try (CitySimulator simulator = new CitySimulator(SimulatorSettings.defaults())) {
            assertEquals("simulator: 120 devices, time x60 (46 bins, 41 streetlights in 3 groups, 10 crowd counters, "
                    + "14 traffic counters, 6 water gauges; 1 MQTT connection)", simulator.summary());
        }
        try (CitySimulator simulator = new CitySimulator(SimulatorSettings.defaults().withDevices(10_000).withSpeed(1.5))) {
            assertTrue(simulator.summary().startsWith("simulator: 10000 devices, time x1.5 ("), simulator.summary());
            assertTrue(simulator.summary().endsWith("; 50 MQTT connections)"), simulator.summary());
        }
        try (CitySimulator simulator = new CitySimulator(SimulatorSettings.defaults().withDevices(1))) {
            assertEquals("simulator: 1 device, time x60 (1 bin; 1 MQTT connection)", simulator.summary());
        }
    }

    @Test
    void anUnreachableBrokerIsReportedClearly() throws InterruptedException {
        int port = TestBroker.freePort();
        String url = "tcp://127.0.0.1:" + port;
        long started = System.nanoTime();
        CitySimulator simulator = new CitySimulator(SimulatorSettings.defaults().withDevices(20));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> simulator.start(url, "demo"));
        assertTrue(e.getMessage().startsWith("cannot reach the MQTT broker at " + url + ": "), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("refused"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 10, "fails fast");
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> simulator.start(url, "demo"));
        assertEquals("the simulator has been closed", again.getMessage());
        simulator.close();
        assertNoThreadsLeft();
    }

    @Test
    void badArgumentsAreRefused() throws InterruptedException {
        try (CitySimulator simulator = new CitySimulator(SimulatorSettings.defaults().withDevices(2))) {
            for (String site : new String[] {"", "a/b", "city+", "#", null}) {
                assertThrows(IllegalArgumentException.class, () -> simulator.start("tcp://127.0.0.1:1", site), site);
            }
            assertThrows(IllegalArgumentException.class, () -> simulator.start(" ", "demo"));
            IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
                    () -> simulator.start("http://127.0.0.1:1883", "demo"));
            assertTrue(url.getMessage().startsWith("not a usable MQTT broker URL: \"http://127.0.0.1:1883\""), url.getMessage());
        }
        assertNoThreadsLeft();
    }

    @Test
    void closingBeforeStartingIsHarmless() {
        CitySimulator simulator = new CitySimulator(SimulatorSettings.defaults());
        simulator.close();
        simulator.close();
        assertThrows(IllegalStateException.class, () -> simulator.start("tcp://127.0.0.1:1883", "demo"));
    }

    private static void assertNoThreadsLeft() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(name -> name.startsWith("regie-simulator") || name.contains("sim-demo-")).toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("threads left: " + left);
    }
}
