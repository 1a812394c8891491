package nl.regie.runtime.spi.devices;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import nl.regie.runtime.spi.metrics.LatencyHistogram;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The devices the MQTT bridge knows, for the HTTP API. Registered by the runtime's MqttBridgeComponent whether or not
 * a broker is configured (without one, {@link BridgeInfo#enabled()} is false and no device is known).
 * Part of the runtime SPI: runtime bundles only.
 */
@ProviderType
public interface DeviceDirectory {

    /** The bridge itself: on or off, connected or not, bridge-wide counters. */
    BridgeInfo bridge();

    /** Every known device, by id. */
    List<DeviceSnapshot> devices();

    /** One device, if known. */
    Optional<DeviceSnapshot> device(String deviceId);

    /**
     * A page of the known devices in the order of their ids: at most {@code limit}, each with an id after
     * {@code after} (null: from the first).
     */
    default List<DeviceSnapshot> devices(String after, int limit) {
        return devices().stream().filter(d -> after == null || d.id().compareTo(after) > 0).limit(limit).toList();
    }

    /**
     * From a device's telemetry message arriving at the bridge to its readings handed to the bus, for every accepted
     * pack; empty without a bridge.
     */
    default Optional<LatencyHistogram.Snapshot> ingestLatency() {
        return Optional.empty();
    }

    /** The device ids heard from that never sent a valid message: counted, never known devices. */
    default UnknownDevices unknownDevices() {
        return new UnknownDevices(0, 0, 0, 0, 0);
    }

    /**
     * Device ids the bridge heard from that never sent a valid message (only rejected packs, invalid births, or
     * acknowledgements and goodbyes before any birth). They are no known device, no entity and never online; the bridge
     * counts the most recently heard of them one by one, up to a bound, and forgets the least recently heard beyond it.
     *
     * @param tracked   ids counted one by one now
     * @param capacity  the most ids counted one by one
     * @param ids       distinct ids heard from since the bridge started (an id forgotten and heard again counts again)
     * @param messages  messages from such ids
     * @param forgotten ids forgotten to stay within the bound
     */
    record UnknownDevices(int tracked, int capacity, long ids, long messages, long forgotten) {
    }

    /**
     * Why a text is not a device id, or empty if it is one: 1 to 128 letters, digits, '.', '_', '-' or ':' (an
     * NGSI-LD local id, so that {@code urn:ngsi-ld:Device:{id}} is an entity).
     */
    static Optional<String> deviceIdProblem(String id) {
        return isDeviceId(id) ? Optional.empty()
                : Optional.of("device id '" + id + "' must be 1 to 128 letters, digits, '.', '_', '-' or ':'");
    }

    /** Whether a text is a device id; see {@link #deviceIdProblem}. */
    static boolean isDeviceId(String id) {
        // The pattern DeviceIds.DEVICE_ID, written out: it is asked for every message a device sends.
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Holds the device-id pattern, the rule {@link #isDeviceId} checks (an interface cannot have private constants). */
    final class DeviceIds {
        static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

        private DeviceIds() {
        }
    }

    /**
     * The state of the bridge.
     *
     * @param enabled          whether a broker is configured
     * @param connected        whether the bridge is connected to it now
     * @param broker           the broker URL, or empty
     * @param clientId         the bridge's MQTT client id, or empty
     * @param site             the site, or empty
     * @param messagesReceived messages received on the device topics
     * @param unroutable       messages on a malformed topic or device id, or from devices beyond the limit
     * @param acksLate         acknowledgements after a command's deadline or for an unknown command, all devices
     * @param acksDuplicate    repeated acknowledgements, all devices
     * @param devices          devices known
     */
    record BridgeInfo(boolean enabled, boolean connected, String broker, String clientId, String site,
            long messagesReceived, long unroutable, long acksLate, long acksDuplicate, int devices) {

        /** The state of a bridge that is off. */
        public static BridgeInfo off() {
            return new BridgeInfo(false, false, "", "", "", 0, 0, 0, 0, 0);
        }
    }
}
