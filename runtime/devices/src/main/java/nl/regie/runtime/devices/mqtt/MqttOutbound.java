package nl.regie.runtime.devices.mqtt;

/** Where the bridge publishes to devices: the MQTT connection, or a stand-in in tests. */
interface MqttOutbound {

    /** Whether the connection to the broker is up now. */
    boolean isConnected();

    /**
     * Publishes a message; returns once the client has taken it (for QoS 1 the broker's acknowledgement comes
     * later, and an unacknowledged message is sent again after a reconnect).
     *
     * @param topic                 the topic
     * @param payload               the payload
     * @param qos                   0, 1 or 2
     * @param retained              whether the broker keeps it as the topic's retained message
     * @param messageExpirySeconds  MQTT 5 message expiry interval; 0 for none
     * @throws Exception if the client refused it (not connected, too many in flight, ...)
     */
    void publish(String topic, byte[] payload, int qos, boolean retained, long messageExpirySeconds) throws Exception;
}
