package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import nl.regie.api.model.BoundingBox;
import nl.regie.runtime.spi.history.Aggregate;

import org.junit.jupiter.api.Test;

/** The history endpoints' parameters: every one parsed, every bad one refused with a message naming it. */
class HistoryParametersTest {

    static final Instant NOW = Instant.parse("2031-05-04T12:00:00Z");

    private static Map<String, String[]> query(String... pairs) {
        Map<String, String[]> parameters = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            parameters.put(pairs[i], new String[] {pairs[i + 1]});
        }
        return parameters;
    }

    private static String refused(boolean area, String... pairs) {
        return assertThrows(IllegalArgumentException.class, () -> {
            if (area) {
                HistoryParameters.area(query(pairs), NOW);
            } else {
                HistoryParameters.entity(query(pairs), NOW);
            }
        }).getMessage();
    }

    @Test
    void defaultsAreTheLastDayRawFromNow() {
        HistoryParameters p = HistoryParameters.entity(query(), NOW);

        assertEquals(NOW, p.to());
        assertEquals(NOW.minus(Duration.ofDays(1)), p.from());
        assertNull(p.bucket());
        assertEquals(Set.of(), p.attributes());
        assertFalse(p.temporal());
    }

    @Test
    void everyParameterIsRead() {
        HistoryParameters p = HistoryParameters.area(query("type", "WasteContainer", "bbox", "4.8,52.3,5.0,52.4",
                "attrs", "fillingLevel, temperature", "from", "2031-05-04T08:00:00+02:00", "to", "2031-05-04T10:00:00Z",
                "bucket", "5m", "aggregate", "MAX", "options", "temporal"), NOW);

        assertEquals("WasteContainer", p.type());
        assertEquals(new BoundingBox(4.8, 52.3, 5.0, 52.4), p.bbox());
        assertEquals(Set.of("fillingLevel", "temperature"), p.attributes());
        assertEquals(Instant.parse("2031-05-04T06:00:00Z"), p.from());
        assertEquals(Instant.parse("2031-05-04T10:00:00Z"), p.to());
        assertEquals(Duration.ofMinutes(5), p.bucket());
        assertEquals(Aggregate.MAX, p.aggregate());
        assertTrue(p.temporal());
        assertTrue(HistoryParameters.entity(query("format", "ngsi-ld"), NOW).temporal());
    }

    @Test
    void bucketsTakeShortAndIsoForms() {
        assertEquals(Duration.ofSeconds(30), HistoryParameters.bucket("30s"));
        assertEquals(Duration.ofHours(1), HistoryParameters.bucket("1h"));
        assertEquals(Duration.ofDays(1), HistoryParameters.bucket("1d"));
        assertEquals(Duration.ofMinutes(5), HistoryParameters.bucket("PT5M"));
    }

    @Test
    void badValuesAreRefusedNamingTheParameter() {
        assertTrue(refused(false, "from", "yesterday").contains("'from'"));
        assertTrue(refused(false, "to", "2031-05-04T10:00:00").contains("'to'"), "a time without offset");
        assertTrue(refused(false, "from", "2031-05-04T10:00:00Z", "to", "2031-05-04T09:00:00Z").contains("'from'"));
        assertTrue(refused(false, "from", "2031-05-04T10:00:00Z", "to", "2031-05-04T10:00:00Z").contains("'from'"));
        assertTrue(refused(false, "from", "2020-01-01T00:00:00Z").contains("at most 400 days"));
        assertTrue(refused(false, "bucket", "fortnight").contains("'bucket'"));
        assertTrue(refused(false, "bucket", "0s").contains("'bucket'"));
        assertTrue(refused(false, "bucket", "PT0.5S").contains("'bucket'"));
        assertTrue(refused(false, "bucket", "-PT5M").contains("'bucket'"));
        assertTrue(refused(false, "bucket", "1s").contains("too small for the range"), "86,400 buckets in a day");
        assertTrue(refused(false, "bucket", "5m", "aggregate", "median").contains("'aggregate'"));
        assertTrue(refused(false, "aggregate", "max").contains("needs a 'bucket'"));
        assertTrue(refused(false, "attrs", "fillingLevel,,x").contains("'attrs'"));
        assertTrue(refused(false, "attrs", "Filling Level").contains("'attrs'"));
        assertTrue(refused(false, "attrs", "a0,a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,a11,a12,a13,a14,a15,a16,a17,a18,a19,a20")
                .contains("at most 20"));
        assertTrue(refused(false, "options", "keyValues").contains("'options'"));
        assertTrue(refused(false, "format", "csv").contains("'format'"));
        assertTrue(refused(false, "type", "WasteContainer").contains("unknown query parameter 'type'"));
        assertTrue(refused(true).contains("'type' is required"));
        assertTrue(refused(true, "type", "waste container").contains("'type'"));
        assertTrue(refused(true, "type", "WasteContainer", "bbox", "1,2,3").contains("'bbox'"));
        assertTrue(refused(true, "type", "WasteContainer", "bbox", "4,53,5,52").contains("'bbox'"));
        assertTrue(refused(true, "type", "WasteContainer", "limit", "5").contains("unknown query parameter 'limit'"));
    }

    @Test
    void aParameterGivenTwiceIsRefused() {
        Map<String, String[]> twice = Map.of("from", new String[] {"2031-05-04T10:00:00Z", "2031-05-04T11:00:00Z"});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HistoryParameters.entity(twice, NOW))
                .getMessage().contains("'from'"));
    }
}
