package nl.regie.runtime.devices.mqtt;

import java.time.Duration;
import java.util.Objects;

import nl.regie.runtime.devices.senml.SenmlLimits;

/**
 * The tunables of the {@link DeviceBridge}.
 *
 * @param site            the site (city) name, one MQTT topic level
 * @param senmlLimits     the limits of the strict SenML parser
 * @param staleFactor     an online device silent for longer than its interval times this factor becomes stale
 * @param defaultInterval the reporting interval of a device whose birth does not announce one
 * @param registry        extra entities assigned to devices
 * @param maxDevices      how many devices the bridge keeps track of; messages from further devices are counted as
 *                        unroutable and dropped, so a flood of made-up device ids cannot exhaust memory
 * @param futureTolerance how far ahead of the runtime's clock a reading may be dated before its pack is refused, or
 *                        null to take readings of any date (devices on a simulated clock that runs ahead)
 * @param maxUnknownDevices how many device ids that never sent a valid message the bridge counts one by one (the
 *                        least recently heard beyond this are forgotten, and counted as such)
 */
public record BridgeSettings(String site, SenmlLimits senmlLimits, double staleFactor, Duration defaultInterval,
        DeviceRegistry registry, int maxDevices, Duration futureTolerance, int maxUnknownDevices) {

    /** Default {@link #staleFactor()}. */
    public static final double DEFAULT_STALE_FACTOR = 3.0;
    /** Default {@link #defaultInterval()} in seconds. */
    public static final int DEFAULT_INTERVAL_SECONDS = 300;
    /** Default {@link #maxDevices()}. */
    public static final int DEFAULT_MAX_DEVICES = 100_000;
    /**
     * Default {@link #futureTolerance()} in seconds: five minutes, room for a device clock that is off by some minutes
     * and for the time a pack takes to arrive, not for a reading dated hours or days ahead.
     */
    public static final int DEFAULT_FUTURE_TOLERANCE_SECONDS = 300;
    /** Default {@link #maxUnknownDevices()}: about 2 MB of heap when full. */
    public static final int DEFAULT_MAX_UNKNOWN_DEVICES = 10_000;

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the value that is out of range
     */
    public BridgeSettings {
        Objects.requireNonNull(site, "site is required");
        Objects.requireNonNull(senmlLimits, "senmlLimits is required");
        Objects.requireNonNull(defaultInterval, "defaultInterval is required");
        Objects.requireNonNull(registry, "registry is required");
        new Topics(site);
        if (!Double.isFinite(staleFactor) || staleFactor < 1) {
            throw new IllegalArgumentException("staleFactor must be a number of at least 1, was " + staleFactor);
        }
        if (defaultInterval.isNegative() || defaultInterval.isZero()) {
            throw new IllegalArgumentException("defaultInterval must be positive, was " + defaultInterval);
        }
        if (maxDevices < 1) {
            throw new IllegalArgumentException("maxDevices must be at least 1, was " + maxDevices);
        }
        if (futureTolerance != null && futureTolerance.isNegative()) {
            throw new IllegalArgumentException("futureTolerance must not be negative, was " + futureTolerance);
        }
        if (maxUnknownDevices < 1) {
            throw new IllegalArgumentException("maxUnknownDevices must be at least 1, was " + maxUnknownDevices);
        }
    }

    /** Settings that count up to {@value #DEFAULT_MAX_UNKNOWN_DEVICES} unknown devices one by one. */
    public BridgeSettings(String site, SenmlLimits senmlLimits, double staleFactor, Duration defaultInterval,
            DeviceRegistry registry, int maxDevices, Duration futureTolerance) {
        this(site, senmlLimits, staleFactor, defaultInterval, registry, maxDevices, futureTolerance,
                DEFAULT_MAX_UNKNOWN_DEVICES);
    }

    /** Settings that refuse readings dated more than {@value #DEFAULT_FUTURE_TOLERANCE_SECONDS} s ahead. */
    public BridgeSettings(String site, SenmlLimits senmlLimits, double staleFactor, Duration defaultInterval,
            DeviceRegistry registry, int maxDevices) {
        this(site, senmlLimits, staleFactor, defaultInterval, registry, maxDevices,
                Duration.ofSeconds(DEFAULT_FUTURE_TOLERANCE_SECONDS));
    }

    /** The defaults for a site, with an empty registry. */
    public static BridgeSettings defaults(String site) {
        return new BridgeSettings(site, SenmlLimits.defaults(), DEFAULT_STALE_FACTOR,
                Duration.ofSeconds(DEFAULT_INTERVAL_SECONDS), DeviceRegistry.empty(), DEFAULT_MAX_DEVICES);
    }

    /** These settings with another registry. */
    public BridgeSettings withRegistry(DeviceRegistry newRegistry) {
        return new BridgeSettings(site, senmlLimits, staleFactor, defaultInterval, newRegistry, maxDevices,
                futureTolerance, maxUnknownDevices);
    }

    /** These settings with another tolerance for readings dated ahead; null takes readings of any date. */
    public BridgeSettings withFutureTolerance(Duration tolerance) {
        return new BridgeSettings(site, senmlLimits, staleFactor, defaultInterval, registry, maxDevices, tolerance,
                maxUnknownDevices);
    }
}
