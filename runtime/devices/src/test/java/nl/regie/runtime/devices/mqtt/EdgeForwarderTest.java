package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

/** An edge's checks: the device bridge's rules for telemetry, and the edge hop's message for what passes them. */
class EdgeForwarderTest {

    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
    private static final String TOPIC = "regie/v1/demo/dev/bin-1/tele";

    private final RecordingLogger log = new RecordingLogger();
    private final EdgeForwarder forwarder = new EdgeForwarder(BridgeSettings.defaults("demo"),
            Clock.fixed(NOW, ZoneOffset.UTC), log.logger(), new RecordingAuditLog());
    private final EdgeWire wire = new EdgeWire("demo");

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anAcceptedPackBecomesOneEdgeMessageWithItsReadings() {
        byte[] pack = bytes("[{\"bn\":\"urn:ngsi-ld:WasteContainer:bin-1:\",\"bt\":1780307990,\"n\":\"fillingLevel\","
                + "\"u\":\"/\",\"v\":0.4},{\"n\":\"temperature\",\"u\":\"Cel\",\"v\":21}]");
        EdgeForwarder.Forward forward = forwarder.accept(TOPIC, pack);

        assertNotNull(forward);
        assertEquals("regie/v1/demo/edge/bin-1", forward.topic());
        assertEquals(2, forward.readings());
        EdgeWire.Forwarded back = wire.decode(forward.topic(), forward.payload());
        assertEquals(EdgeForwarder.packId("bin-1", pack), back.pack());
        assertEquals(EntityId.of("WasteContainer", "bin-1"), back.readings().get(0).entity());
        assertEquals(new Value.Number(0.4), back.readings().get(0).value());
        assertEquals(Instant.ofEpochSecond(1780307990), back.readings().get(0).observedAt());
        assertEquals(NOW, back.readings().get(0).receivedAt());
        assertEquals("bin-1", back.readings().get(1).source());
        assertEquals(1, forwarder.packs());
        assertEquals(2, forwarder.readings());
    }

    @Test
    void whatTheBridgeWouldRefuseTheEdgeRefusesAndCounts() {
        assertNull(forwarder.accept(TOPIC, bytes("not senml")), "bad SenML");
        assertNull(forwarder.accept(TOPIC, bytes("[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-2:fillingLevel\",\"v\":1}]")),
                "another device's entity");
        assertNull(forwarder.accept(TOPIC, bytes("[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-1:fillingLevel\",\"v\":1,"
                + "\"t\":" + NOW.plusSeconds(3600).getEpochSecond() + "}]")), "an hour ahead");
        assertNull(forwarder.accept("regie/v1/demo/dev/bin-1/state", bytes("{\"online\":true}")), "not telemetry");
        assertNull(forwarder.accept("regie/v1/other/dev/bin-1/tele", bytes("[]")), "another site");
        assertEquals(5, forwarder.refused());
        assertEquals(0, forwarder.packs());
    }

    @Test
    void aPacksIdNamesTheDevicesBytesWhicheverEdgeReadsThem() {
        byte[] pack = bytes("[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-1:fillingLevel\",\"v\":1,\"t\":1780307990}]");
        String id = EdgeForwarder.packId("bin-1", pack);
        assertEquals(id, EdgeForwarder.packId("bin-1", pack.clone()));
        assertNotEquals(id, EdgeForwarder.packId("bin-2", pack), "another device's same bytes");
        assertNotEquals(id, EdgeForwarder.packId("bin-1", bytes("[{\"n\":\"x\",\"v\":2}]")));
        assertEquals("bin-1-".length() + 32, id.length());
    }

    @Test
    void theFilterIsTheSitesTelemetry() {
        assertEquals("regie/v1/demo/dev/+/tele", forwarder.telemetryFilter());
    }
}
