package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.junit.jupiter.api.Test;

class SseFormatTest {

    @Test
    void everyLineOfDataIsItsOwnDataLine() {
        assertEquals("id: 7\nevent: change\ndata: one\ndata: two\ndata: \ndata: three\ndata: four\n\n",
                SseFormat.event(7, "change", "one\ntwo\n\nthree\r\nfour"));
        assertEquals("event: resync\ndata: {}\n\n", SseFormat.event(-1, "resync", "{}"));
    }

    @Test
    void commentsAndRetry() {
        assertEquals(": a b\n\n", SseFormat.comment("a\nb"));
        assertEquals("retry: 3000\n\n", SseFormat.retry(3000));
    }

    @Test
    void aChangeCarriesTheReadingAsJson() {
        Instant at = Instant.parse("2026-05-01T10:00:00Z");
        Reading reading = new Reading(EntityId.of("WasteContainer", "bin-1"), "note", Value.of("line1\nline2"), "",
                at, at, "test", null);
        String event = SseFormat.reading("42", reading, Location.of(4.9, 52.37));
        assertEquals("id: 42\nevent: change\ndata: {\"id\":\"urn:ngsi-ld:WasteContainer:bin-1\",\"type\":\"WasteContainer\","
                + "\"attribute\":\"note\",\"value\":\"line1\\nline2\",\"unit\":\"\",\"observedAt\":\"2026-05-01T10:00:00Z\","
                + "\"source\":\"test\",\"location\":[4.9,52.37]}\n\n", event);
    }

    @Test
    void alertEntitiesAreAlertEvents() {
        Reading reading = Reading.of(EntityId.of("Alert", "k1"), "active", Value.of(true), "", "test");
        String event = SseFormat.reading("1", reading, null);
        assertTrue(event.startsWith("id: 1\nevent: alert\ndata: {"), event);
        assertTrue(event.contains("\"value\":true,") && event.contains("\"location\":null"), event);
    }
}
