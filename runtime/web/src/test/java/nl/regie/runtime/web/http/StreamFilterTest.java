package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamFilterTest {

    private static Map<String, String[]> parameters(String... nameValuePairs) {
        Map<String, String[]> parameters = new LinkedHashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            parameters.merge(nameValuePairs[i], new String[] {nameValuePairs[i + 1]}, (a, b) -> {
                String[] both = java.util.Arrays.copyOf(a, a.length + b.length);
                System.arraycopy(b, 0, both, a.length, b.length);
                return both;
            });
        }
        return parameters;
    }

    private static Reading reading(String type, Location location) {
        return Reading.of(EntityId.of(type, "x1"), "level", Value.of(1.0), "", "test").withLocation(location);
    }

    @Test
    void typesRepeatOrComeAsACommaList() {
        StreamFilter filter = StreamFilter.parse(parameters("type", "WasteContainer, Streetlight", "type", "Alert"));
        assertEquals(Set.of("WasteContainer", "Streetlight", "Alert"), filter.types());
        assertTrue(filter.matches(reading("Alert", null), id -> null));
        assertFalse(filter.matches(reading("Road", null), id -> null));
        assertTrue(StreamFilter.parse(parameters()).matches(reading("Road", null), id -> null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "near|4.89,52.37",
        "near|4.89,abc,10",
        "near|4.89,52.37,-1",
        "near|200,52.37,10",
        "bbox|4,53,5,52",
        "bbox|4,52,5",
    })
    void badAreasGetTheSameMessagesAsTheEntityList(String name, String value) {
        IllegalArgumentException stream = assertThrows(IllegalArgumentException.class,
                () -> StreamFilter.parse(parameters(name, value)));
        IllegalArgumentException list = assertThrows(IllegalArgumentException.class,
                () -> EntityQuery.parse(parameters(name, value)));
        assertEquals(list.getMessage(), stream.getMessage());
    }

    @Test
    void refusesUnknownParametersBlankTypesAndBothAreas() {
        assertThrows(IllegalArgumentException.class, () -> StreamFilter.parse(parameters("limit", "3")));
        assertThrows(IllegalArgumentException.class, () -> StreamFilter.parse(parameters("type", "A,,B")));
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> StreamFilter.parse(parameters("near", "4.89,52.37,10", "bbox", "4,52,5,53")));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
    }

    @Test
    void areasUseTheReadingsLocationOrTheEntitysKnownOne() {
        StreamFilter near = StreamFilter.parse(parameters("near", "4.89,52.37,1000"));
        Location close = Location.of(4.891, 52.371);
        Location far = Location.of(5.5, 52.0);
        assertTrue(near.matches(reading("Road", close), id -> close));
        assertFalse(near.matches(reading("Road", far), id -> far));
        assertFalse(near.matches(reading("Road", null), id -> null));

        StreamFilter box = StreamFilter.parse(parameters("bbox", "4.8,52.3,5.0,52.4", "type", "Road"));
        assertTrue(box.matches(reading("Road", null), id -> close));
        assertFalse(box.matches(reading("Road", null), id -> far));
        assertFalse(box.matches(reading("Bin", null), id -> close));
    }
}
