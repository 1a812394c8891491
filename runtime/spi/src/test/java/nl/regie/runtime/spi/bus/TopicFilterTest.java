package nl.regie.runtime.spi.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicFilterTest {

    @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
    @CsvSource(delimiter = '|', textBlock = """
            WasteContainer/bin-1/fillingLevel | WasteContainer/bin-1/fillingLevel | true
            WasteContainer/bin-1/fillingLevel | WasteContainer/bin-2/fillingLevel | false
            WasteContainer/bin-1/fillingLevel | WasteContainer/bin-1/temperature  | false
            WasteContainer/bin-1/fillingLevel | Streetlight/bin-1/fillingLevel    | false
            WasteContainer/+/fillingLevel     | WasteContainer/bin-1/fillingLevel | true
            WasteContainer/+/fillingLevel     | WasteContainer/bin-1/temperature  | false
            WasteContainer/+/fillingLevel     | Streetlight/bin-1/fillingLevel    | false
            +/+/fillingLevel                  | Streetlight/lamp-7/fillingLevel   | true
            +/+/+                             | Streetlight/lamp-7/powerConsumption | true
            +/lamp-7/+                        | Streetlight/lamp-7/powerConsumption | true
            +/lamp-7/+                        | Streetlight/lamp-8/powerConsumption | false
            #                                 | Streetlight/lamp-7/powerConsumption | true
            WasteContainer/#                  | WasteContainer/x/y                | true
            WasteContainer/#                  | WasteContainerX/x/y               | false
            WasteContainer/#                  | Streetlight/x/y                   | false
            WasteContainer/bin-1/#            | WasteContainer/bin-1/temperature  | true
            WasteContainer/bin-1/#            | WasteContainer/bin-10/temperature | false
            +/#                               | Device/urn:dev:1/battery          | true
            +/bin.1_a-b:c/#                   | WasteContainer/bin.1_a-b:c/level  | true
            WasteContainer/+/fillingLevel     | WasteContainer/bin-1              | false
            WasteContainer/+/fillingLevel     | WasteContainer/bin-1/fillingLevel/extra | false
            WasteContainer/#                  | WasteContainer                    | true
            """)
    void matchesTopics(String filter, String topic, boolean expected) {
        assertEquals(expected, TopicFilter.parse(filter).matches(topic));
    }

    @ParameterizedTest(name = "''{0}'' is refused: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""                             | topic filter '' is empty
            a//b                           | topic filter 'a//b' has an empty level 2
            /WasteContainer/+              | topic filter '/WasteContainer/+' has an empty level 1 (it starts with '/')
            WasteContainer/+/              | topic filter 'WasteContainer/+/' has an empty level 3 (it ends with '/')
            /                              | topic filter '/' has an empty level 1 (it starts with '/')
            #/fillingLevel                 | topic filter '#/fillingLevel' has '#' at level 1; '#' is allowed only as the last level
            WasteContainer/#/fillingLevel  | topic filter 'WasteContainer/#/fillingLevel' has '#' at level 2; '#' is allowed only as the last level
            ab+/x/y                        | topic filter 'ab+/x/y' level 1 'ab+' mixes a wildcard with other characters; '+' and '#' must stand alone in a level
            WasteContainer/a#              | topic filter 'WasteContainer/a#' level 2 'a#' mixes a wildcard with other characters; '+' and '#' must stand alone in a level
            WasteContainer/+/++            | topic filter 'WasteContainer/+/++' level 3 '++' mixes a wildcard with other characters; '+' and '#' must stand alone in a level
            WasteContainer/x/y/z           | topic filter 'WasteContainer/x/y/z' has 4 levels; topics have 3: {EntityType}/{localId}/{attribute}
            +/+/+/#                        | topic filter '+/+/+/#' has 4 levels; topics have 3: {EntityType}/{localId}/{attribute}
            WasteContainer/+               | topic filter 'WasteContainer/+' has 2 level(s) and does not end with '#', so it can never match a topic {EntityType}/{localId}/{attribute}
            WasteContainer                 | topic filter 'WasteContainer' has 1 level(s) and does not end with '#'
            wasteContainer/+/fillingLevel  | topic filter 'wasteContainer/+/fillingLevel' level 1 'wasteContainer' is not an entity type
            Waste Container/#              | topic filter 'Waste Container/#' level 1 'Waste Container' is not an entity type
            WasteContainer/bin 1/#         | topic filter 'WasteContainer/bin 1/#' level 2 'bin 1' is not a local id
            WasteContainer/bin*1/#         | topic filter 'WasteContainer/bin*1/#' level 2 'bin*1' is not a local id
            WasteContainer/+/FillingLevel  | topic filter 'WasteContainer/+/FillingLevel' level 3 'FillingLevel' is not an attribute
            WasteContainer/+/filling-level | topic filter 'WasteContainer/+/filling-level' level 3 'filling-level' is not an attribute
            """)
    void refusesMalformedFiltersNamingTheFilterAndTheProblem(String filter, String expectedMessageStart) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> TopicFilter.parse(filter));
        String message = refused.getMessage();
        assertEquals(expectedMessageStart, message.substring(0, Math.min(message.length(), expectedMessageStart.length())),
                message);
    }

    @Test
    void refusesTooLongLevels() {
        String longType = "W" + "a".repeat(64);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TopicFilter.parse(longType + "/#"));
        assertEquals("topic filter '" + longType + "/#' level 1 '" + longType + "' is not an entity type: an upper-case"
                + " letter, then letters and digits, at most 64", refused.getMessage());
    }

    @Test
    void refusesNull() {
        assertThrows(NullPointerException.class, () -> TopicFilter.parse(null));
    }

    @Test
    void keepsTheFilterAsWritten() {
        assertEquals("WasteContainer/+/fillingLevel", TopicFilter.parse("WasteContainer/+/fillingLevel").toString());
        assertEquals(TopicFilter.parse("#"), TopicFilter.parse("#"));
    }
}
