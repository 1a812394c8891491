package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SimulatorSettingsTest {

    @Test
    void defaults() {
        SimulatorSettings settings = SimulatorSettings.defaults();
        assertEquals(120, settings.devices());
        assertEquals(60, settings.speed());
        assertEquals(0.05, settings.ackRejectShare());
        assertEquals(0.05, settings.ackLateShare());
        assertEquals(Duration.ofMinutes(5), settings.reportEvery());
        assertEquals(1, settings.telemetryQos());
        assertNull(settings.clockStart());
        assertFalse(settings.dedicatedConnections());
        assertEquals(1, settings.connections(), "the default city shares one connection");
        assertEquals(Duration.ofSeconds(5), settings.wallInterval(), "5 simulated minutes at x60");
    }

    @Test
    void devicesAndSpeedAreChecked() {
        assertEquals(10_000, SimulatorSettings.defaults().withDevices(10_000).devices());
        assertEquals(3600, SimulatorSettings.defaults().withSpeed(3600).speed());
        assertEquals(1, SimulatorSettings.defaults().withSpeed(1).speed());
        for (int bad : new int[] {0, -1, 10_001}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SimulatorSettings.defaults().withDevices(bad));
            assertEquals("devices must be from 1 to 10000, not " + bad, e.getMessage());
        }
        for (double bad : new double[] {0.5, 3601, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SimulatorSettings.defaults().withSpeed(bad));
            assertTrue(e.getMessage().startsWith("speed must be from 1 to 3600"), e.getMessage());
        }
    }

    @Test
    void otherValuesAreChecked() {
        SimulatorSettings base = SimulatorSettings.defaults();
        assertThrows(IllegalArgumentException.class, () -> base.withAckShares(-0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> base.withAckShares(0.6, 0.5));
        assertEquals(1.0, base.withAckShares(0.5, 0.5).ackLateShare() + 0.5);
        assertThrows(IllegalArgumentException.class, () -> base.withReportEvery(Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> base.withReportEvery(null));
        assertThrows(IllegalArgumentException.class, () -> base.withTelemetryQos(2));
        assertThrows(IllegalArgumentException.class, () -> base.withConnections(10, 0));
        assertThrows(IllegalArgumentException.class, () -> base.withMaxMessagesPerSecond(0));
    }

    @Test
    void manyDevicesShareABoundedNumberOfConnections() {
        SimulatorSettings city = SimulatorSettings.defaults().withDevices(10_000);
        assertFalse(city.dedicatedConnections());
        assertEquals(50, city.connections());
        assertEquals(10, SimulatorSettings.defaults().withDevices(10).connections(), "a connection per device");
        assertTrue(SimulatorSettings.defaults().withDevices(10).dedicatedConnections());
        assertEquals(1, SimulatorSettings.defaults().withDevices(11).connections());
        assertEquals(1, SimulatorSettings.defaults().withDevices(200).connections());
        assertEquals(2, SimulatorSettings.defaults().withDevices(201).connections());
        assertEquals(25, SimulatorSettings.defaults().withDevices(5000).connections());
        assertEquals(120, SimulatorSettings.defaults().withConnections(200, 50).connections());
        assertEquals(1, SimulatorSettings.defaults().withDevices(3).withConnections(0, 50).connections());
        assertEquals(3, SimulatorSettings.defaults().withDevices(10_000).withConnections(0, 3).connections());
    }

    @Test
    void theMessageRateIsCapped() {
        // 10,000 devices at x3600 would send 120,000 packs a second: the ceiling of 2,000 stretches the interval.
        SimulatorSettings fast = SimulatorSettings.defaults().withDevices(10_000).withSpeed(3600);
        assertEquals(Duration.ofSeconds(5), fast.wallInterval());
        SimulatorSettings small = SimulatorSettings.defaults().withDevices(10).withSpeed(3600);
        assertEquals(Duration.ofNanos(83_333_333), small.wallInterval());
    }
}
