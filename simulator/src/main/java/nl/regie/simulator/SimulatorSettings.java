package nl.regie.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * How the simulated city runs. Start from {@link #defaults()} and change what you need with the
 * {@code with...} methods; every value is checked when the settings are made, with a message that names it.
 *
 * @param devices how many devices, 1 to 10,000 (bins, streetlights and their group controllers, crowd and traffic
 *     counters, water gauges, in fixed shares; from six devices on, at least one of each)
 * @param speed how much faster than the wall clock simulated time runs, 1 to 3600 (60: a simulated minute per
 *     second, a simulated day in 24 minutes)
 * @param ackRejectShare the share of valid commands a device rejects with a reason, as a real controller
 *     sometimes does (busy, no answer from the lamp driver), 0 to 1
 * @param ackLateShare the share of valid commands a device carries out but acknowledges only after their
 *     deadline, 0 to 1; together with {@code ackRejectShare} at most 1
 * @param seed what the city is made from: the same seed gives the same devices, places and behaviour
 * @param reportEvery simulated time between two telemetry packs of a device, 10 seconds to 1 hour
 * @param maxDedicatedConnections up to this many devices, each device has its own MQTT connection, with its own
 *     will; above it devices share connections, one per {@value #DEVICES_PER_SHARED_CONNECTION} devices (see
 *     {@link CitySimulator} for why), 0 to 1000
 * @param maxConnections how many shared connections at most, when devices share them, 1 to 1000
 * @param maxMessagesPerSecond the ceiling on the telemetry rate of the whole city, 1 to 100,000 packs a second: at
 *     a high speed or with many devices the wall-clock interval between two packs of a device grows to keep
 *     under it (the packs still carry their simulated observation times)
 * @param telemetryQos the MQTT QoS of telemetry, 1 (default: the broker acknowledges every pack) or 0 (no
 *     acknowledgement: for very large cities on a broker that cannot keep up otherwise; a pack may be lost)
 * @param clockStart the simulated time at which the simulation starts, or {@code null} for the wall-clock time
 *     when the simulator is made
 */
public record SimulatorSettings(int devices, double speed, double ackRejectShare, double ackLateShare, long seed,
        Duration reportEvery, int maxDedicatedConnections, int maxConnections, int maxMessagesPerSecond,
        int telemetryQos, Instant clockStart) {

    /** The simulated city's time zone (Amsterdam): its days, nights and local times follow it. */
    public static final ZoneId CITY_ZONE = ZoneId.of("Europe/Amsterdam");
    public static final int MAX_DEVICES = 10_000;
    public static final double MAX_SPEED = 3600;
    /** When devices share connections: how many devices a connection carries, until {@link #maxConnections()}. */
    public static final int DEVICES_PER_SHARED_CONNECTION = 200;

    /** Checks every value. */
    public SimulatorSettings {
        check(devices >= 1 && devices <= MAX_DEVICES, "devices must be from 1 to " + MAX_DEVICES + ", not " + devices);
        check(speed >= 1 && speed <= MAX_SPEED, "speed must be from 1 to 3600, not " + speed);
        check(ackRejectShare >= 0 && ackRejectShare <= 1, "ackRejectShare must be from 0 to 1, not " + ackRejectShare);
        check(ackLateShare >= 0 && ackLateShare <= 1, "ackLateShare must be from 0 to 1, not " + ackLateShare);
        check(ackRejectShare + ackLateShare <= 1,
                "ackRejectShare and ackLateShare together must be at most 1, not " + (ackRejectShare + ackLateShare));
        check(reportEvery != null && reportEvery.compareTo(Duration.ofSeconds(10)) >= 0
                && reportEvery.compareTo(Duration.ofHours(1)) <= 0,
                "reportEvery must be from 10 seconds to 1 hour, not " + reportEvery);
        check(maxDedicatedConnections >= 0 && maxDedicatedConnections <= 1000,
                "maxDedicatedConnections must be from 0 to 1000, not " + maxDedicatedConnections);
        check(maxConnections >= 1 && maxConnections <= 1000, "maxConnections must be from 1 to 1000, not " + maxConnections);
        check(maxMessagesPerSecond >= 1 && maxMessagesPerSecond <= 100_000,
                "maxMessagesPerSecond must be from 1 to 100000, not " + maxMessagesPerSecond);
        check(telemetryQos == 0 || telemetryQos == 1, "telemetryQos must be 0 or 1, not " + telemetryQos);
    }

    /**
     * About 120 devices, time x60 (one simulated minute per second), 5% of commands rejected and 5% acknowledged
     * late, seed 2026, a pack every 5 simulated minutes, a connection per device up to 10 devices and beyond that
     * one shared connection per 200 devices, at most 50; at most 2,000 packs a second, telemetry at QoS 1,
     * starting now.
     */
    public static SimulatorSettings defaults() {
        return new SimulatorSettings(120, 60, 0.05, 0.05, 2026L, Duration.ofMinutes(5), 10, 50, 2000, 1, null);
    }

    public SimulatorSettings withDevices(int n) {
        return new SimulatorSettings(n, speed, ackRejectShare, ackLateShare, seed, reportEvery, maxDedicatedConnections,
                maxConnections, maxMessagesPerSecond, telemetryQos, clockStart);
    }

    public SimulatorSettings withSpeed(double s) {
        return new SimulatorSettings(devices, s, ackRejectShare, ackLateShare, seed, reportEvery, maxDedicatedConnections,
                maxConnections, maxMessagesPerSecond, telemetryQos, clockStart);
    }

    public SimulatorSettings withAckShares(double rejected, double late) {
        return new SimulatorSettings(devices, speed, rejected, late, seed, reportEvery, maxDedicatedConnections,
                maxConnections, maxMessagesPerSecond, telemetryQos, clockStart);
    }

    public SimulatorSettings withSeed(long newSeed) {
        return new SimulatorSettings(devices, speed, ackRejectShare, ackLateShare, newSeed, reportEvery,
                maxDedicatedConnections, maxConnections, maxMessagesPerSecond, telemetryQos, clockStart);
    }

    public SimulatorSettings withReportEvery(Duration every) {
        return new SimulatorSettings(devices, speed, ackRejectShare, ackLateShare, seed, every, maxDedicatedConnections,
                maxConnections, maxMessagesPerSecond, telemetryQos, clockStart);
    }

    /** Devices have their own connection up to {@code maxDedicated} devices, beyond that share at most {@code maxShared}. */
    public SimulatorSettings withConnections(int maxDedicated, int maxShared) {
        return new SimulatorSettings(devices, speed, ackRejectShare, ackLateShare, seed, reportEvery, maxDedicated,
                maxShared, maxMessagesPerSecond, telemetryQos, clockStart);
    }

    public SimulatorSettings withMaxMessagesPerSecond(int max) {
        return new SimulatorSettings(devices, speed, ackRejectShare, ackLateShare, seed, reportEvery,
                maxDedicatedConnections, maxConnections, max, telemetryQos, clockStart);
    }

    public SimulatorSettings withTelemetryQos(int qos) {
        return new SimulatorSettings(devices, speed, ackRejectShare, ackLateShare, seed, reportEvery,
                maxDedicatedConnections, maxConnections, maxMessagesPerSecond, qos, clockStart);
    }

    public SimulatorSettings withClockStart(Instant start) {
        return new SimulatorSettings(devices, speed, ackRejectShare, ackLateShare, seed, reportEvery,
                maxDedicatedConnections, maxConnections, maxMessagesPerSecond, telemetryQos, start);
    }

    /**
     * A start time for {@link #withClockStart} as people write it: an instant ({@code 2026-12-15T16:50:00Z}), a
     * date-time with an offset ({@code 2026-12-15T17:50+01:00}), or a local date-time ({@code 2026-12-15T17:50}) in
     * the simulated city's zone, {@link #CITY_ZONE}.
     *
     * @throws IllegalArgumentException for anything else, with a message that quotes it and says what is expected
     */
    public static Instant parseStart(String text) {
        String value = text == null ? "" : text.strip();
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset or Z: perhaps local
        }
        try {
            return LocalDateTime.parse(value, DateTimeFormatter.ISO_LOCAL_DATE_TIME).atZone(CITY_ZONE).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not a time (expected an instant such as"
                    + " 2026-12-15T16:50:00Z, or a local date-time such as 2026-12-15T17:50 in " + CITY_ZONE + ")");
        }
    }

    /** Whether every device gets its own connection (and its own will). */
    public boolean dedicatedConnections() {
        return devices <= maxDedicatedConnections;
    }

    /** How many MQTT connections the simulator opens. */
    public int connections() {
        return dedicatedConnections() ? devices
                : Math.min(maxConnections, (devices + DEVICES_PER_SHARED_CONNECTION - 1) / DEVICES_PER_SHARED_CONNECTION);
    }

    /** Wall-clock time between two telemetry packs of one device. */
    public Duration wallInterval() {
        double simulated = reportEvery.toNanos() / speed;
        double capped = devices * 1e9 / maxMessagesPerSecond;
        return Duration.ofNanos((long) Math.max(simulated, capped));
    }

    private static void check(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }
}
