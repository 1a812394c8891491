package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import nl.regie.api.model.BoundingBox;
import nl.regie.api.model.Location;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EntityQueryTest {

    private static EntityQuery parse(String... nameValuePairs) {
        Map<String, String[]> parameters = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            parameters.put(nameValuePairs[i], new String[] {nameValuePairs[i + 1]});
        }
        return EntityQuery.parse(parameters);
    }

    @Test
    void everythingIsOptional() {
        EntityQuery query = parse();
        assertNull(query.type());
        assertNull(query.near());
        assertNull(query.bbox());
        assertEquals(EntityQuery.DEFAULT_LIMIT, query.limit());
        assertEquals(0, query.offset());
    }

    @Test
    void parsesTypeNearAndPaging() {
        EntityQuery query = parse("type", "WasteContainer", "near", "4.89,52.37,250", "limit", "10", "offset", "20");
        assertEquals("WasteContainer", query.type());
        assertEquals(Location.of(4.89, 52.37), query.near());
        assertEquals(250, query.metres());
        assertEquals(10, query.limit());
        assertEquals(20, query.offset());
    }

    @Test
    void parsesABoundingBox() {
        assertEquals(new BoundingBox(4.8, 52.3, 5.0, 52.4), parse("bbox", "4.8,52.3,5.0,52.4").bbox());
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "near|4.89,52.37|parameter 'near' must be lon,lat,metres",
        "near|4.89,abc,10|'abc' is not a number",
        "near|4.89,52.37,-5|radius must not be negative",
        "near|190,52.37,5|parameter 'near': longitude 190.0 must be between -180 and 180",
        "near|4.89,52.37,NaN|must be finite numbers",
        "bbox|4.8,52.3,5.0|parameter 'bbox' must be west,south,east,north",
        "bbox|4.8,52.5,5.0,52.4|parameter 'bbox': bounding box south 52.5 is north of north 52.4",
        "limit|0|parameter 'limit' must be between 1 and 10000",
        "limit|ten|parameter 'limit' must be a whole number",
        "offset|-1|parameter 'offset' must be between 0",
        "colour|red|unknown query parameter 'colour'",
        "type|' '|parameter 'type' must be given once, with a value",
    })
    void badValuesAreRefusedWithAMessageNamingTheParameter(String name, String value, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(name, value));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void nearAndBboxExcludeEachOther() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("near", "4.89,52.37,10", "bbox", "4.8,52.3,5.0,52.4"));
        assertTrue(e.getMessage().contains("either 'near' or 'bbox'"), e.getMessage());
    }
}
