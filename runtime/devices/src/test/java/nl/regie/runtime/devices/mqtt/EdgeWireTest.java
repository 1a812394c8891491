package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The edge hop's topic and payload: what an edge writes the core reads back, and anything else is refused, named. */
class EdgeWireTest {

    private static final Instant T = Instant.parse("2026-06-01T10:00:00Z");
    private static final String PACK = "bin-1-0123456789abcdef0123456789abcdef";
    private final EdgeWire wire = new EdgeWire("demo");

    @Test
    void whatAnEdgeWritesTheCoreReadsBack() {
        Reading[] readings = {
            new Reading(EntityId.of("WasteContainer", "bin-1"), "fillingLevel", new Value.Number(0.42), "/", T,
                    T.plusMillis(12), "bin-1", null),
            new Reading(EntityId.of("WasteContainer", "bin-1"), "lidOpen", new Value.Bool(true), "", T, T, "bin-1", null),
            new Reading(EntityId.of("Device", "bin-1"), "status", new Value.Text("ok"), "", T, T, "bin-1", null)};
        assertEquals("regie/v1/demo/edge/bin-1", wire.topic("bin-1"));
        assertEquals("regie/v1/demo/edge/+", wire.filter());

        EdgeWire.Forwarded back = wire.decode(wire.topic("bin-1"), wire.encode(PACK, readings));

        assertEquals("bin-1", back.device());
        assertEquals(PACK, back.pack());
        assertEquals(List.of(readings), back.readings());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON|{|not valid JSON",
        "an array|[]|must be a JSON object",
        "another version|{'v':2,'pack':'bin-1-0123456789abcdef0123456789abcdef','readings':[]}|'v' must be 1",
        "an unknown field|{'v':1,'pack':'bin-1-0123456789abcdef0123456789abcdef','readings':[],'x':1}|field 'x'",
        "no readings|{'v':1,'pack':'bin-1-0123456789abcdef0123456789abcdef','readings':[]}|non-empty array",
        "another device's pack|{'v':1,'pack':'bin-2-0123456789abcdef0123456789abcdef','readings':[{}]}|'pack' must be 'bin-1-'",
        "a short pack id|{'v':1,'pack':'bin-1-0123','readings':[{}]}|'pack' must be",
        "a reading without value|{'v':1,'pack':'bin-1-0123456789abcdef0123456789abcdef','readings':[{'entity':'urn:ngsi-ld:A:b','attribute':'x','unit':'','observedAt':'2026-06-01T10:00:00Z','receivedAt':'2026-06-01T10:00:00Z'}]}|reading 0: it has no 'value'",
        "a null value|{'v':1,'pack':'bin-1-0123456789abcdef0123456789abcdef','readings':[{'entity':'urn:ngsi-ld:A:b','attribute':'x','value':null,'unit':'','observedAt':'2026-06-01T10:00:00Z','receivedAt':'2026-06-01T10:00:00Z'}]}|'value' must be a number, boolean or text",
        "a bad entity|{'v':1,'pack':'bin-1-0123456789abcdef0123456789abcdef','readings':[{'entity':'bin','attribute':'x','value':1,'unit':'','observedAt':'2026-06-01T10:00:00Z','receivedAt':'2026-06-01T10:00:00Z'}]}|must start with 'urn:ngsi-ld:'",
        "a bad time|{'v':1,'pack':'bin-1-0123456789abcdef0123456789abcdef','readings':[{'entity':'urn:ngsi-ld:A:b','attribute':'x','value':1,'unit':'','observedAt':'yesterday','receivedAt':'2026-06-01T10:00:00Z'}]}|'observedAt' must be an ISO-8601 instant",
        "a duplicate key|{'v':1,'v':1,'pack':'bin-1-0123456789abcdef0123456789abcdef','readings':[{}]}|Duplicate field"})
    void aMalformedPayloadIsRefusedNamingWhy(String what, String json, String problem) {
        byte[] payload = json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> wire.decode("regie/v1/demo/edge/bin-1", payload), what);
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void aTopicOutsideTheSitesEdgeTopicsIsRefused() {
        byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
        for (String topic : List.of("regie/v1/other/edge/bin-1", "regie/v1/demo/edge/bin-1/x", "regie/v1/demo/dev/bin-1/tele",
                "regie/v1/demo/edge/bad id")) {
            assertThrows(IllegalArgumentException.class, () -> wire.decode(topic, payload), topic);
        }
    }

    @Test
    void anOversizedPayloadIsRefusedUnread() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> wire.decode("regie/v1/demo/edge/bin-1", new byte[EdgeWire.MAX_BYTES + 1]));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }
}
