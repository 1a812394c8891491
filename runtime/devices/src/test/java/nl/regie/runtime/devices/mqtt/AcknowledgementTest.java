package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import nl.regie.api.actuation.CommandState;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class AcknowledgementTest {

    private static final String STATUS_RULE = "'status' must be \"completed\", \"rejected\" or \"failed\"";

    private final ObjectMapper json = new ObjectMapper();

    private Acknowledgement read(String text) throws Exception {
        return Acknowledgement.read(json.readTree(text));
    }

    private String refused(String text) {
        return assertThrows(IllegalArgumentException.class, () -> read(text)).getMessage();
    }

    @Test
    void theStatusIsOneOfThreeAndTheReasonOptional() throws Exception {
        assertEquals(new Acknowledgement(CommandState.COMPLETED, ""), read("{\"status\": \"completed\"}"));
        assertEquals(new Acknowledgement(CommandState.REJECTED, "level out of range"),
                read("{\"status\": \"rejected\", \"reason\": \"level out of range\"}"));
        assertEquals(new Acknowledgement(CommandState.FAILED, ""), read("{\"status\": \"failed\", \"reason\": null}"));
        assertEquals(new Acknowledgement(CommandState.COMPLETED, ""), read("{\"status\": \"completed\", \"at\": 5}"),
                "other members are ignored");
    }

    @Test
    void aWrongStatusOrReasonIsNamed() {
        assertEquals(STATUS_RULE, refused("{}"));
        assertEquals(STATUS_RULE, refused("{\"status\": 1}"));
        assertEquals(STATUS_RULE, refused("{\"status\": null}"));
        assertEquals(STATUS_RULE + ", was \"done\"", refused("{\"status\": \"done\"}"));
        assertEquals(STATUS_RULE + ", was \"Completed\"", refused("{\"status\": \"Completed\"}"));
        assertEquals("'reason' must be a text", refused("{\"status\": \"failed\", \"reason\": 42}"));
        assertEquals("'reason' must be a text", refused("{\"status\": \"failed\", \"reason\": [\"x\"]}"));
    }

    @Test
    void withoutAReasonTheResultSaysWhatTheDeviceDid() {
        assertEquals("device lamp-7 rejected the command",
                new Acknowledgement(CommandState.REJECTED, "").reasonOf("lamp-7"));
        assertEquals("device lamp-7 failed to carry out the command",
                new Acknowledgement(CommandState.FAILED, "").reasonOf("lamp-7"));
        assertEquals("", new Acknowledgement(CommandState.COMPLETED, "").reasonOf("lamp-7"));
        assertEquals("bulb broken", new Acknowledgement(CommandState.FAILED, "bulb broken").reasonOf("lamp-7"));
    }
}
