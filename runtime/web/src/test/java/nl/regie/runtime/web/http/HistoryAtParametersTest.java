package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import nl.regie.api.model.BoundingBox;

import org.junit.jupiter.api.Test;

/** The parameters of {@code GET /api/history/at}: defaults, limits, and a message naming each bad one. */
class HistoryAtParametersTest {

    private static final Instant NOW = Instant.parse("2031-05-04T12:00:00.123456Z");

    private static HistoryAtParameters parse(String... pairs) {
        Map<String, String[]> parameters = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            parameters.put(pairs[i], new String[] {pairs[i + 1]});
        }
        return HistoryAtParameters.parse(parameters, NOW);
    }

    private static String refusal(String... pairs) {
        return assertThrows(IllegalArgumentException.class, () -> parse(pairs)).getMessage();
    }

    @Test
    void defaultsAreNowToTheMillisecondAndAnHourBack() {
        HistoryAtParameters p = parse("type", "WasteContainer");
        assertEquals(Instant.parse("2031-05-04T12:00:00.123Z"), p.time());
        assertEquals(Duration.ofHours(1), p.lookBack());
        assertEquals(Instant.parse("2031-05-04T11:00:00.123Z"), p.from());
        assertEquals(Instant.parse("2031-05-04T12:00:00.124Z"), p.until(), "just after the time: it counts");
        assertEquals(List.of("WasteContainer"), p.types());
        assertNull(p.bbox());
        assertEquals(Set.of(), p.attributes());
    }

    @Test
    void everyParameterGiven() {
        HistoryAtParameters p = parse("time", "2031-05-04T10:00:00+02:00", "type", "Streetlight, WasteContainer,"
                + "Streetlight", "bbox", "4.8,52.3,5.0,52.4", "attrs", "fillingLevel,status", "lookBack", "PT6H");
        assertEquals(Instant.parse("2031-05-04T08:00:00Z"), p.time());
        assertEquals(List.of("Streetlight", "WasteContainer"), p.types(), "in order, each once");
        assertEquals(new BoundingBox(4.8, 52.3, 5.0, 52.4), p.bbox());
        assertEquals(Set.of("fillingLevel", "status"), p.attributes());
        assertEquals(Duration.ofHours(6), p.lookBack());
        assertEquals(Duration.ofSeconds(30), parse("type", "A", "lookBack", "30s").lookBack());
    }

    @Test
    void badValuesNameTheirParameter() {
        assertTrue(refusal().contains("'type' is required"));
        assertTrue(refusal("type", "A,b").contains("'b' is not one"));
        assertTrue(refusal("type", "A", "lookBack", "6h1s").contains("'lookBack'"));
        assertTrue(refusal("type", "A", "lookBack", "PT6H1S").contains("at most 6 hours"));
        assertTrue(refusal("type", "A", "time", "yesterday").contains("'time' must be an ISO-8601 time"));
        assertTrue(refusal("type", "A", "bucket", "5m").contains("'bucket'"));
        StringBuilder many = new StringBuilder("T0");
        for (int i = 1; i <= HistoryAtParameters.MAX_TYPES; i++) {
            many.append(",T").append(i);
        }
        assertTrue(refusal("type", many.toString()).contains("at most 20 types"));
    }
}
