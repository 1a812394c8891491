package nl.regie.runtime.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The wire, version 1: a reading written and read back, and every way a message can be malformed, named. */
class WireFormatTest {

    private static final Instant T = Instant.parse("2026-11-28T03:00:00Z");
    private static final String TOPIC = "regie/v1/roeselare/share/gent/WaterObserved/g1/waterLevel";
    private final WireFormat wire = new WireFormat();

    @Test
    void aReadingRoundTrips() throws WireException {
        for (Value value : new Value[] {Value.of(2.5), Value.of(true), Value.of("high")}) {
            Reading reading = new Reading(EntityId.of("WaterObserved", "g1"), "waterLevel", value, "m", T, T,
                    "gauge-1", Location.of(3.125, 50.947));
            assertEquals(TOPIC, WireFormat.topic("roeselare", "gent", reading));
            SharedReading read = wire.read(TOPIC, wire.payload(reading, 1234), properties(), T.plusSeconds(1));
            assertEquals(new Reading(reading.entity(), "waterLevel", value, "m", T, T.plusSeconds(1), "gauge-1",
                    Location.of(3.125, 50.947)), read.reading());
            assertEquals("roeselare", read.publisher());
            assertEquals("gent", read.audience());
            assertEquals(1234, read.exportedAt());
            assertEquals(2, read.hops());
        }
    }

    @Test
    void theDirectPayloadIsByteForByteWhatJacksonWrites() {
        java.util.Random random = new java.util.Random(15);
        String[] texts = {"high", "", "gauge-1", "with \"quotes\"", "back\\slash", "tab\there", "nul\u0000",
            "del\u007f", "gauge-\u00e4", "\ud83c\udf0a wave", "a/b", "~!@#$%^&*()_+{}|:<>?"};
        Instant[] instants = {T, Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999Z"),
            Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
            Instant.parse("2024-02-29T12:00:00.5Z"), Instant.parse("2026-11-28T03:00:00.000123Z"),
            Instant.parse("2026-11-28T03:00:00.000000001Z"), Instant.parse("0000-01-01T00:00:00Z")};
        for (int i = 0; i < 20_000; i++) {
            Value value = switch (i % 3) {
                case 0 -> Value.of(i % 7 == 0 ? (double) random.nextInt(1000) : random.nextGaussian() * Math.pow(10,
                        random.nextInt(40) - 20));
                case 1 -> Value.of(random.nextBoolean());
                default -> Value.of(texts[random.nextInt(texts.length)]);
            };
            Instant at = i < instants.length ? instants[i]
                    : Instant.ofEpochSecond(random.nextLong(0, 253_402_300_800L), random.nextInt(4) == 0 ? 0
                            : random.nextInt(4) == 0 ? random.nextInt(1000) * 1_000_000 : random.nextInt(1_000_000_000));
            String unit = i % 11 == 0 ? texts[random.nextInt(texts.length)] : "m";
            String source = i % 13 == 0 ? "gauge-\u00e4" : "gauge-" + i;
            Location location = i % 2 == 0 ? null : Location.of(random.nextDouble() * 360 - 180,
                    random.nextDouble() * 180 - 90);
            Reading reading = new Reading(EntityId.of("WaterObserved", "g1"), "waterLevel", value, unit, at, at,
                    source, location);
            long exportedAt = random.nextLong(0, Long.MAX_VALUE);
            String direct = new String(wire.payload(reading, exportedAt), StandardCharsets.UTF_8);
            String jackson = new String(wire.payloadByJackson(reading, exportedAt), StandardCharsets.UTF_8);
            assertEquals(jackson, direct, reading.toString());
        }
    }

    @ParameterizedTest
    @CsvSource({"2026-11-28T03:00:00Z", "2026-11-28T03:00:00.5Z", "2026-11-28T03:00:00.123Z",
        "2026-11-28T23:59:59.123456789Z", "2024-02-29T12:00:00Z", "1970-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999Z", "9999-12-31T23:59:59Z", "+12026-11-28T03:00:00Z",
        // Forms Instant.parse takes too, which the fast path leaves to it: hour 24, a bare point, a lower-case t.
        "2026-11-28T24:00:00Z", "2026-11-28T03:00:00.Z", "2026-11-28t03:00:00Z"})
    void theFastInstantReadsWhatInstantParseReads(String text) {
        assertEquals(Instant.parse(text), WireFormat.instant(text));
    }

    @ParameterizedTest
    @CsvSource({"2026-02-29T03:00:00Z", "2026-13-01T03:00:00Z", "2026-11-31T03:00:00Z", "2026-11-28T03:60:00Z",
        "2026-11-28T03:00:00.1234567890Z",
        "2026-1a-28T03:00:00Z", "2026-11-28T03:00:00", "2026-11-28T03:00:0xZ", "yesterday"})
    void theFastInstantRefusesWhatInstantParseRefuses(String text) {
        assertThrows(java.time.format.DateTimeParseException.class, () -> Instant.parse(text));
        assertThrows(java.time.format.DateTimeParseException.class, () -> WireFormat.instant(text));
    }

    @ParameterizedTest
    @CsvSource({"gent, true", "g, true", "a-b_9, true", "Gent, false", "9gent, false", "-gent, false", "ge nt, false",
        "gënt, false", "g/t, false"})
    void namesAreCheckedAsThePatternSays(String name, boolean valid) {
        assertEquals(valid, WireFormat.isName(name));
        assertEquals(valid, name.matches("[a-z][a-z0-9_-]{0,63}"));
    }

    @Test
    void namesAndReadingIdsHaveTheirLengthLimits() {
        assertTrue(WireFormat.isName("g" + "a".repeat(63)));
        assertEquals(false, WireFormat.isName("g" + "a".repeat(64)));
        assertEquals(false, WireFormat.isName(""));
        assertTrue(WireFormat.isReadingId("roeselare-0a1B2c-Z.9_:x"));
        assertTrue(WireFormat.isReadingId("r".repeat(128)));
        assertEquals(false, WireFormat.isReadingId("r".repeat(129)));
        assertEquals(false, WireFormat.isReadingId(""));
        assertEquals(false, WireFormat.isReadingId("r/1"));
        assertEquals(false, WireFormat.isReadingId("r 1"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // the streaming read: another order, location first
        "{\"location\":[3.125,50.947],\"exportedAt\":7,\"source\":\"g\",\"observedAt\":\"2026-11-28T03:00:00Z\",\"unit\":\"m\",\"value\":2.5,\"v\":1}",
        // left to the tree: a repeated field (the last counts), v written as 1.0 is refused there
        "{\"v\":1,\"value\":9,\"value\":2.5,\"unit\":\"m\",\"observedAt\":\"2026-11-28T03:00:00Z\",\"source\":\"g\",\"exportedAt\":7,\"location\":[3.125,50.947]}"})
    void aUsualPayloadReadsTheSameInEitherPath(String json) throws WireException {
        SharedReading read = wire.read(TOPIC, json.getBytes(StandardCharsets.UTF_8), properties(), T);
        assertEquals(new Reading(EntityId.of("WaterObserved", "g1"), "waterLevel", Value.of(2.5), "m", T, T, "g",
                Location.of(3.125, 50.947)), read.reading());
        assertEquals(7, read.exportedAt());
    }

    @Test
    void aPayloadThatIsNotUtf8IsRefusedAsNotJson() {
        byte[] payload = "{\"v\":1,\"value\":1,\"unit\":\"m\",\"observedAt\":\"2026-11-28T03:00:00Z\",\"source\":\"g\",\"exportedAt\":1}"
                .getBytes(StandardCharsets.UTF_8);
        payload[25] = (byte) 0xC3; // a lead byte without its continuation, inside "m"
        WireException e = assertThrows(WireException.class, () -> wire.read(TOPIC, payload, properties(), T));
        assertTrue(e.getMessage().contains("payload is not JSON"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "regie/v1/roeselare/share/gent/WaterObserved/g1 | | is not regie/v1/{site}/share/{audience}",
        "regie/v1/roeselare/dev/gent/WaterObserved/g1/waterLevel | | is not regie/v1/{site}/share",
        "regie/v2/roeselare/share/gent/WaterObserved/g1/waterLevel | | is wire version v2",
        "regie/v1/Roeselare/share/gent/WaterObserved/g1/waterLevel | | site and audience must be site names",
        "regie/v1/roeselare/share/gent/waterObserved/g1/waterLevel | {\"v\":1,\"value\":1,\"unit\":\"m\",\"observedAt\":\"2026-11-28T03:00:00Z\",\"source\":\"g\",\"exportedAt\":1} | entity type",
        " | [1,2] | payload must be a JSON object",
        " | {\"v\":1 | payload is not JSON",
        " | {\"v\":2,\"value\":1,\"unit\":\"m\",\"observedAt\":\"2026-11-28T03:00:00Z\",\"source\":\"g\",\"exportedAt\":1} | payload v is 2",
        " | {\"v\":1,\"value\":1,\"unit\":\"m\",\"observedAt\":\"2026-11-28T03:00:00Z\",\"source\":\"g\"} | field 'exportedAt' is missing",
        " | {\"v\":1,\"value\":1,\"unit\":\"m\",\"observedAt\":\"2026-11-28T03:00:00Z\",\"source\":\"g\",\"exportedAt\":1,\"x\":1} | field 'x' is unknown",
        " | {\"v\":1,\"value\":[1],\"unit\":\"m\",\"observedAt\":\"2026-11-28T03:00:00Z\",\"source\":\"g\",\"exportedAt\":1} | value must be a number, a boolean or text",
        " | {\"v\":1,\"value\":1,\"unit\":\"m\",\"observedAt\":\"yesterday\",\"source\":\"g\",\"exportedAt\":1} | observedAt is not an ISO-8601 instant",
        " | {\"v\":1,\"value\":1,\"unit\":\"m\",\"observedAt\":\"2026-11-28T03:00:00Z\",\"source\":\"a/b\",\"exportedAt\":1} | must not hold '/'",
        " | {\"v\":1,\"value\":1,\"unit\":5,\"observedAt\":\"2026-11-28T03:00:00Z\",\"source\":\"g\",\"exportedAt\":1} | field 'unit' must be text",
        " | {\"v\":1,\"value\":1,\"unit\":\"m\",\"observedAt\":\"2026-11-28T03:00:00Z\",\"source\":\"g\",\"exportedAt\":1.5} | exportedAt must be milliseconds",
        " | {\"v\":1,\"value\":1,\"unit\":\"m\",\"observedAt\":\"2026-11-28T03:00:00Z\",\"source\":\"g\",\"exportedAt\":1,\"location\":[500,1]} | longitude 500.0 must be between",
        " | {\"v\":1,\"value\":1,\"unit\":\"m\",\"observedAt\":\"2026-11-28T03:00:00Z\",\"source\":\"g\",\"exportedAt\":1,\"location\":[1]} | location must be [longitude, latitude]",
    })
    void aMalformedMessageIsNamed(String topic, String payload, String expected) {
        WireException e = assertThrows(WireException.class, () -> wire.read(topic == null ? TOPIC : topic,
                (payload == null ? "{}" : payload).getBytes(StandardCharsets.UTF_8), properties(), T));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "regie-origin-site | | user property regie-origin-site is missing",
        "regie-origin-party | City | must be names",
        "regie-hops | two | is not a whole number",
        "regie-hops | 0 | it starts at 1",
        "regie-reading-id | a b | must be 1 to 128 letters",
    })
    void aBadUserPropertyIsNamed(String name, String value, String expected) {
        Map<String, String> properties = properties();
        if (value == null) {
            properties.remove(name);
        } else {
            properties.put(name, value);
        }
        Reading reading = Reading.of(EntityId.of("WaterObserved", "g1"), "waterLevel", Value.of(1.0), "m", "g");
        WireException e = assertThrows(WireException.class,
                () -> wire.read(TOPIC, wire.payload(reading, 1), properties, T));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals("roeselare", e.publisher());
    }

    @Test
    void anOversizedPayloadIsRefusedUnread() {
        byte[] big = new byte[WireFormat.MAX_PAYLOAD_BYTES + 1];
        WireException e = assertThrows(WireException.class, () -> wire.read(TOPIC, big, properties(), T));
        assertTrue(e.getMessage().contains("over the limit of 8192"), e.getMessage());
    }

    private static Map<String, String> properties() {
        Map<String, String> properties = new HashMap<>();
        properties.put(WireFormat.ORIGIN_SITE, "roeselare");
        properties.put(WireFormat.ORIGIN_PARTY, "waterboard");
        properties.put(WireFormat.HOPS, "2");
        properties.put(WireFormat.READING_ID, "roeselare-abc-1");
        return properties;
    }
}
