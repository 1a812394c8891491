package nl.regie.runtime.federation;

import java.util.Map;

/**
 * One message for the shared broker: topic, payload and MQTT 5 user properties.
 *
 * @param rule the export rule that let it out, for its count once the broker has it
 */
public record Outgoing(String topic, byte[] payload, Map<String, String> properties, String rule) {
}
