package nl.regie.runtime.mqtt;

import java.util.List;
import java.util.Optional;

/**
 * The devices the MQTT bridge knows, for the HTTP API. Registered by {@link MqttBridgeComponent} whether or not
 * a broker is configured (without one, {@link BridgeInfo#enabled()} is false and no device is known).
 * Private to the runtime bundle.
 */
public interface DeviceDirectory {

    /** The bridge itself: on or off, connected or not, bridge-wide counters. */
    BridgeInfo bridge();

    /** Every known device, by id. */
    List<DeviceSnapshot> devices();

    /** One device, if known. */
    Optional<DeviceSnapshot> device(String deviceId);

    /**
     * Why a text is not a device id, or empty if it is one: 1 to 128 letters, digits, '.', '_', '-' or ':' (an
     * NGSI-LD local id, so that {@code urn:ngsi-ld:Device:{id}} is an entity).
     */
    static Optional<String> deviceIdProblem(String id) {
        return Topics.isDeviceId(id) ? Optional.empty() : Optional.of(Topics.deviceIdRule(id));
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
