package nl.regie.launcher;

import java.util.Map;
import java.util.function.UnaryOperator;

import nl.regie.launcher.LauncherOptions.UsageException;
import nl.regie.simulator.SimulatorSettings;

/**
 * The simulated city's options: {@code no-simulator}, {@code simulator-devices}, {@code simulator-speed} and
 * {@code simulator-start}, turned into the simulator's own settings, which check the values.
 */
final class SimulatorFlags {

    /**
     * At most this many shared connections for the simulated city in the launcher (the simulator alone: 50). Each is a
     * Paho client with three threads and its buffers in Regie's own process: 10,000 devices on 10 connections instead
     * of 50 take 120 threads fewer (docs/install.md, "What the JVM options give").
     */
    static final int SHARED_CONNECTIONS = 10;

    private SimulatorFlags() {
    }

    /** The simulator's settings, or {@code null} with {@code no-simulator}. */
    static SimulatorSettings simulator(Map<String, Setting> settings) throws UsageException {
        Setting devices = settings.get("simulator-devices");
        Setting speed = settings.get("simulator-speed");
        Setting start = settings.get("simulator-start");
        if (OptionValues.bool(settings.get("no-simulator"))) {
            Setting set = devices != null ? devices : speed != null ? speed : start;
            if (set != null) {
                throw new UsageException(set.origin() + ": the simulator is off (" + settings.get("no-simulator").origin() + ")");
            }
            return null;
        }
        SimulatorSettings simulator = SimulatorSettings.defaults();
        simulator = simulator.withConnections(simulator.maxDedicatedConnections(), SHARED_CONNECTIONS);
        if (devices != null) {
            int n;
            try {
                n = Integer.parseInt(devices.value());
            } catch (NumberFormatException e) {
                throw new UsageException(devices.origin() + ": '" + devices.value() + "' is not a whole number");
            }
            simulator = checked(devices, simulator, s -> s.withDevices(n));
        }
        if (speed != null) {
            double factor;
            try {
                factor = Double.parseDouble(speed.value());
            } catch (NumberFormatException e) {
                throw new UsageException(speed.origin() + ": '" + speed.value() + "' is not a number");
            }
            simulator = checked(speed, simulator, s -> s.withSpeed(factor));
        }
        if (start != null) {
            // An instant, a date-time with an offset, or a local date-time in the simulated city's zone.
            String value = OptionValues.nonBlank(start, null);
            simulator = checked(start, simulator, s -> s.withClockStart(SimulatorSettings.parseStart(value)));
        }
        return simulator;
    }

    private static SimulatorSettings checked(Setting setting, SimulatorSettings settings, UnaryOperator<SimulatorSettings> change)
            throws UsageException {
        try {
            return change.apply(settings);
        } catch (IllegalArgumentException e) {
            throw new UsageException(setting.origin() + ": " + e.getMessage());
        }
    }
}
