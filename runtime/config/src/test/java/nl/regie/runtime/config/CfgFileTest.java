package nl.regie.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CfgFileTest {

    private static CfgFile parse(String text) throws CfgFile.MalformedException {
        return CfgFile.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String problem(byte[] content) {
        return assertThrows(CfgFile.MalformedException.class, () -> CfgFile.parse(content)).getMessage();
    }

    @Test
    void theFileNameIsThePid() {
        assertEquals("nl.regie.waste", CfgFile.pidOf("nl.regie.waste.cfg"));
        assertNull(CfgFile.pidOf("nl.regie.waste.cfg~"), "an editor's backup");
        assertNull(CfgFile.pidOf(".nl.regie.waste.cfg"), "a hidden file");
        assertNull(CfgFile.pidOf(".cfg"));
        assertNull(CfgFile.pidOf("README.md"));
    }

    @Test
    void propertiesInFileOrderWithValuesStripped() throws Exception {
        CfgFile file = parse("""
                # the waste plugin
                full.threshold = 0.75\t
                route.depots : Depot Noord|4.90|52.40 , Depot Zuid|4.88|52.33
                ! another comment
                fire.temperature=60
                name = Grachtengordel \\u00e9\u00e9n
                """);
        assertEquals(List.of("full.threshold", "route.depots", "fire.temperature", "name"), List.copyOf(file.values().keySet()));
        assertEquals("0.75", file.values().get("full.threshold"));
        assertEquals("Depot Noord|4.90|52.40 , Depot Zuid|4.88|52.33", file.values().get("route.depots"));
        assertEquals("Grachtengordel \u00e9\u00e9n", file.values().get("name"), "UTF-8 and \\u escapes");
    }

    @Test
    void anEmptyFileHasNoValues() throws Exception {
        assertEquals(Map.of(), parse("").values());
        assertEquals(Map.of(), parse("# all defaults\n").values());
        assertEquals(Map.of("a", "1"), parse("\uFEFFa = 1\n").values(), "a byte order mark is skipped");
    }

    @Test
    void aKeySetTwiceIsRefused() {
        assertEquals("key full.threshold set more than once",
                problem("full.threshold = 0.7\nfull.threshold = 0.8\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("keys a, b set more than once", problem("a=1\nb=2\na=3\nb=4\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void invalidUtf8AndBadEscapesAreRefused() {
        assertEquals("the file is not valid UTF-8", problem(new byte[] {'a', '=', (byte) 0xE9, '\n'}));
        assertEquals("the file is not a valid properties file: Malformed \\uxxxx encoding.",
                problem("a = \\u00zz\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aHugeFileIsRefusedWithoutParsing() {
        assertEquals("the file has 1048577 bytes, more than the 1048576 a configuration file may have",
                problem(new byte[CfgFile.MAX_BYTES + 1]));
    }
}
