package nl.regie.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigEntriesTest {

    private static String refused(Runnable check) {
        return assertThrows(IllegalArgumentException.class, check::run).getMessage();
    }

    @Test
    void entriesAreTheNonBlankPartsOfAnArrayAlsoSplitAtCommas() {
        assertEquals(List.of("a=1", "b=2", "c=3"), ConfigEntries.entries(new String[] {" a=1 , b=2,", "", " ", "c=3"}));
        assertEquals(ConfigEntries.entries(new String[] {"a=1", "b=2"}), ConfigEntries.entries(new String[] {"a=1,b=2"}));
    }

    @Test
    void anAbsentSettingOrAbsentElementGivesNoEntries() {
        assertEquals(List.of(), ConfigEntries.entries(null));
        assertEquals(List.of(), ConfigEntries.entries(new String[0]));
        assertEquals(List.of("x"), ConfigEntries.entries(new String[] {null, "x"}));
    }

    @Test
    void aPairIsSplitAtItsFirstEqualsSign() {
        assertEquals(new ConfigEntries.Pair("gauge-01", "1.5"), ConfigEntries.pair("k", " gauge-01 = 1.5 ", "x"));
        assertEquals(new ConfigEntries.Pair("q", "a=b"), ConfigEntries.pair("k", "q=a=b", "x"));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"gauge-01:1.5", "gauge-01=", "=1.5", "=", " = ", ""})
    void aMalformedPairNamesKeyEntryAndExpectation(String entry) {
        assertEquals("flood.level.by.gauge entry '" + entry + "': expected gauge=level, such as gauge-01=1.5",
                refused(() -> ConfigEntries.pair("flood.level.by.gauge", entry, "gauge=level, such as gauge-01=1.5")));
    }

    @Test
    void fieldsAreSplitAtBarsAndStripped() {
        assertEquals(List.of("a", "Amstel", "4.9", ""), ConfigEntries.fields("k", "a | Amstel|4.9|", 4, "id|name|lon|lat"));
        assertEquals(List.of("only"), ConfigEntries.fields("k", "only", 1, "id"));
    }

    @Test
    void theWrongNumberOfFieldsIsRefusedWithTheCount() {
        assertEquals("sandbag.points entry 'w|W|4.9': expected id|name|lon|lat (4 fields separated by '|'), "
                + "found 3 fields", refused(() -> ConfigEntries.fields("sandbag.points", "w|W|4.9", 4, "id|name|lon|lat")));
        assertEquals("sandbag.points entry 'w': expected id|name (2 fields separated by '|'), found 1 field",
                refused(() -> ConfigEntries.fields("sandbag.points", "w", 2, "id|name")));
        assertEquals("k entry 'a|b|c|d|e': expected id|name|lon|lat (4 fields separated by '|'), found 5 fields",
                refused(() -> ConfigEntries.fields("k", "a|b|c|d|e", 4, "id|name|lon|lat")));
        assertEquals("count 0 must be at least 1", refused(() -> ConfigEntries.fields("k", "a", 0, "x")));
    }

    @Test
    void numbersAreFiniteDecimals() {
        assertEquals(1.5, ConfigEntries.number("k", "e", "level", " 1.5 "));
        assertEquals(-2e3, ConfigEntries.number("k", "e", "level", "-2e3"));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"high", "", "NaN", "Infinity", "-Infinity", "1,5", "0x", "1e999"})
    void aBadNumberIsRefusedNamingWhatItIs(String text) {
        assertEquals("flood.level.by.gauge entry 'g=" + text + "': the level '" + text.strip() + "' is not a number",
                refused(() -> ConfigEntries.number("flood.level.by.gauge", "g=" + text, "level", text)));
    }

    @Test
    void aNullNumberIsRefusedNotThrownAsNullPointer() {
        assertEquals("k entry 'e': the level '' is not a number", refused(() -> ConfigEntries.number("k", "e", "level", null)));
    }

    @Test
    void idsAreEntityLocalIds() {
        assertEquals("ams:gauge-01.a_b", ConfigEntries.id("k", "e", " ams:gauge-01.a_b "));
        assertEquals("x".repeat(128), ConfigEntries.id("k", "e", "x".repeat(128)));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"water looplein", "a/b", "a+b", "", "<script>", "a\nb"})
    void aBadIdIsRefused(String id) {
        assertEquals("sandbag.points entry 'e': the id '" + id.strip() + "' must be 1 to 128 letters, digits, '.', "
                + "'_', '-' or ':'", refused(() -> ConfigEntries.id("sandbag.points", "e", id)));
    }

    @Test
    void aTooLongIdIsRefused() {
        String id = "x".repeat(129);
        assertEquals("k entry 'e': the id '" + id + "' must be 1 to 128 letters, digits, '.', '_', '-' or ':'",
                refused(() -> ConfigEntries.id("k", "e", id)));
    }

    @Test
    void aNameUsedTwiceIsRefusedNamingBothEntries() {
        Map<String, String> seen = new HashMap<>();
        ConfigEntries.unique("sandbag.points", "w|W|4.9|52.3", "id", "w", seen);
        ConfigEntries.unique("sandbag.points", "v|V|4.9|52.3", "id", "v", seen);
        assertEquals("sandbag.points entry 'w|Other|4.8|52.3': the id 'w' is also used by 'w|W|4.9|52.3'",
                refused(() -> ConfigEntries.unique("sandbag.points", "w|Other|4.8|52.3", "id", "w", seen)));
        assertEquals(Map.of("w", "w|W|4.9|52.3", "v", "v|V|4.9|52.3"), seen, "the refused entry is not remembered");
    }

    @Test
    void badFormatsAPluginsOwnCheck() {
        IllegalArgumentException e = ConfigEntries.bad("gauge.names", "g=x", "the name must be at most 80 characters");
        assertEquals("gauge.names entry 'g=x': the name must be at most 80 characters", e.getMessage());
    }
}
