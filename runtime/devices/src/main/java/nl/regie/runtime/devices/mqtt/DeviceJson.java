package nl.regie.runtime.devices.mqtt;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON the bridge exchanges with devices: births and acknowledgements are read strictly (one object of at most
 * 16 KiB, no duplicate keys, nothing after it), commands are written. Thread-safe: one mapper, configured once.
 */
final class DeviceJson {

    /** The largest JSON message a device may send. */
    static final int MAX_BYTES = 16 * 1024;

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Reads a payload that must be one JSON object.
     *
     * @throws IllegalArgumentException saying what is wrong with it, to follow "invalid ...: "
     */
    JsonNode object(byte[] payload) {
        if (payload.length > MAX_BYTES) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes is larger than " + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("must be a JSON object");
        }
        return root;
    }

    /** Writes a value (maps, lists, strings, numbers, booleans) as JSON. */
    byte[] write(Object value) throws JsonProcessingException {
        return mapper.writeValueAsBytes(value);
    }
}
