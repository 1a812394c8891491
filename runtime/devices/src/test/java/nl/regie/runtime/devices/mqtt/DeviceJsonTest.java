package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class DeviceJsonTest {

    private final DeviceJson json = new DeviceJson();

    private JsonNode read(String text) {
        return json.object(text.getBytes(StandardCharsets.UTF_8));
    }

    private String refused(String text) {
        return assertThrows(IllegalArgumentException.class, () -> read(text)).getMessage();
    }

    @Test
    void oneObjectIsRead() {
        JsonNode root = read(" {\"online\": true, \"entities\": [\"urn:ngsi-ld:Device:d\"]} ");
        assertTrue(root.get("online").booleanValue());
        assertEquals("urn:ngsi-ld:Device:d", root.get("entities").get(0).textValue());
    }

    @Test
    void anythingButOneObjectIsRefusedWithTheReason() {
        assertEquals("must be a JSON object", refused("[true]"));
        assertEquals("must be a JSON object", refused("\"online\""));
        assertEquals("must be a JSON object", refused("null"));
        assertEquals("must be a JSON object", refused(""));
        String duplicate = refused("{\"online\": true, \"online\": false}");
        assertTrue(duplicate.startsWith("not valid JSON: Duplicate field 'online'"), duplicate);
        String trailing = refused("{\"online\": true} trailing");
        assertTrue(trailing.startsWith("not valid JSON: "), trailing);
        String broken = refused("{\"online\": ");
        assertTrue(broken.startsWith("not valid JSON: "), broken);
        assertFalse(broken.contains("\n"), "Jackson's location is left out: " + broken);
    }

    @Test
    void atMostSixteenKibibytesAreRead() {
        String fits = "{\"a\":\"" + "x".repeat(DeviceJson.MAX_BYTES - 8) + "\"}";
        assertEquals(DeviceJson.MAX_BYTES, fits.length());
        assertEquals(DeviceJson.MAX_BYTES - 8, read(fits).get("a").textValue().length());
        assertEquals("payload of 16385 bytes is larger than 16384", refused(fits.replace("{", "{ ")));
    }

    @Test
    void valuesAreWrittenInTheirOrder() throws Exception {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", "cmd-1");
        message.put("parameters", Map.of("level", 0.3));
        message.put("flags", List.of(true, 2));
        assertEquals("{\"id\":\"cmd-1\",\"parameters\":{\"level\":0.3},\"flags\":[true,2]}",
                new String(json.write(message), StandardCharsets.UTF_8));
    }
}
